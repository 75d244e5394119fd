import type { RaceData } from '../../../shared/experiments/race'
import type { PythonInstruction } from '../../../shared/experiments/race-stepper'
import type { ExperimentContext } from '../experiments/experiment'
import { pythonBytecode } from './python-race'

type Walkthrough = Pick<RaceData, 'bytecode' | 'bytecodeNote'>

/**
 * The lesson's Counter.increment as the user's own Python compiles it, for the walkthrough: from
 * the race run where Python ran, else from a short `dis` run; a sentence where there is no Python.
 */
export async function raceWalkthroughBytecode(context: ExperimentContext, ran?: { python: string; bytecode?: PythonInstruction[] }): Promise<Walkthrough> {
  if (ran?.bytecode) return { bytecode: { python: ran.python, instructions: ran.bytecode } }
  const python = context.machine.python
  if (!python.found) {
    return { bytecodeNote: `No Python 3 was found (${python.reason ?? 'not on the PATH'}), so the walkthrough shows Node's load, add and store only; with Python it shows the bytecode of the lesson's increment as dis prints it.` }
  }
  try {
    await context.spawners.ready()
    const { version, instructions } = await pythonBytecode({ python, resourcesDir: context.paths.resourcesDir, signal: context.signal, runChild: (spec) => context.spawners.run(spec) })
    return { bytecode: { python: version, instructions } }
  } catch (error) {
    if (context.signal.aborted) throw error
    return { bytecodeNote: `Python's bytecode could not be read (${(error as Error).message}), so the walkthrough shows Node's load, add and store only.` }
  }
}
