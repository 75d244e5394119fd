import { LAUNCHER_LABELS, type LauncherId } from '../../../../shared/experiments/launchers'
import type { MachineInfo } from '../../../../shared/model/machine'
import type { LabPaths } from '../../paths'
import { runChild, type ChildOutcome, type ChildSpec } from '../run-child'
import type { SpawnerHelpers } from '../spawner-helpers'
import { runWithExeca } from './execa-launcher'
import { PythonLauncher } from './python-launcher'

/** A way of starting children, open for the length of a run. */
export interface Launcher {
  id: LauncherId
  label: string
  run(spec: ChildSpec): Promise<ChildOutcome>
  close(): Promise<void>
}

export interface LauncherContext {
  spawners: SpawnerHelpers
  machine: MachineInfo
  paths: LabPaths
}

/** The launchers this machine has: Python's only where Python 3 was found. */
export const availableLaunchers = (machine: MachineInfo): LauncherId[] => (machine.python.found ? ['helpers', 'app', 'execa', 'python'] : ['helpers', 'app', 'execa'])

/** Opens a launcher; Python's refuses with a sentence where Python 3 is missing. */
export async function openLauncher(id: LauncherId, context: LauncherContext): Promise<Launcher> {
  const label = LAUNCHER_LABELS[id]
  const close = async (): Promise<void> => {}
  switch (id) {
    case 'helpers': {
      await context.spawners.ready()
      // how the helpers themselves start children: the vfork addon where it loads, else Node's spawn
      const how = context.spawners.launchers()[0]?.launcher
      return { id, label: how === 'vfork' ? `${label} (vfork)` : how === 'node' ? `${label} (Node's spawn)` : label, run: (spec) => context.spawners.run(spec), close }
    }
    case 'app':
      return { id, label, run: runChild, close }
    case 'execa':
      return { id, label, run: runWithExeca, close }
    case 'python': {
      const python = await PythonLauncher.start(context.machine.python, context.paths.resourcesDir)
      return { id, label: `subprocess.Popen in Python ${python.version}`, run: (spec) => python.run(spec), close: () => python.close() }
    }
  }
}
