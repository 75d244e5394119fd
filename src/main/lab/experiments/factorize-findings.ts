import { median } from 'simple-statistics'
import type { EventLoopDelay, FactorizeData, FactorizeStrategy, PythonRuntimeInfo, Runtime, ScalingCurve, ScalingPoint } from '../../../shared/experiments/threads'
import type { Comparison, Series } from '../../../shared/model/result'
import { fitAmdahl, fitUsl, karpFlatt } from '../../../shared/stats/scaling'
import { speedupEvidence } from '../../../shared/stats/speedup-evidence'
import { formatDurationMs, formatPercent, formatRatio } from '../../../shared/units'
import { describePython } from './threads-python'

/** Turns the factorize measurements into scaling curves and sentences a learner understands. */

export interface MeasuredVariant {
  runtime: Runtime
  strategy: FactorizeStrategy
  workers: number
  series: Series
  /** Serial ÷ this variant, pair by pair; absent for serial itself. */
  comparison?: Comparison
  /** An interpreter run beside the primary Python: its own curves, named after it. */
  interpreter?: { seriesPrefix: string; label: string }
}

const CURVE_LABELS: Record<Runtime, Partial<Record<FactorizeStrategy, string>>> = {
  node: { concurrent: 'Node: async tasks on one thread', threads: 'Node: worker threads', processes: 'Node: child processes' },
  python: { threads: 'Python: threads', processes: 'Python: processes' },
}

export function scalingCurves(variants: readonly MeasuredVariant[], cores: number): ScalingCurve[] {
  const curves = new Map<string, ScalingCurve>()
  for (const v of variants) {
    if (v.strategy === 'serial' || !v.comparison) continue
    const key = `${v.interpreter?.seriesPrefix ?? v.runtime}/${v.strategy}`
    const label = v.interpreter ? `${v.interpreter.label}: ${v.strategy}` : (CURVE_LABELS[v.runtime][v.strategy] ?? key)
    const curve = curves.get(key) ?? { runtime: v.runtime, strategy: v.strategy, label, points: [], amdahl: null, ...(v.interpreter ? { interpreter: v.interpreter.label } : {}) }
    const speedup = v.comparison.summary.median
    const point: ScalingPoint = {
      workers: v.workers,
      speedup,
      speedupCi95: v.comparison.summary.ci95,
      runs: v.comparison.summary.n,
      efficiency: speedup / v.workers,
      karpFlatt: karpFlatt(speedup, v.workers) ?? null,
      seriesId: v.series.id,
    }
    curve.points.push(point)
    curves.set(key, curve)
  }
  for (const curve of curves.values()) {
    curve.points.sort((a, b) => a.workers - b.workers)
    curve.amdahl = fitAmdahl(curve.points.filter((p) => p.workers <= cores)) ?? null
    // every count: where speedup falls past the cores is what the law's second term describes
    curve.usl = fitUsl(curve.points) ?? null
  }
  return [...curves.values()]
}

