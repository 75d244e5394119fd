import type { PythonRaceVariant, RaceVariantTrace } from '../../../shared/experiments/race'
import type { PythonInstruction } from '../../../shared/experiments/race-stepper'
import type { PythonInfo } from '../../../shared/model/machine'
import { fromMonotonicMs } from '../measure/clock'
import type { ChildOutcome, ChildSpec } from '../processes/run-child'
import { runPythonScript } from '../python/run-script'
import type { AnalysisThread } from '../analysis/analysis-thread'
import type { PythonRaceReading } from './python-race-report'

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

export interface PythonRaceReport {
  startedAtMonotonicMs: number
  python: string
  implementation: string
  gilEnabled: boolean
  switchIntervalMs: number
  trials: PythonTrial[]
  bytecode?: PythonInstruction[]
}

export interface PythonRaceRun {
  report: PythonRaceReport
  /** The traced trials, read on the run's analysis thread. */
  traces: RaceVariantTrace[]
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
  /** Increments of each of the 2 threads in the traced trial; 0 for none. */
  traceIncrements: number
  /** sys.setswitchinterval in ms before the threads start; 0: the interpreter's own. */
  switchIntervalMs?: number
  signal: AbortSignal
  timeoutMs: number
  runChild: (spec: ChildSpec) => Promise<ChildOutcome>
  analysis: AnalysisThread
}): Promise<PythonRaceRun> {
  const { value, outcome } = await runPythonScript<PythonRaceReading>({
    python: options.python,
    resourcesDir: options.resourcesDir,
    script: 'race.py',
    args: [
      '--workers', String(options.workers),
      '--increments', String(options.increments),
      '--trials', String(options.trials),
      '--warmup', String(options.warmupRounds),
      '--variants', options.variants.join(','),
      '--trace', String(options.traceIncrements),
      ...(options.switchIntervalMs ? ['--switch-interval-ms', String(options.switchIntervalMs)] : []),
    ],
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    runChild: options.runChild,
    read: (lastLine) => options.analysis.run('pythonRaceReport', lastLine, options.signal),
  })
  return { ...value, interpreterStartupMs: fromMonotonicMs(value.report.startedAtMonotonicMs) - outcome.startedAtMs }
}

/** The lesson's Counter.increment as this interpreter compiles it (dis), for the walkthrough. */
export async function pythonBytecode(options: { python: PythonInfo; resourcesDir: string; signal: AbortSignal; runChild: (spec: ChildSpec) => Promise<ChildOutcome> }): Promise<{ version: string; instructions: PythonInstruction[] }> {
  const { value } = await runPythonScript<{ python: string; bytecode: PythonInstruction[] }>({ ...options, script: 'race.py', args: ['--bytecode-only'], timeoutMs: 30_000 })
  return { version: value.python, instructions: value.bytecode }
}
