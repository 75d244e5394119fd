import { median } from 'simple-statistics'
import { LabError } from '../../../shared/errors'
import type { EventLoopDelay, FactorizeData, FactorizeParams, FactorizeStrategy, Runtime } from '../../../shared/experiments/threads'
import { checkAgainstReference, firstDifference, trialDivisionsOf } from '../../../shared/factorize'
import type { MachineInfo } from '../../../shared/model/machine'
import type { LanesFigure } from '../../../shared/experiments/worker-lanes'
import type { Comparison, RunWarning, Series } from '../../../shared/model/result'
import { inOrderScheduleBound, longestTaskBound } from '../../../shared/stats/scaling'
import { formatDurationMs, formatRatio } from '../../../shared/units'
import type { Measured } from '../measure/interleave'
import type { PoolStartup } from '../pool/worker-pool'
import { busyMachineWarning } from './busy-machine'
import { compare, toSeries, type ExperimentOutput } from './experiment'
import { factorizeFindings, factorizeHeadline, pythonThreadsWhy, scalingCurves, type MeasuredVariant } from './factorize-findings'
import type { FactorizeTrialDetail } from './factorize-variants'
import type { InterpreterComparison, InterpreterRow, InterpreterRun } from '../../../shared/experiments/interpreters'
import { interpreterLabel } from '../../../shared/model/interpreter-label'
import { speedupEvidence } from '../../../shared/stats/speedup-evidence'
import { besideWarnings, type BesideRun } from '../python/side-by-side'
import { speedupComparison } from './explain/interpreters'
import { pythonRuntimeInfo, seriesOfPython, type PythonScriptOutput, type PythonVariant, type RuntimePlan } from './threads-python'
import { implausibleLanes, lanesFigure, type TracedTrial } from './worker-lanes'

/**
 * The factorize result computed from recorded trials alone: series, speedups, scaling curves,
 * bounds and sentences. No clock, no threads, no processes: what it needs comes in as arguments.
 */

export const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0)
export const repeatList = (numbers: readonly number[], times: number): number[] => Array.from({ length: numbers.length * times }, (_, i) => numbers[i % numbers.length]!)
export const inGroupsOf = <T>(items: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size))

/** One Node strategy at one worker count, and its measured trials. */
export type NodeVariantTrials = Measured<FactorizeTrialDetail> & { strategy: FactorizeStrategy; workers: number }

export interface NodeTrials {
  /** Serial first, then every strategy at every worker count, in the order measured. */
  variants: NodeVariantTrials[]
  poolStartup: PoolStartup
  scale: number
  scaleChosen: 'auto' | 'given'
  numbersPerTask: number
  /** The divisors of each number of the list, found once before measuring. */
  referenceOfList: number[][]
  /** Trials whose divisors were checked against the reference while measuring (the traced ones too). */
  comparedRuns: number
  /** One traced trial per strategy, after the measured ones (absent in trials recorded before the lanes). */
  traced?: TracedTrial[]
}

/** One traced trial of a Python pool, as threads.py prints it; a slice is [startMs, endMs, cpuMs, task]. */
export interface PythonTrace {
  id: string
  strategy: string
  workers: number
  startedAtMs: number
  finishedAtMs: number
  perStampNs: number
  stamps: number
  lanes: { pid: number; threadId: number; slices: [number, number, number, number][] }[]
}

export interface FactorizeScriptOutput extends PythonScriptOutput {
  scale: number
  tasks: number
  divisors: { number: number; divisors: number[] }[]
  traces?: PythonTrace[]
}

export interface PythonTrials {
  output: FactorizeScriptOutput
  interpreterStartupMs: number
  warnings: RunWarning[]
}

/** What the measurement ran and recorded, nothing computed from it. */
export interface FactorizeTrials {
  plan: RuntimePlan
  strategies: FactorizeStrategy[]
  workerCounts: number[]
  node?: NodeTrials
  python?: PythonTrials
  /** The interpreters run beside the primary Python, each with its trials or why it did not run. */
  beside?: BesideRun<PythonTrials>[]
  eventLoopDelay: EventLoopDelay
  /** The 1-minute load average when measuring ended (the machine's facts hold the one at the start). */
  loadAverageAtEnd: number
}

/** The machine as the run began. */
export type FactorizeMachine = Pick<MachineInfo, 'logicalCores' | 'loadAverage'> & Partial<Pick<MachineInfo, 'python'>>

