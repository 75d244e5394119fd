import { LabError } from '../../../shared/errors'
import type { PythonRaceVariant } from '../../../shared/experiments/race'
import type { PythonInfo } from '../../../shared/model/machine'
import { fromMonotonicMs } from '../measure/clock'
import type { ChildOutcome, ChildSpec } from '../processes/run-child'
import { runPythonScript } from '../python/run-script'

/** One trial as race.py reports it; times in ms since the release at its barrier. */
export interface PythonTrial {
  variant: PythonRaceVariant
  trial: number
  warmup: boolean
  expected: number
  found: number
  releasedAtEpochMs: number
  durationMs: number
  threads: { startMs: number; endMs: number }[]
}

interface PythonRaceReport {
  startedAtMonotonicMs: number
  python: string
  implementation: string
  gilEnabled: boolean
  switchIntervalMs: number
  trials: PythonTrial[]
}

export interface PythonRaceRun {
  report: PythonRaceReport
  /** From asking the OS to start the interpreter to the script's first line. */
  interpreterStartupMs: number
}

/** Runs resources/python/race.py once for every trial of every variant (interleaved inside Python). */
export async function runPythonRace(options: {
  python: PythonInfo
  resourcesDir: string
  workers: number
  increments: number
  trials: number
  warmupRounds: number
  variants: readonly PythonRaceVariant[]
  signal: AbortSignal
  timeoutMs: number
  runChild: (spec: ChildSpec) => Promise<ChildOutcome>
}): Promise<PythonRaceRun> {
  const { value, outcome } = await runPythonScript<PythonRaceReport>({
    python: options.python,
    resourcesDir: options.resourcesDir,
    script: 'race.py',
    args: [
      '--workers', String(options.workers),
      '--increments', String(options.increments),
      '--trials', String(options.trials),
      '--warmup', String(options.warmupRounds),
      '--variants', options.variants.join(','),
    ],
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    runChild: options.runChild,
  })
  if (!Array.isArray(value.trials) || typeof value.startedAtMonotonicMs !== 'number') {
    throw new LabError('internal', 'The Python script race.py printed JSON without its trials; is resources/python/race.py the one shipped with the lab?')
  }
  return { report: value, interpreterStartupMs: fromMonotonicMs(value.startedAtMonotonicMs) - outcome.startedAtMs }
}
