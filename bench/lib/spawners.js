/**
 * The ways of starting a child that the process benches compare, behind one shape:
 * start(file, args) resolves once the child has ended and its output streams have closed.
 * - raw:   child_process.spawn with the lab's stdio (the baseline);
 * - execa: execa alone, with its defaults (reject: false), to separate its cost from the lab's;
 * - lab:   the subprocess manager, runChild (child_process.spawn plus capture, timeout, cancel, process group);
 * - helpers: the lab's spawner helper processes (SpawnerHelpers.run: runChild in a small process, over IPC),
 *            as the experiments start their children.
 */
import { execa } from 'execa'
import { join } from 'node:path'
import { labPaths } from './paths.js'
import { rawSpawn, runLimited } from './programs.js'

/**
 * The lab's spawner helpers, started from the app's build (<out>/main/workers/spawner.js) and ready.
 * nativeSpawnAddon: the vfork addon they start children with (as the lab passes it), or
 * undefined for Node's own spawn; vforkHere: single children start with it from this process, as
 * the lab (createLab) starts them.
 */
export async function startSpawnerHelpers(SpawnerHelpers, { count, nativeSpawnAddon, vforkHere = false } = {}) {
  const helpers = new SpawnerHelpers({ script: join(labPaths.workersDir, 'spawner.js'), count, nativeSpawnAddon, vforkHere })
  await helpers.ready()
  return helpers
}

/** The addon the lab itself would give its helpers here (undefined where it uses none), from the bench engine's native-addon module. */
export const labNativeSpawnAddon = (nativeAddonModule) => nativeAddonModule.nativeSpawnAddonPath(labPaths.resourcesDir)

const checked = (outcome) => {
  if (outcome.startError) throw new Error(outcome.startError.message)
  return outcome
}

export function makeSpawners(runChild, spawnerHelpers) {
  return {
    raw: (file, args) => rawSpawn(file, args),
    execa: (file, args) => execa(file, args, { reject: false, stdin: 'ignore' }),
    lab: async (file, args) => checked(await runChild({ file, args })),
    helpers: async (file, args) => checked(await spawnerHelpers.run({ file, args })),
  }
}

/** ms per child: `count` children of `file`, at most `limit` at once. */
export async function perChildMs(start, file, count, limit = 1) {
  const begin = performance.now()
  await runLimited(count, limit, () => start(file, []))
  return (performance.now() - begin) / count
}

/** Wall ms from asking for the first of `children` to the last one ended: all started at once. */
export async function fanoutWallMs(start, sleepFile, children, seconds) {
  const begin = performance.now()
  await Promise.all(Array.from({ length: children }, () => start(sleepFile, [String(seconds)])))
  return performance.now() - begin
}