/** "2 threads", "1 process". */
const workersText = (v: PythonVariant): string => `${v.workers} ${v.strategy === 'threads' ? (v.workers === 1 ? 'thread' : 'threads') : v.workers === 1 ? 'process' : 'processes'}`

/** "Python: 2 threads", or with several interpreters "CPython 3.11.7 (GIL): 2 threads". */
const pythonLabel = (v: PythonVariant, who?: string): string => (v.strategy === 'serial' ? (who ? `${who}: serial` : 'Python serial') : `${who ?? 'Python'}: ${workersText(v)}`)

function nodeVariants(node: NodeTrials): MeasuredVariant[] {
  const series = node.variants.map(toSeries)
  const serialSeries = series[0]!
  return node.variants.map((v, i): MeasuredVariant => ({
    runtime: 'node',
    strategy: v.strategy,
    workers: v.workers,
    series: series[i]!,
    comparison: v.strategy === 'serial' ? undefined : compare(serialSeries, series[i]!, v.workers, v.workers),
  }))
}

/** One interpreter's variants; `interpreter` names them where several interpreters ran. */
function pythonVariants({ output }: PythonTrials, interpreter?: { seriesPrefix: string; label: string }): MeasuredVariant[] {
  const prefix = interpreter?.seriesPrefix ?? 'python-'
  const series = output.variants.map((v) => seriesOfPython(v, pythonLabel(v, interpreter?.label), prefix))
  const serial = series.find((s) => s.id === `${prefix}serial`)
  if (!serial) throw new LabError('internal', `The Python script measured no serial baseline${interpreter ? ` on ${interpreter.label}` : ''}.`)
  return output.variants.map((v, i): MeasuredVariant => ({
    runtime: 'python',
    strategy: v.strategy as FactorizeStrategy,
    workers: v.workers,
    series: series[i]!,
    comparison: v.strategy === 'serial' ? undefined : compare(serial, series[i]!, v.workers, v.workers),
    ...(interpreter ? { interpreter } : {}),
  }))
}

/** What one interpreter's figures say: its threads and processes at the core count, no more than their intervals support. */
function explainInterpreter(run: InterpreterRun, cores: number): string {
  const at = (strategy: string): InterpreterRow | undefined =>
    [...run.rows].reverse().find((r) => r.variant.startsWith(`${strategy}-`) && Number(r.variant.split('-')[1]) <= cores) ?? run.rows.find((r) => r.variant.startsWith(`${strategy}-`))
  const threads = at('threads')
  const processes = at('processes')
  const parts: string[] = []
  if (threads?.speedup) {
    const evidence = speedupEvidence(threads.speedup.ci95, threads.speedup.runs)
    parts.push(`${threads.label} ran ${formatRatio(threads.speedup.median)} as fast as serial${evidence.qualifier}: ${pythonThreadsWhy(run.gilEnabled !== false, evidence.verdict)}`)
  }
  if (processes?.speedup) parts.push(`${processes.label} ${formatRatio(processes.speedup.median)}${speedupEvidence(processes.speedup.ci95, processes.speedup.runs).qualifier}: each has its own interpreter and its own GIL.`)
  return `${run.label}: ${parts.join(' ') || 'only serial ran.'}`
}

/** Every interpreter of the run side by side (absent when only one was chosen). */
function interpretersOfRun(machine: FactorizeMachine, python: PythonTrials | undefined, beside: readonly BesideRun<PythonTrials>[], series: readonly Series[], comparisons: readonly Comparison[]): InterpreterComparison | undefined {
  if (beside.length === 0 || !machine.python) return undefined
  return speedupComparison([{ python: machine.python, index: 0, value: python }, ...beside], {
    series,
    comparisons,
    variantsOf: (trials, prefix) => trials.output.variants.filter((v) => v.strategy !== 'serial').map((v) => ({ seriesId: `${prefix}${v.id}`, variant: v.id, label: workersText(v) })),
    runtimeOf: (trials) => trials.output.python,
    explain: (run) => explainInterpreter(run, machine.logicalCores),
  })
}

function tracedOfPython(trace: PythonTrace, tasks: readonly number[], switchIntervalMs: number | undefined): TracedTrial {
  const threads = trace.strategy === 'threads'
  return {
    id: `python-${trace.id}`,
    runtime: 'python',
    strategy: trace.strategy,
    workers: trace.workers,
    title: `Python: ${trace.workers} ${threads ? 'threads' : 'processes'}`,
    activity: 'computing',
    startedAtMs: trace.startedAtMs,
    finishedAtMs: trace.finishedAtMs,
    lanes: trace.lanes.map((lane, i) => ({
      label: threads ? `thread ${i + 1}` : `process ${i + 1} (pid ${lane.pid})`,
      pid: lane.pid,
      threadId: lane.threadId,
      slices: lane.slices.map(([startMs, endMs, cpuMs, task]) => ({ startMs, endMs, cpuMs, task: String(tasks[task]) })),
    })),
    perStampNs: trace.perStampNs,
    stamps: trace.stamps,
    switchIntervalMs: threads ? switchIntervalMs : undefined,
  }
}

