import type { FanoutData } from '../../../../shared/experiments/fanout'
import type { RaceData, RaceVariantData } from '../../../../shared/experiments/race'
import type { FactorizeData, ScalingCurve } from '../../../../shared/experiments/threads'
import type { RunResult } from '../../../../shared/model/result'
import { formatCount, formatDurationMs, formatRatio, formatShare } from '../../../../shared/units'
import { pointAtCores } from '../factorize-findings'

/**
 * A lesson's answer on this machine, in one sentence, from what the run measured: the verdict a
 * lesson card and a report show next to the lesson's claim. Only the experiment that answers a
 * lesson has one (fan-out, factorize, race); undefined for the others, and where the run lacks
 * the figures the sentence needs.
 */
export function lessonVerdict(result: Pick<RunResult, 'experimentId' | 'params' | 'series' | 'comparisons' | 'data'>): string | undefined {
  try {
    switch (result.experimentId) {
      case 'fanout':
        return fanoutVerdict(result)
      case 'factorize':
        return factorizeVerdict(result.data as FactorizeData)
      case 'race':
        return raceVerdict(result.data as RaceData)
      default:
        return undefined
    }
  } catch {
    // a result saved by an older lab may lack a figure the sentence needs: it then has no verdict, and shows its headline
    return undefined
  }
}

/** "10 children in 134 ms instead of 1.06 s: 7.91× faster, ideal 10×" (the ideal is a whole number of children) */
function fanoutVerdict(result: Pick<RunResult, 'params' | 'series' | 'comparisons' | 'data'>): string | undefined {
  const children = result.params.children
  const medianOf = (id: string): number | undefined => result.series.find((s) => s.id === id)?.summary.median
  const serialMs = medianOf('serial')
  const parallelMs = medianOf('parallel')
  const speedup = (result.data as Partial<FanoutData>).limits?.find((row) => row.seriesId === 'parallel')?.speedup ?? result.comparisons.find((c) => c.candidateId === 'parallel')?.summary.median
  if (typeof children !== 'number' || serialMs === undefined || parallelMs === undefined || speedup === undefined) return undefined
  return `${children} children in ${formatDurationMs(parallelMs)} instead of ${formatDurationMs(serialMs)}: ${formatRatio(speedup)} faster, ideal ${children}×`
}

const curveOf = (data: FactorizeData, runtime: ScalingCurve['runtime'], strategy: ScalingCurve['strategy']): ScalingCurve | undefined =>
  data.scaling.find((c) => c.runtime === runtime && c.strategy === strategy)

/** "On 2 cores, 2 worker threads factorized 1.93× faster than one thread (ideal 2×); Python's 2 threads, under the GIL: 1.01×" */
function factorizeVerdict(data: FactorizeData): string | undefined {
  const cores = data.logicalCores
  const threads = pointAtCores(curveOf(data, 'node', 'threads'), cores)
  const pythonThreads = pointAtCores(curveOf(data, 'python', 'threads'), cores)
  const turns = pointAtCores(curveOf(data, 'node', 'concurrent'), cores)
  const parts: string[] = []
  const on = `On ${cores} logical core${cores === 1 ? '' : 's'}`
  if (threads) parts.push(`${on}, ${threads.workers} worker thread${threads.workers === 1 ? '' : 's'} factorized ${formatRatio(threads.speedup)} faster than one thread (ideal ${threads.workers}×)`)
  if (pythonThreads) {
    const lock = data.python.gilEnabled === false ? 'without a GIL (free-threaded build)' : 'under the GIL'
    parts.push(`${parts.length === 0 ? `${on}, ` : ''}Python's ${pythonThreads.workers} thread${pythonThreads.workers === 1 ? '' : 's'}, ${lock}: ${formatRatio(pythonThreads.speedup)}`)
  } else if (turns) {
    parts.push(`${parts.length === 0 ? `${on}, ` : ''}${turns.workers} async tasks taking turns on one thread: ${formatRatio(turns.speedup)}`)
  }
  return parts.length > 0 ? parts.join('; ') : undefined
}

const lossOf = (v: RaceVariantData): string =>
  v.lossyTrials > 0
    ? `lost updates in ${v.lossyTrials} of ${v.trials.length} trials (median ${formatShare(v.lostShare.median)} of ${formatCount(v.expectedPerTrial)})`
    : `lost no update in ${v.trials.length} trial${v.trials.length === 1 ? '' : 's'}`

/** "Unsynchronised, 5 workers lost updates in 20 of 20 trials (median 61% of 500,000); Atomics.add and the mutex stayed exact, the mutex 2.6× slower" */
function raceVerdict(data: RaceData): string | undefined {
  const byId = new Map(data.variants.map((v) => [v.id, v]))
  const unsynchronised = byId.get('node-unsynchronised') ?? byId.get('python-unlocked')
  const guarded = data.variants.filter((v) => v.mustBeExact)
  const parts: string[] = []
  if (unsynchronised) parts.push(`${unsynchronised.runtime === 'python' ? "Python's Counter" : 'Unsynchronised'}, ${data.workers} workers ${lossOf(unsynchronised)}`)
  if (guarded.length > 0) {
    const names = guarded.map((v) => ({ atomic: 'Atomics.add', mutex: v.runtime === 'python' ? "Python's LockingCounter" : 'the mutex', unsynchronised: v.label }[v.mode]))
    const broken = guarded.filter((v) => v.exactViolation)
    const slower = data.slowdowns.mutexVsAtomic !== undefined ? `, the mutex ${formatRatio(data.slowdowns.mutexVsAtomic)} slower` : ''
    parts.push(broken.length === 0 ? `${joinAnd(names)} stayed exact${slower}` : `${joinAnd(broken.map((v) => v.label))} LOST UPDATES, which a lock must never do`)
  }
  return parts.length > 0 ? parts.join('; ') : undefined
}

const joinAnd = (items: readonly string[]): string => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`)
