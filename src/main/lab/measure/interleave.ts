import { performance } from 'node:perf_hooks'
import { cancelledError } from '../../../shared/errors'
import type { Sample } from '../../../shared/model/result'

export interface Trial<Detail> {
  valueMs: number
  detail: Detail
}

export interface Variant<Detail> {
  id: string
  label: string
  run(signal: AbortSignal): Promise<Trial<Detail>>
}

export interface MeasurePlan {
  warmup: number
  /** Measured runs of every variant, at least. */
  runs: number
  /**
   * Keep measuring until every variant has also used this much measured time, as hyperfine's
   * --min-benchmarking-time: short variants get more runs. Bounded by maxRuns.
   */
  minTimeMs?: number
  /** The most measured runs of every variant; defaults to `runs`, or DEFAULT_MAX_RUNS when minTimeMs is set. */
  maxRuns?: number
  signal: AbortSignal
  onProgress?: (message: string, done: number, total: number) => void
}

/** The bound on runs when only a minimum time is asked for, so a variant of a few µs cannot run for ever. */
export const DEFAULT_MAX_RUNS = 1000

export interface Measured<Detail> {
  id: string
  label: string
  samples: Sample[]
  warmupSamples: Sample[]
  details: Detail[]
}

/**
 * Runs the variants in rounds (A B C, A B C, …) so that a change in the machine's speed
 * (a busy neighbour, a slower core) falls on every variant alike, and speedups can be
 * computed pair by pair within a round.
 */
export async function measureInterleaved<Detail>(variants: readonly Variant<Detail>[], plan: MeasurePlan): Promise<Measured<Detail>[]> {
  const measured = variants.map((v): Measured<Detail> => ({ id: v.id, label: v.label, samples: [], warmupSamples: [], details: [] }))
  const minTimeMs = plan.minTimeMs ?? 0
  const maxRuns = Math.max(plan.runs, plan.maxRuns ?? (minTimeMs > 0 ? DEFAULT_MAX_RUNS : plan.runs))
  let plannedRounds = plan.runs
  const plannedTotal = (): number => (plan.warmup + plannedRounds) * variants.length
  let done = 0

  const runOnce = async (index: number, trial: number, warmup: boolean): Promise<void> => {
    if (plan.signal.aborted) throw cancelledError()
    const variant = variants[index]!
    plan.onProgress?.(`${warmup ? 'Warming up' : 'Measuring'}: ${variant.label}, run ${trial + 1}`, done, plannedTotal())
    const startedAtMs = performance.timeOrigin + performance.now()
    const outcome = await variant.run(plan.signal)
    if (plan.signal.aborted) throw cancelledError()
    const sample: Sample = { trial, startedAtMs, valueMs: outcome.valueMs }
    const target = measured[index]!
    if (warmup) target.warmupSamples.push(sample)
    else {
      target.samples.push(sample)
      target.details.push(outcome.detail)
    }
    done++
  }

  for (let round = 0; round < plan.warmup; round++) {
    for (let i = 0; i < variants.length; i++) await runOnce(i, round, true)
  }
  const timeSpent = (): number => Math.min(...measured.map((m) => m.samples.reduce((sum, s) => sum + s.valueMs, 0)))
  for (let round = 0; round < maxRuns; round++) {
    if (round >= plan.runs && timeSpent() >= minTimeMs) break
    for (let i = 0; i < variants.length; i++) await runOnce(i, round, false)
    // the progress total grows with the rounds the minimum time still needs, at the pace so far
    const spent = timeSpent()
    const roundsForTime = spent > 0 ? Math.ceil((minTimeMs / spent) * (round + 1)) : round + 2
    plannedRounds = Math.min(maxRuns, Math.max(plan.runs, round + 1, minTimeMs > spent ? roundsForTime : 0))
  }
  plan.onProgress?.('Measured', done, done)
  return measured
}