/** The lanes of every traced trial, and what in them cannot be (as warnings). */
function lanesOfRun(params: FactorizeParams, machine: FactorizeMachine, node: NodeTrials | undefined, python: PythonTrials | undefined, series: readonly Series[]): { lanes: LanesFigure[]; warnings: RunWarning[] } {
  const pythonTasks = python ? repeatList(params.numbers, python.output.scale) : []
  const traced = [
    ...(node?.traced ?? []),
    ...(python?.output.traces ?? []).map((trace) => tracedOfPython(trace, pythonTasks, python!.output.python.switchIntervalMs)),
  ]
  const facts = { logicalCores: machine.logicalCores, pythonGil: python?.output.python.gilEnabled }
  const warnings: RunWarning[] = []
  const lanes = traced.map((trial) => {
    const figure = lanesFigure(trial, series.find((s) => s.id === trial.id)?.summary.median ?? null)
    for (const message of implausibleLanes(trial, figure, facts)) warnings.push({ code: 'implausible-lanes', message })
    return figure
  })
  return { lanes, warnings }
}

/** Python must agree with Node (or, alone, with the reference); returns how many numbers the reference checked. */
function checkDivisors(params: FactorizeParams, node: NodeTrials | undefined, python: PythonTrials | undefined, who = 'Python'): number {
  let referenceChecked = node ? checkAgainstReference(params.numbers, node.referenceOfList) : 0
  if (python) {
    const pythonLists = python.output.divisors.map((d) => d.divisors)
    if (node) {
      const at = firstDifference(node.referenceOfList, pythonLists)
      if (at >= 0) throw new LabError('internal', `${who} found the divisors of ${params.numbers[at]} to be ${pythonLists[at]?.join(', ')}, Node found ${node.referenceOfList[at]?.join(', ')}: the runtimes must agree, so this run is void.`)
    } else {
      referenceChecked = checkAgainstReference(params.numbers, pythonLists)
    }
  }
  return referenceChecked
}