/** The point at the core count, or the largest count below it (what "use every core" gave). */
export function pointAtCores(curve: ScalingCurve | undefined, cores: number): ScalingPoint | undefined {
  if (!curve) return undefined
  return [...curve.points].reverse().find((p) => p.workers <= cores) ?? curve.points[0]
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`

const evidenceOf = (point: ScalingPoint): ReturnType<typeof speedupEvidence> => speedupEvidence(point.speedupCi95, point.runs)

/** Why Python threads did what they did on CPU work, saying no more than the interval supports. */
export function pythonThreadsWhy(gilOn: boolean, verdict: ReturnType<typeof speedupEvidence>['verdict']): string {
  if (gilOn) {
    return verdict === 'faster'
      ? 'the GIL lets only one thread run Python code at a time, so a clear speedup means part of the work ran outside it (C code that releases the GIL), or the machine sped up between runs.'
      : 'the GIL lets only one thread run Python code at a time, so threads do not speed up CPU work.'
  }
  return verdict === 'faster'
    ? 'with the GIL off, threads run Python code in parallel.'
    : 'the GIL was off, so threads could run Python code in parallel, yet this run does not show them faster.'
}

function threadsSentences(curve: ScalingCurve, cores: number): string[] {
  const sentences: string[] = []
  const atCores = pointAtCores(curve, cores)
  if (atCores) {
    sentences.push(
      `With ${plural(atCores.workers, 'worker thread', 'worker threads')} the work ran ${formatRatio(atCores.speedup)} as fast as serial${evidenceOf(atCores).qualifier} (efficiency ${formatPercent(atCores.efficiency)}; ideal ${formatRatio(atCores.workers)}).`,
    )
  }
  const beyond = curve.points.filter((p) => p.workers > cores)
  if (atCores && beyond.length > 0) {
    const most = beyond.at(-1)!
    const relation = most.speedup > atCores.speedup * 1.05 ? 'only a little more than' : most.speedup < atCores.speedup * 0.95 ? 'less than' : 'no more than'
    sentences.push(
      `Beyond ${plural(cores, 'worker', 'workers')} this machine has no more cores: ${most.workers} threads reached ${formatRatio(most.speedup)}, ${relation} ${atCores.workers} (${formatRatio(atCores.speedup)}); extra threads only take turns on the same cores.`,
    )
  }
  return sentences
}

function amdahlSentences(curve: ScalingCurve): string[] {
  const sentences: string[] = []
  const fit = curve.amdahl
  if (fit) {
    const on = `${curve.label.toLowerCase()}, fitted to ${fit.fittedWorkers.join(', ')} workers`
    sentences.push(
      fit.maxSpeedup === null
        ? `Amdahl's law (${on}) finds no serial fraction: within the cores the speedup kept pace with the workers.`
        : `Amdahl's law (${on}) gives a serial fraction of ${formatPercent(fit.serialFraction)}: on any number of cores this work could run at most ${formatRatio(fit.maxSpeedup)} as fast.`,
    )
  }
  const kf = curve.points.filter((p) => p.karpFlatt !== null)
  if (kf.length > 0) {
    const list = kf.map((p) => `${p.workers} workers ${formatPercent(p.karpFlatt!)}`).join(', ')
    const first = kf[0]!.karpFlatt!
    const last = kf.at(-1)!.karpFlatt!
    const grows = kf.length > 1 && last - first > 0.05 && last > first * 1.5
    const belowZero = kf.some((p) => p.karpFlatt! < 0)
      ? ' Below zero means faster than ideal, which a busy machine can cause: more threads win more of the cores from other programs.'
      : ''
    const aboveOne = kf.some((p) => p.karpFlatt! > 1) ? ' Above 100% means slower than serial: the overhead outweighs the work shared out.' : ''
    sentences.push(
      `Karp–Flatt serial fraction (${curve.label.toLowerCase()}): ${list}. ${
        grows ? 'It grows with the workers, so the loss comes from overhead or missing cores, not from code that must run serially.' : kf.length > 1 ? 'It stays about level, as a truly serial part of the work would.' : 'With more worker counts it would show whether the loss is serial code (level) or overhead (growing).'
      }${belowZero}${aboveOne}`,
    )
  }
  return sentences
}

/**
 * What the Universal Scalability Law says of a curve, where it has something to add to Amdahl's:
 * whether the speedup only levels off (contention) or turns down (coherency), and where.
 */
export function uslSentence(curve: ScalingCurve, cores: number): string | undefined {
  const fit = curve.usl
  if (!fit) return undefined
  const on = `${curve.label.toLowerCase()}, fitted to ${fit.fittedWorkers.join(', ')} workers`
  const terms = `contention σ ${formatPercent(fit.contention)}, coherency κ ${formatPercent(fit.coherency, 2)}`
  if (fit.peakWorkers === null || fit.peakSpeedup === null) {
    return fit.contention > 0
      ? `The Universal Scalability Law (${on}) finds ${terms}: no cost between workers that grows with their number, so by it the speedup levels off toward ${formatRatio(1 / fit.contention)} rather than falling.`
      : `The Universal Scalability Law (${on}) finds neither contention nor a cost between workers: by it the speedup keeps pace with the workers.`
  }
  const most = Math.max(...fit.fittedWorkers)
  const peak = plural(Math.max(1, Math.round(fit.peakWorkers)), 'worker', 'workers')
  const turnedDown = fit.peakWorkers <= most
  const where = turnedDown ? `peaks near ${peak} at ${formatRatio(fit.peakSpeedup)} and falls beyond` : `would peak near ${peak} at ${formatRatio(fit.peakSpeedup)}, past the counts measured`
  const why = turnedDown && most > cores ? ` Here the workers past this machine's ${plural(cores, 'core', 'cores')} take turns on them, which the law counts as such a cost.` : ''
  return `The Universal Scalability Law (${on}) finds ${terms}: a cost between workers that grows with every pair of them, so by it the speedup ${where}.${why}`
}

