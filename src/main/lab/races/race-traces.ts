import { TRACE_WORKERS, type PythonRaceVariant, type RaceMode, type RaceVariantId, type RaceVariantTrace } from '../../../shared/experiments/race'
import { analyzeRaceTrace, type RaceTraceWorkerLog } from '../../../shared/experiments/race-trace'
import type { AnalysisThread } from '../analysis/analysis-thread'
import type { RaceWorkerPool } from './race-pool'
import type { TraceLogViews } from './trace-buffer'
import { RACE_VARIANTS, pythonVariantId } from './summarize'

/** The most traced trials of one mode: until the workers met (and, unsynchronised, lost an update). */
export const TRACE_ATTEMPTS = 5

/** A traced trial of race.py, decoded: each thread's reads and writes, in increment order. */
export interface PythonTrace {
  variant: PythonRaceVariant
  found: number
  /** Traced trials it took until one lost an update (at most 5); the last is the one kept. */
  attempts: number
  threads: { reads: ArrayLike<number>; writes: ArrayLike<number> }[]
}

/** The engine's reading of one variant's log. */
export function variantTrace(id: RaceVariantId, found: number, workers: RaceTraceWorkerLog[]): RaceVariantTrace {
  const { label, mustBeExact } = RACE_VARIANTS[id]
  return { variantId: id, ...analyzeRaceTrace({ label, mustBeExact, found, workers }) }
}

/** What a traced trial must show to be worth keeping: the workers at the counter together, and for a racy counter, a loss. */
const showsTheRace = (trace: RaceVariantTrace): boolean => trace.interleavings > 0 && (trace.mustBeExact || trace.lostUpdates > 0)

/** Says which traced trial is kept, when it was not the first. */
function withAttempts(trace: RaceVariantTrace, attempts: number): RaceVariantTrace {
  if (attempts === 1) return trace
  const earlier = attempts - 1 === 1 ? 'the first' : `the first ${attempts - 1}`
  const why = trace.mustBeExact ? 'the workers ran one after the other' : 'no update was lost'
  const sentence = showsTheRace(trace)
    ? `This is traced trial ${attempts}: in ${earlier} ${why}, because the two ${trace.variantId.startsWith('python') ? 'threads switch only now and then, and only some switches land between a read and its write' : 'workers did not run at the same moment (on a busy machine the OS may run them one after the other)'}.`
    : `None of the ${attempts} traced trials showed it: in every one ${why}.`
  return { ...trace, sentences: [...trace.sentences, sentence] }
}

/** A traced Node trial as its workers left it: their logs in shared memory, stamped in epoch ms. */
export interface NodeTraceInput {
  variantId: RaceVariantId
  found: number
  logs: TraceLogViews[]
  /** When the workers were released (epoch ms): the trace's times are from then. */
  releasedAtMs: number
}

/** The reading of a traced Node trial (on the analysis thread: the logs are shared, not copied). */
export function nodeVariantTrace(input: NodeTraceInput): RaceVariantTrace {
  const workers = input.logs.map(({ reads, writes, atMs }) => ({ reads, writes, atMs: atMs.map((ms) => ms - input.releasedAtMs) }))
  return variantTrace(input.variantId, input.found, workers)
}

/** Traced trials of each Node mode on the first two workers of the pool that ran the measured trials, up to TRACE_ATTEMPTS each. */
export async function traceNodeModes(pool: RaceWorkerPool, analysis: AnalysisThread, modes: readonly RaceMode[], increments: number, signal: AbortSignal): Promise<RaceVariantTrace[]> {
  const traces: RaceVariantTrace[] = []
  for (const mode of modes) {
    let trace: RaceVariantTrace
    let attempts = 0
    do {
      attempts++
      const trial = await pool.runTracedTrial(mode, increments, TRACE_WORKERS, signal)
      trace = await analysis.run('raceTrace', { variantId: `node-${mode}`, found: trial.found, logs: trial.logs, releasedAtMs: trial.releasedAtMs }, signal)
    } while (!showsTheRace(trace) && trace.checkPassed && attempts < TRACE_ATTEMPTS)
    traces.push(withAttempts(trace, attempts))
  }
  return traces
}

/** race.py repeats its traced trial itself (up to 5 times, until one loses an update). */
export const pythonVariantTrace = (trace: PythonTrace): RaceVariantTrace => withAttempts(variantTrace(pythonVariantId(trace.variant), trace.found, trace.threads), trace.attempts)