/** The result of a factorize run from its recorded trials; throws when the runtimes found different divisors. */
export function summarizeFactorize(params: FactorizeParams, machine: FactorizeMachine, trials: FactorizeTrials): ExperimentOutput<FactorizeData> {
  const { plan, strategies, workerCounts, node, python, eventLoopDelay } = trials
  const cores = machine.logicalCores
  const referenceChecked = checkDivisors(params, node, python)
  for (const other of trials.beside ?? []) if (other.value) checkDivisors(params, node, other.value, other.label)
  const beside = trials.beside ?? []
  const besideRan = beside.filter((b) => b.value)
  const nodeMeasured = node ? nodeVariants(node) : []
  const pythonMeasured = python ? pythonVariants(python, besideRan.length > 0 && machine.python ? { seriesPrefix: 'python-', label: interpreterLabel(machine.python) } : undefined) : []
  const besideMeasured = besideRan.flatMap((b) => pythonVariants(b.value!, { seriesPrefix: b.seriesPrefix, label: b.label }))
  const variants = [...nodeMeasured, ...pythonMeasured, ...besideMeasured]
  const scaling = scalingCurves(variants, cores)
  const scale = node?.scale ?? python?.output.scale ?? 1
  const tasks = params.numbers.length * scale
  const perTask = node?.numbersPerTask ?? 1
  const taskWork = inGroupsOf(repeatList(params.numbers, scale), perTask).map((group) => sum(group.map(trialDivisionsOf)))
  const totalWork = sum(taskWork)
  const split: FactorizeData['split'] = {
    largestTaskShare: Math.max(...taskWork) / totalWork,
    bounds: workerCounts.map((p) => ({ workers: p, longestTaskBound: longestTaskBound(taskWork, p), inOrderBound: inOrderScheduleBound(taskWork, p) })),
  }
  const medianDetail = (strategy: FactorizeStrategy, workers: number): number | undefined => {
    const variant = node?.variants.find((v) => v.strategy === strategy && v.workers === workers)
    const values = variant ? variant.details.flatMap((d) => (d.startupMs === undefined ? [] : [d.startupMs])) : []
    return values.length > 0 ? median(values) : undefined
  }
  const perCount = (strategy: FactorizeStrategy): { workers: number; ms: number }[] =>
    workerCounts.flatMap((workers) => {
      const ms = medianDetail(strategy, workers)
      return ms === undefined ? [] : [{ workers, ms }]
    })
  const startup: FactorizeData['startup'] = {
    pool: node ? { workers: node.poolStartup.workers, allReadyMs: node.poolStartup.allReadyMs, readyMs: node.poolStartup.readyMs } : undefined,
    freshPoolMedianMs: params.includeStartup && strategies.includes('threads') ? perCount('threads') : undefined,
    processMedianMs: strategies.includes('processes') ? perCount('processes') : undefined,
    python: python?.output.startup,
  }
  const pythonInfo: FactorizeData['python'] = python
    ? { ...pythonRuntimeInfo(python.output.python, python.interpreterStartupMs), scale: python.output.scale, tasks: python.output.tasks }
    : { ran: false, reason: plan.pythonSkipped }
  const serialOf = (runtime: Runtime): Series | undefined => variants.find((v) => v.runtime === runtime && v.strategy === 'serial')?.series
  const serialMedianMs = { node: serialOf('node')?.summary.median, python: serialOf('python')?.summary.median }
  const comparedRuns = (node?.comparedRuns ?? 0) + [...pythonMeasured, ...besideMeasured].reduce((n, v) => n + v.series.samples.length, 0)
  const comparisons = variants.flatMap((v) => (v.comparison ? [v.comparison] : []))
  const interpreters = interpretersOfRun(machine, python, beside, variants.map((v) => v.series), comparisons)

  const warnings: RunWarning[] = [...plan.warnings]
  if (serialMedianMs.node !== undefined && serialMedianMs.node < 200) {
    warnings.push({ code: 'short-run', message: `Serial work took only ${formatDurationMs(serialMedianMs.node)}; below about 200 ms, start-up costs and noise weigh heavily on the speedups. Raise the scale (or leave it at 0, automatic).` })
  }
  if (python) warnings.push(...python.warnings)
  warnings.push(...besideWarnings(beside))
  const lanes = lanesOfRun(params, machine, node, python, variants.map((v) => v.series))
  warnings.push(...lanes.warnings)
  const busy = busyMachineWarning(Math.max(machine.loadAverage[0], trials.loadAverageAtEnd), cores)
  if (busy) warnings.push(busy)
  if (eventLoopDelay.maxMs > 50) {
    warnings.push({ code: 'event-loop-delay', message: `The lab's event loop, which starts and times the work, ran up to ${formatDurationMs(eventLoopDelay.maxMs)} late during the run, so the times it took may be late by as much. The work itself runs in threads and processes, so this comes from starting them, or from a busy machine.` })
  }

  const findingsInput = {
    cores,
    tasks,
    numbersPerTask: perTask,
    poolTasks: taskWork.length,
    scale,
    curves: scaling,
    serialMedianMs,
    split,
    startup,
    includeStartup: params.includeStartup,
    eventLoop: eventLoopDelay,
    python: pythonInfo,
    results: { comparedRuns, referenceChecked },
  }
  const referenceLists = node?.referenceOfList ?? python?.output.divisors.map((d) => d.divisors) ?? []
  return {
    series: variants.map((v) => v.series),
    comparisons,
    // the lanes (data.lanes) show who ran when, one lane per worker
    timelines: [],
    warnings,
    headline: factorizeHeadline(findingsInput),
    data: {
      numbers: params.numbers,
      scale,
      scaleChosen: node?.scaleChosen ?? (params.scale === 0 ? 'auto' : 'given'),
      tasks,
      numbersPerTask: perTask,
      poolTasks: taskWork.length,
      trialDivisions: totalWork,
      logicalCores: cores,
      workerCounts,
      strategies,
      runtimes: plan.runtimes,
      includeStartup: params.includeStartup,
      results: {
        identical: true,
        comparedRuns,
        referenceChecked,
        divisors: params.numbers.map((n, i) => ({ number: n, divisors: referenceLists[i] ?? [] })),
      },
      split,
      scaling,
      startup,
      eventLoopDelay,
      python: pythonInfo,
      findings: factorizeFindings(findingsInput),
      lanes: lanes.lanes,
      ...(interpreters ? { interpreters } : {}),
    },
  }
}
