import { LAUNCHER_LABELS, type LauncherId } from '../../../../shared/experiments/launchers'
import type { MachineInfo } from '../../../../shared/model/machine'
import type { LabPaths } from '../../paths'
import type { LauncherChoice } from '../native-addon'
import { runChild, type ChildOutcome, type ChildSpec } from '../run-child'
import type { SpawnerHelpers } from '../spawner-helpers'
import { runWithExeca } from './execa-launcher'
import { PythonLauncher } from './python-launcher'

/** A way of starting children, open for the length of a run. */
export interface Launcher {
  id: LauncherId
  label: string
  /** How many spawner helper processes start its children (0: it starts them itself). */
  helperCount: number
  run(spec: ChildSpec): Promise<ChildOutcome>
  /** `count` copies of one child at once, where the launcher has a faster way than `count` runs. */
  runAll?(spec: ChildSpec, count: number): Promise<ChildOutcome[]>
  close(): Promise<void>
}

export interface LauncherContext {
  spawners: SpawnerHelpers
  machine: MachineInfo
  paths: LabPaths
}

/** The lab's own launcher, named by how it starts children here: vfork from its own process, or through the helpers. */
function labLauncherLabel(choice: LauncherChoice | undefined): string {
  if (choice?.fromLabProcess) return 'vfork from the app (the lab\'s addon)'
  if (choice?.launcher === 'vfork') return `${LAUNCHER_LABELS.helpers} (vfork)`
  if (choice?.launcher === 'node') return `${LAUNCHER_LABELS.helpers} (Node's spawn)`
  return LAUNCHER_LABELS.helpers
}

/** The launchers this machine has: Python's only where Python 3 was found. */
export const availableLaunchers = (machine: MachineInfo): LauncherId[] => (machine.python.found ? ['helpers', 'app', 'execa', 'python'] : ['helpers', 'app', 'execa'])

/** Opens a launcher; Python's refuses with a sentence where Python 3 is missing. */
export async function openLauncher(id: LauncherId, context: LauncherContext): Promise<Launcher> {
  const label = LAUNCHER_LABELS[id]
  const close = async (): Promise<void> => {}
  switch (id) {
    case 'helpers': {
      const here = context.spawners.launchers()[0]
      // children started here need no helper; without vfork here, the helpers must be up first
      if (!here?.fromLabProcess) await context.spawners.ready()
      const choice = context.spawners.launchers()[0]
      const { spawners } = context
      return { id, label: labLauncherLabel(choice), helperCount: choice?.fromLabProcess ? 0 : spawners.count, run: (spec) => spawners.run(spec), runAll: (spec, count) => spawners.runAll(spec, count), close }
    }
    case 'app':
      return { id, label, helperCount: 0, run: runChild, close }
    case 'execa':
      return { id, label, helperCount: 0, run: runWithExeca, close }
    case 'python': {
      const python = await PythonLauncher.start(context.machine.python, context.paths.resourcesDir)
      return { id, label: `subprocess.Popen in Python ${python.version}`, helperCount: 0, run: (spec) => python.run(spec), close: () => python.close() }
    }
  }
}