export interface FindingsInput {
  cores: number
  tasks: number
  numbersPerTask: number
  poolTasks: number
  scale: number
  curves: ScalingCurve[]
  serialMedianMs: Partial<Record<Runtime, number>>
  split: FactorizeData['split']
  startup: FactorizeData['startup']
  includeStartup: boolean
  eventLoop: EventLoopDelay
  python: PythonRuntimeInfo & { scale?: number; tasks?: number }
  results: { comparedRuns: number; referenceChecked: number }
}

export function factorizeFindings(input: FindingsInput): string[] {
  const { cores, curves } = input
  const curve = (runtime: Runtime, strategy: FactorizeStrategy): ScalingCurve | undefined => curves.find((c) => c.runtime === runtime && c.strategy === strategy)
  const findings: string[] = []
  if (input.serialMedianMs.node !== undefined) {
    findings.push(`Serial: ${input.tasks} numbers (the list ${input.scale > 1 ? `repeated ${input.scale} times` : 'once'}) took ${formatDurationMs(input.serialMedianMs.node)} on one thread.`)
  }
  const threads = curve('node', 'threads')
  if (threads) findings.push(...threadsSentences(threads, cores))
  const concurrent = curve('node', 'concurrent')
  if (concurrent && concurrent.points.length > 0) {
    const best = Math.max(...concurrent.points.map((p) => p.speedup))
    findings.push(
      `Async tasks taking turns on one thread (concurrent, not parallel) reached at most ${formatRatio(best)}: interleaving CPU work on one thread cannot make it faster. Python threads under the GIL behave the same way.`,
    )
  }
  const processes = curve('node', 'processes')
  const processesAtCores = pointAtCores(processes, cores)
  if (processesAtCores) {
    const startup = input.startup.processMedianMs?.find((s) => s.workers === processesAtCores.workers)?.ms
    findings.push(
      `With ${plural(processesAtCores.workers, 'child process', 'child processes')} the work ran ${formatRatio(processesAtCores.speedup)} as fast as serial${evidenceOf(processesAtCores).qualifier}${
        startup !== undefined ? `; each child first spends about ${formatDurationMs(startup)} starting Node, a cost worker threads pay once, when the pool starts` : ''
      }.`,
    )
  }
  const bound = input.split.bounds.find((b) => b.workers === Math.min(cores, Math.max(...input.split.bounds.map((x) => x.workers))))
  if (bound) {
    findings.push(
      bound.longestTaskBound < bound.workers * 0.95
        ? `The largest ${input.numbersPerTask > 1 ? 'task' : 'number'} is ${formatPercent(input.split.largestTaskShare)} of the work, so ${plural(bound.workers, 'worker', 'workers')} can reach at most ${formatRatio(bound.longestTaskBound)} on this list however fast the pool is (the longest task bound); a larger scale splits the work finer.`
        : `The pool got the ${input.tasks} numbers as ${plural(input.poolTasks, 'task', 'tasks')}${input.numbersPerTask > 1 ? ` of ${input.numbersPerTask} (fewer round trips, still enough to balance the load)` : ''}, the largest ${formatPercent(input.split.largestTaskShare)} of the work: that allows up to ${formatRatio(bound.longestTaskBound)} on ${plural(bound.workers, 'worker', 'workers')}, so the split is not what holds the speedup back.`,
    )
  }
  if (threads) findings.push(...amdahlSentences(threads))
  const threadsUsl = threads && uslSentence(threads, cores)
  if (threadsUsl) findings.push(threadsUsl)
  const pythonThreads = curve('python', 'threads')
  const pythonProcesses = curve('python', 'processes')
  if (input.python.ran && (pythonThreads || pythonProcesses || input.serialMedianMs.python !== undefined)) {
    const who = describePython(input.python)
    const pt = pointAtCores(pythonThreads, cores)
    const pp = pointAtCores(pythonProcesses, cores)
    const serial = input.serialMedianMs.python !== undefined ? ` Serially it took ${formatDurationMs(input.serialMedianMs.python)} for ${input.python.tasks ?? '?'} numbers (the list ×${input.python.scale ?? '?'}).` : ''
    const threadsPart = pt ? ` ${plural(pt.workers, 'thread', 'threads')} ran ${formatRatio(pt.speedup)} as fast as serial${evidenceOf(pt).qualifier}: ${pythonThreadsWhy(input.python.gilEnabled !== false, evidenceOf(pt).verdict)}` : ''
    const processesPart = pp ? ` ${plural(pp.workers, 'process', 'processes')} ran ${formatRatio(pp.speedup)} as fast${evidenceOf(pp).qualifier}: each has its own interpreter and its own GIL.` : ''
    findings.push(`${who}:${serial}${threadsPart}${processesPart}`)
    if (pythonProcesses) findings.push(...amdahlSentences(pythonProcesses).slice(0, 1))
  }
  if (input.startup.pool) {
    const each = input.startup.pool.readyMs.length > 0 ? ` (${formatDurationMs(median(input.startup.pool.readyMs))} each from new Worker to ready)` : ''
    findings.push(
      input.includeStartup
        ? `Every threads run started a fresh pool, so its start-up is in the times: ${(input.startup.freshPoolMedianMs ?? []).map((s) => `${formatDurationMs(s.ms)} for ${s.workers}`).join(', ')}.`
        : `Starting ${plural(input.startup.pool.workers, 'worker thread', 'worker threads')} took ${formatDurationMs(input.startup.pool.allReadyMs)}${each}; the runs use the warm pool, so start-up is not in their times.`,
    )
  }
  findings.push(
    input.eventLoop.maxMs <= 20
      ? `The lab's event loop, which starts and times the work, stayed responsive throughout: it never ran more than ${formatDurationMs(input.eventLoop.maxMs)} late.`
      : `The lab's event loop, which starts and times the work, was held up for up to ${formatDurationMs(input.eventLoop.maxMs)} (starting child processes blocks it briefly); the work itself never ran on it.`,
  )
  findings.push(
    `All ${input.results.comparedRuns} runs found the same divisors with every strategy${input.results.referenceChecked > 0 ? `, and the lesson's numbers match the reference lists` : ''}.`,
  )
  return findings
}

