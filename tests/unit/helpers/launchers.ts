import { spawnSync } from 'node:child_process'
import { loadNativeSpawnAddon, nativeSpawnAddonPath } from '../../../src/main/lab/processes/native-addon'
import { NativeLauncher } from '../../../src/main/lab/processes/native-child'
import { runChild, type ChildOutcome, type ChildSpec } from '../../../src/main/lab/processes/run-child'
import { testPaths } from './lab'

/** The lab's vfork addon as global-setup built it (scripts/build-native.js), and why it is not used where it is not. */
export const nativeAddonPath = nativeSpawnAddonPath(testPaths.resourcesDir)
export const nativeAddon = loadNativeSpawnAddon(nativeAddonPath)

/** On Linux with a C compiler the addon must have been built and must load: its tests may not silently vanish. */
export const nativeAddonExpected = process.platform === 'linux' && spawnSync(process.env.CC || 'cc', ['--version'], { stdio: 'ignore' }).status === 0

export interface Launcher {
  name: string
  /** runChild for the children a spawner helper may run (captured output, no streams handed over). */
  run(spec: ChildSpec): Promise<ChildOutcome>
}

/** Every way this machine can start a helper's children: Node's spawn always, the addon where it loads. */
export const launchers: Launcher[] = [
  { name: 'node:child_process', run: runChild },
  ...(nativeAddon.addon ? [{ name: 'vfork addon', run: (spec: ChildSpec) => NativeLauncher.for(nativeAddon.addon!).start(spec).outcome }] : []),
]
