import { TRACE_WORKERS, type RaceMode, type RaceVariantId, type RaceVariantTrace } from '../../../shared/experiments/race'
import { analyzeRaceTrace, type RaceTraceWorkerLog } from '../../../shared/experiments/race-trace'
import { formatCount } from '../../../shared/units'
import type { PythonTrace } from './python-race'
import type { RaceWorkerPool } from './race-pool'
import { RACE_VARIANTS, pythonVariantId } from './summarize'

/** The engine's reading of one variant's log. */
export function variantTrace(id: RaceVariantId, found: number, workers: RaceTraceWorkerLog[]): RaceVariantTrace {
  const { label, mustBeExact } = RACE_VARIANTS[id]
  return { variantId: id, ...analyzeRaceTrace({ label, mustBeExact, found, workers }) }
}

/** One traced trial of each Node mode, on the first two workers of the pool that ran the measured trials. */
export async function traceNodeModes(pool: RaceWorkerPool, modes: readonly RaceMode[], increments: number, signal: AbortSignal): Promise<RaceVariantTrace[]> {
  const traces: RaceVariantTrace[] = []
  for (const mode of modes) {
    const trial = await pool.runTracedTrial(mode, increments, TRACE_WORKERS, signal)
    traces.push(variantTrace(`node-${mode}`, trial.found, trial.logs))
  }
  return traces
}

export function pythonVariantTrace(trace: PythonTrace): RaceVariantTrace {
  const analyzed = variantTrace(pythonVariantId(trace.variant), trace.found, trace.threads)
  if (trace.attempts > 1) {
    const exact = trace.attempts - 1
    analyzed.sentences.push(
      trace.found < analyzed.expected
        ? `This is traced trial ${trace.attempts}: the ${exact === 1 ? 'first was' : `first ${exact} were`} exact, because the interpreter switches threads only now and then, and only some switches land between the read and the write.`
        : `All ${trace.attempts} traced trials were exact: no switch of threads landed between a read and its write (each of ${formatCount(trace.threads[0]?.reads.length ?? 0)} increments has one chance in a few).`,
    )
  }
  return analyzed
}
