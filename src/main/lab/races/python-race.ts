import { LabError } from '../../../shared/errors'
import type { PythonRaceVariant } from '../../../shared/experiments/race'
import type { PythonInstruction } from '../../../shared/experiments/race-stepper'
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

/** One traced trial of race.py: reads as differences from the previous read, writes as write − read (see race.py). */
interface PythonTraceReport {
  variant: PythonRaceVariant
  found: number
  attempts: number
  threads: { readDeltas: number[]; writeMinusRead: number[] }[]
}

export interface PythonTrace {
  variant: PythonRaceVariant
  found: number
  /** Traced trials it took until one lost an update (at most 5); the last is the one kept. */
  attempts: number
  threads: { reads: number[]; writes: number[] }[]
}

interface PythonRaceReport {
  startedAtMonotonicMs: number
  python: string
  implementation: string
  gilEnabled: boolean
  switchIntervalMs: number
  trials: PythonTrial[]
  traces?: PythonTraceReport[]
  bytecode?: PythonInstruction[]
}

export interface PythonRaceRun {
  report: PythonRaceReport
  traces: PythonTrace[]
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
      '--trace', String(options.traceIncrements),
      ...(options.switchIntervalMs ? ['--switch-interval-ms', String(options.switchIntervalMs)] : []),
    ],
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    runChild: options.runChild,
  })
  if (!Array.isArray(value.trials) || typeof value.startedAtMonotonicMs !== 'number') {
    throw new LabError('internal', 'The Python script race.py printed JSON without its trials; is resources/python/race.py the one shipped with the lab?')
  }
  return { report: value, traces: (value.traces ?? []).map(decodeTrace), interpreterStartupMs: fromMonotonicMs(value.startedAtMonotonicMs) - outcome.startedAtMs }
}

function decodeTrace(trace: PythonTraceReport): PythonTrace {
  return {
    variant: trace.variant,
    found: trace.found,
    attempts: trace.attempts,
    threads: trace.threads.map(({ readDeltas, writeMinusRead }) => {
      let read = 0
      const reads = readDeltas.map((delta) => (read += delta))
      return { reads, writes: reads.map((value, i) => value + writeMinusRead[i]!) }
    }),
  }
}

/** The lesson's Counter.increment as this interpreter compiles it (dis), for the walkthrough. */
export async function pythonBytecode(options: { python: PythonInfo; resourcesDir: string; signal: AbortSignal; runChild: (spec: ChildSpec) => Promise<ChildOutcome> }): Promise<{ version: string; instructions: PythonInstruction[] }> {
  const { value } = await runPythonScript<{ python: string; bytecode: PythonInstruction[] }>({ ...options, script: 'race.py', args: ['--bytecode-only'], timeoutMs: 30_000 })
  return { version: value.python, instructions: value.bytecode }
}