export function factorizeHeadline(input: Pick<FindingsInput, 'cores' | 'tasks' | 'curves' | 'serialMedianMs'>): string {
  const parts: string[] = []
  const at = (runtime: Runtime, strategy: FactorizeStrategy, name: string): void => {
    const point = pointAtCores(input.curves.find((c) => c.runtime === runtime && c.strategy === strategy), input.cores)
    if (point) parts.push(`${strategy === 'concurrent' ? name : `${point.workers} ${name}`} ${formatRatio(point.speedup)}`)
  }
  at('node', 'threads', 'threads')
  at('node', 'processes', 'processes')
  at('node', 'concurrent', 'concurrent')
  const node = parts.splice(0)
  at('python', 'threads', 'threads')
  at('python', 'processes', 'processes')
  const python = parts.splice(0)
  const serial = input.serialMedianMs.node ?? input.serialMedianMs.python
  const head = `Factorize ${input.tasks} numbers${serial !== undefined ? `, serial ${formatDurationMs(serial)}` : ''}`
  const body = [node.length > 0 ? `Node ${node.join(', ')}` : '', python.length > 0 ? `Python ${python.join(', ')}` : ''].filter(Boolean).join('; ')
  return `${head}: ${body || 'serial only'} (${plural(input.cores, 'core', 'cores')})`
}
