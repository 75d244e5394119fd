import type { FactorizeStrategy, ScalingCurve, ScalingPoint } from '../../../shared/experiments/threads'
import type { WorkloadData, WorkloadInputInfo } from '../../../shared/experiments/workload'
import { speedupEvidence } from '../../../shared/stats/speedup-evidence'
import { formatDurationMs, formatRatio, formatShare } from '../../../shared/units'
import { pointAtCores, pythonThreadsWhy, uslSentence } from '../experiments/factorize-findings'

/** What a workload run says, from its figures: the same sentences for the app, the command line and the reports. */

/** Async tasks on one thread must beat serial by this much before the lab says the work waits: a CPU-bound list run as one task saves only the round trips of serial's one task per input. */
const WAITS_SPEEDUP = 1.25

type FindingsData = Omit<WorkloadData, 'findings'>

/** "Serially, the 8 inputs took 194 ms (median)." */
const serialSentence = (data: FindingsData, serialMedianMs: number): string =>
  `Serially, the ${data.measuredInputs} input${data.measuredInputs === 1 ? '' : 's'} took ${formatDurationMs(serialMedianMs)} (median).`

/** The worker count that uses every core (or the largest below it). */
const countAtCores = (data: FindingsData): number => Math.max(...data.workerCounts.filter((p) => p <= data.logicalCores), Math.min(...data.workerCounts))

/** "Your largest input (input 0: 8) is 54% of the serial work, so 2 workers can give at most 1.87× …" */
function shapeSentence(data: FindingsData): string | undefined {
  const atCores = countAtCores(data)
  const bound = data.split.bounds.find((b) => b.workers === atCores)
  const largest = data.inputs.find((i) => i.index === data.split.largestInputIndex)
  if (!largest || !bound) return undefined
  return `Your largest input (input ${largest.index}: ${largest.preview}) is ${formatShare(data.split.largestInputShare)} of the serial work, so ${atCores} workers can give at most ${formatRatio(bound.longestTaskBound)} (${formatRatio(bound.inOrderBound)} handing the inputs out in order).`
}

function identicalSentence(data: FindingsData): string {
  return data.identical
    ? `Every strategy returned the same results as serial for all ${data.measuredInputs} inputs (${data.language === 'python' ? 'compared with ==' : 'deep equality of what came back'}).`
    : `Some strategies returned other results than the first serial pass (${data.mismatches.map((m) => m.label).join(', ')}): your work depends on more than its input (time, randomness, shared state), or on where it runs.`
}

const failedSentences = (failed: readonly WorkloadInputInfo[]): string[] => failed.map((info) => `Input ${info.index} (${info.preview}) was left out of the measured runs: ${info.error}`)

/** "2 worker threads ran 1.82× as fast as serial, close to what the split of your inputs allows." */
function pointSentence(data: FindingsData, point: ScalingPoint, name: string, why: (verdict: ReturnType<typeof speedupEvidence>['verdict']) => string): string {
  const evidence = speedupEvidence(point.speedupCi95, point.runs)
  const bound = data.split.bounds.find((b) => b.workers === point.workers)
  const near = bound && evidence.verdict === 'faster' && point.speedup >= 0.8 * bound.longestTaskBound ? ', close to what the split of your inputs allows' : ''
  return `${point.workers} ${name} ran ${formatRatio(point.speedup)} as fast as serial${evidence.qualifier}${near}${why(evidence.verdict)}.`
}

const processStartCost = (verdict: string): string =>
  verdict === 'slower' ? ': each child starts a new interpreter and loads your module before it works, which costs more than its share of this work saves; processes pay off when each share takes far longer than a process start' : ''

/**
 * What async tasks on one thread say about the work: it waits (a clear gain), it keeps the thread
 * busy (no gain, and the runs rule out one as large as waiting gives), or the runs cannot tell.
 */
export function concurrentSentence(point: ScalingPoint): string {
  const evidence = speedupEvidence(point.speedupCi95, point.runs)
  if (evidence.verdict === 'faster' && point.speedup >= WAITS_SPEEDUP) {
    return `As async tasks on one thread the inputs ran ${formatRatio(point.speedup)} as fast as serial: your work waits (on timers, I/O or other processes), and one thread overlaps the waits; threads are not needed for that.`
  }
  const undecided = evidence.verdict === 'one-run' || evidence.verdict === 'unclear'
  if (undecided && Math.max(point.speedup, point.speedupCi95[1]) >= WAITS_SPEEDUP) {
    return `As async tasks on one thread: ${formatRatio(point.speedup)}${evidence.qualifier}. That is too uncertain to tell whether your work waits or keeps the thread busy: more runs would.`
  }
  return `As async tasks on one thread: ${formatRatio(point.speedup)}${evidence.qualifier}. Your work keeps the thread busy (CPU), so taking turns on one thread cannot make it faster; threads or processes can, on more than one core.`
}

export function workloadFindings(data: FindingsData, serialMedianMs: number, failed: readonly WorkloadInputInfo[]): string[] {
  const findings = [serialSentence(data, serialMedianMs), shapeSentence(data)]
  const curve = (strategy: FactorizeStrategy): ScalingCurve | undefined => data.scaling.find((c) => c.strategy === strategy)
  const threads = pointAtCores(curve('threads'), data.logicalCores)
  if (threads) findings.push(pointSentence(data, threads, 'worker threads', () => ''))
  const threadsCurve = curve('threads')
  if (threadsCurve) findings.push(uslSentence(threadsCurve, data.logicalCores))
  const processes = pointAtCores(curve('processes'), data.logicalCores)
  if (processes) findings.push(pointSentence(data, processes, 'child processes', processStartCost))
  const concurrent = curve('concurrent')?.points[0]
  if (concurrent) findings.push(concurrentSentence(concurrent))
  return [...findings, identicalSentence(data), ...failedSentences(failed)].filter((f): f is string => f !== undefined)
}

/** The same for a Python workload: each interpreter's threads (and what its GIL let them do) and process pool. */
export function pythonWorkloadFindings(data: FindingsData, serialMedianMs: number, failed: readonly WorkloadInputInfo[], interpreters: readonly { label: string; seriesPrefix: string; gilEnabled: boolean }[]): string[] {
  const findings = [serialSentence(data, serialMedianMs), shapeSentence(data)]
  for (const interpreter of interpreters) {
    const curve = (strategy: FactorizeStrategy): ScalingCurve | undefined => data.scaling.find((c) => c.strategy === strategy && c.points[0]?.seriesId.startsWith(interpreter.seriesPrefix))
    const parts: string[] = []
    const threads = pointAtCores(curve('threads'), data.logicalCores)
    if (threads) parts.push(pointSentence(data, threads, 'threads', (verdict) => `: ${pythonThreadsWhy(interpreter.gilEnabled, verdict)}`.replace(/\.$/, '')))
    const processes = pointAtCores(curve('processes'), data.logicalCores)
    if (processes) parts.push(pointSentence(data, processes, 'processes', processStartCost))
    if (parts.length > 0) findings.push(`${interpreter.label}: ${parts.join(' ')}`)
  }
  return [...findings, identicalSentence(data), ...failedSentences(failed)].filter((f): f is string => f !== undefined)
}
