import { join } from 'node:path'
import { median } from 'simple-statistics'
import { LabError } from '../../../shared/errors'
import {
  AUTO_SCALE_TARGET_MS,
  FACTORIZE_STRATEGIES,
  MAX_SCALE,
  MAX_TRIAL_DIVISIONS,
  numbersPerTask,
  type FactorizeData,
  type FactorizeParams,
  type FactorizeStrategy,
  type PythonRuntimeInfo,
  type Runtime,
} from '../../../shared/experiments/threads'
import { assertFactorizable, checkAgainstReference, firstDifference, trialDivisionsOf } from '../../../shared/factorize'
import type { RunWarning, Series, Timeline } from '../../../shared/model/result'
import { inOrderScheduleBound, longestTaskBound } from '../../../shared/stats/scaling'
import { formatDurationMs } from '../../../shared/units'
import { watchEventLoop } from '../measure/event-loop'
import { measureInterleaved, type Measured } from '../measure/interleave'
import { WorkerPool, type PoolStartup } from '../pool/worker-pool'
import type { ChildSpec } from '../processes/run-child'
import type { ComputeTasks } from '../workers/compute-tasks'
import { busyMachineWarning } from './busy-machine'
import { compare, toSeries, type ExperimentContext, type ExperimentRunner } from './experiment'
import { factorizeFindings, factorizeHeadline, scalingCurves, type MeasuredVariant } from './factorize-findings'
import { concurrentVariant, DivisorChecker, processesVariant, serialVariant, TASKS_PER_THREAD, threadsVariant, type FactorizeTrialDetail, type FactorizeVariant } from './factorize-variants'
import { compactSpans } from './spans'
import { planRuntimes, pythonProcessCounts, pythonRuntimeInfo, runThreadsScript, seriesOfPython, spansOfPython, type PythonScriptOutput, type PythonVariant } from './threads-python'

/**
 * CPU-bound work four ways — serial, interleaved on one thread, worker threads, child processes —
 * and the Python originals (threads under the GIL, processes), with speedups, Amdahl and Karp–Flatt.
 */

const PYTHON_TIMEOUT_MS = 30 * 60_000
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0)
const repeatList = (numbers: readonly number[], times: number): number[] => Array.from({ length: numbers.length * times }, (_, i) => numbers[i % numbers.length]!)
const inGroupsOf = <T>(items: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size))

/** 1, 2, 4 … up to `most`, and `most` itself. */
export function doublingCounts(most: number): number[] {
  const counts: number[] = []
  for (let p = 1; p < most; p *= 2) counts.push(p)
  counts.push(most)
  return counts
}

function tooMuchWork(trialDivisions: number, scale: number): LabError {
  return new LabError(
    'invalid-params',
    `These numbers${scale > 1 ? ` repeated ${scale} times` : ''} need ${trialDivisions.toExponential(1)} trial divisions; a run may ask for at most ${MAX_TRIAL_DIVISIONS.toExponential(0)} (about 20 s of serial work). Choose smaller numbers or a smaller scale.`,
  )
}

interface NodeMeasurement {
  variants: MeasuredVariant[]
  measured: Measured<FactorizeTrialDetail>[]
  meta: FactorizeVariant[]
  startup: PoolStartup
  scale: number
  perTask: number
  scaleChosen: 'auto' | 'given'
  referenceOfList: number[][]
  comparedRuns: number
}

async function measureNode(params: FactorizeParams, context: ExperimentContext, strategies: FactorizeStrategy[], workerCounts: number[]): Promise<NodeMeasurement> {
  const { signal } = context
  const workerFile = join(context.paths.workersDir, 'compute.js')
  const poolSize = strategies.includes('threads') && !params.includeStartup ? Math.max(...workerCounts) : 1
  const pool = new WorkerPool<ComputeTasks>({ filename: workerFile, size: poolSize, name: 'compute', tasksPerThread: TASKS_PER_THREAD })
  try {
    context.progress(`Starting ${poolSize} worker thread${poolSize === 1 ? '' : 's'}`, 0, 0)
    const startup = await pool.ready()
    if (strategies.includes('processes')) await context.spawners.ready()
    context.progress('Finding the divisors once, as the reference', 0, 0)
    const reference = await pool.run('factorizeList', params.numbers, { signal })
    checkAgainstReference(params.numbers, reference.value.divisors)

    const listWork = sum(params.numbers.map(trialDivisionsOf))
    let scale = params.scale
    if (scale === 0) {
      context.progress('Choosing a scale long enough to measure', 0, 0)
      const passesMs: number[] = []
      for (let pass = 0; pass < 2; pass++) {
        const run = await pool.run('factorizeList', params.numbers, { signal })
        passesMs.push(run.finishedAtMs - run.startedAtMs)
      }
      const onePassMs = Math.max(Math.min(...passesMs), 1e-3)
      scale = Math.max(1, Math.min(MAX_SCALE, Math.floor(MAX_TRIAL_DIVISIONS / listWork), Math.ceil(AUTO_SCALE_TARGET_MS / onePassMs)))
    } else if (listWork * scale > MAX_TRIAL_DIVISIONS) {
      throw tooMuchWork(listWork * scale, scale)
    }

    const tasks = repeatList(params.numbers, scale)
    const perTask = numbersPerTask(tasks.length, Math.max(...workerCounts))
    const checker = new DivisorChecker(tasks, reference.value.divisors)
    const ctx = {
      pool,
      workerFile,
      childScript: join(context.paths.workersDir, 'factorize-child.js'),
      runChild: (spec: ChildSpec) => context.spawners.run(spec),
      tasks,
      taskWork: tasks.map(trialDivisionsOf),
      poolTasks: inGroupsOf(tasks, perTask),
      checker,
      includeStartup: params.includeStartup,
    }
    const meta: FactorizeVariant[] = [serialVariant(ctx)]
    if (strategies.includes('concurrent')) meta.push(...workerCounts.map((p) => concurrentVariant(ctx, p)))
    if (strategies.includes('threads')) meta.push(...workerCounts.map((p) => threadsVariant(ctx, p)))
    if (strategies.includes('processes')) meta.push(...workerCounts.map((p) => processesVariant(ctx, p)))

    const measured = await measureInterleaved(meta, { warmup: params.warmup, runs: params.runs, signal, onProgress: context.progress })
    const series = measured.map(toSeries)
    const serialSeries = series[0]!
    const variants = meta.map((v, i): MeasuredVariant => ({
      runtime: 'node',
      strategy: v.strategy,
      workers: v.workers,
      series: series[i]!,
      comparison: v.strategy === 'serial' ? undefined : compare(serialSeries, series[i]!, v.workers, v.workers),
    }))
    return { variants, measured, meta, startup, scale, perTask, scaleChosen: params.scale === 0 ? 'auto' : 'given', referenceOfList: reference.value.divisors, comparedRuns: checker.comparedRuns }
  } finally {
    await pool.destroy()
  }
}

interface PythonMeasurement {
  variants: MeasuredVariant[]
  timelines: Timeline[]
  info: PythonRuntimeInfo & { scale: number; tasks: number }
  startup: { strategy: string; workers: number; ms: number }[]
  divisors: { number: number; divisors: number[] }[]
  warnings: RunWarning[]
}

interface FactorizeScriptOutput extends PythonScriptOutput {
  scale: number
  tasks: number
  divisors: { number: number; divisors: number[] }[]
}

const pythonLabel = (v: PythonVariant): string =>
  v.strategy === 'serial' ? 'Python serial' : `Python: ${v.workers} ${v.strategy === 'threads' ? (v.workers === 1 ? 'thread' : 'threads') : v.workers === 1 ? 'process' : 'processes'}`

async function measurePython(params: FactorizeParams, context: ExperimentContext, strategies: FactorizeStrategy[], workerCounts: number[]): Promise<PythonMeasurement> {
  const pythonStrategies = ['serial', ...(strategies.includes('threads') || strategies.includes('concurrent') ? ['threads'] : []), ...(strategies.includes('processes') ? ['processes'] : [])]
  context.progress(`Running the Python originals (${context.machine.python.command} ${context.machine.python.version ?? ''})`.trim(), 0, 0)
  const processCounts = pythonProcessCounts(context.machine.os.platform, workerCounts)
  const args = [
    'factorize',
    '--numbers', params.numbers.join(','),
    '--scale', String(params.scale),
    '--target-ms', String(AUTO_SCALE_TARGET_MS),
    '--workers', workerCounts.join(','),
    '--process-workers', processCounts.counts.join(','),
    '--strategies', pythonStrategies.join(','),
    '--runs', String(params.runs),
    '--warmup', String(params.warmup),
    ...(params.includeStartup ? ['--include-startup'] : []),
  ]
  const { output, interpreterStartupMs } = await runThreadsScript<FactorizeScriptOutput>(context, args, PYTHON_TIMEOUT_MS)
  const series = output.variants.map((v) => seriesOfPython(v, pythonLabel(v)))
  const serial = series.find((s) => s.id === 'python-serial')
  if (!serial) throw new LabError('internal', 'The Python script measured no serial baseline.')
  const variants = output.variants.map((v, i): MeasuredVariant => ({
    runtime: 'python',
    strategy: v.strategy as FactorizeStrategy,
    workers: v.workers,
    series: series[i]!,
    comparison: v.strategy === 'serial' ? undefined : compare(serial, series[i]!, v.workers, v.workers),
  }))
  const timelines = output.variants.map((v, i) => ({
    id: series[i]!.id,
    title: `${series[i]!.label}: one task per number`,
    spans: compactSpans(spansOfPython(v, (span) => (v.strategy === 'processes' ? `process ${span.pid}` : v.strategy === 'threads' ? `thread ${span.lane + 1}` : 'main thread'))),
  }))
  return {
    variants,
    timelines,
    info: { ...pythonRuntimeInfo(output.python, interpreterStartupMs), scale: output.scale, tasks: output.tasks },
    startup: output.startup,
    divisors: output.divisors,
    warnings: pythonStrategies.includes('processes') && processCounts.warning ? [processCounts.warning] : [],
  }
}

function nodeTimelines(node: NodeMeasurement): Timeline[] {
  return node.meta.map((variant, i) => ({
    id: variant.id,
    title: variant.label,
    spans: compactSpans(node.measured[i]!.details.at(-1)?.spans ?? []),
  }))
}

export const factorizeRunner: ExperimentRunner<FactorizeParams, FactorizeData> = {
  id: 'factorize',
  async run(params, context) {
    const plan = planRuntimes(params.runtime, context.machine.python)
    const cores = context.machine.logicalCores
    const strategies = FACTORIZE_STRATEGIES.filter((s) => s === 'serial' || params.strategies.includes(s))
    const workerCounts = params.workers.length > 0 ? [...new Set(params.workers)].sort((a, b) => a - b) : doublingCounts(Math.min(256, 2 * cores))
    params.numbers.forEach((n) => assertFactorizable(n))
    const listWork = sum(params.numbers.map(trialDivisionsOf))
    if (listWork > MAX_TRIAL_DIVISIONS) throw tooMuchWork(listWork, 1)

    const warnings: RunWarning[] = [...plan.warnings]
    const loop = watchEventLoop()
    let node: NodeMeasurement | undefined
    let python: PythonMeasurement | undefined
    let eventLoopDelay
    try {
      if (plan.runtimes.includes('node')) node = await measureNode(params, context, strategies, workerCounts)
      if (plan.runtimes.includes('python')) python = await measurePython(params, context, strategies, workerCounts)
    } finally {
      eventLoopDelay = loop.stop()
    }

    // Python must agree with Node (or, alone, with the reference).
    let referenceChecked = node ? checkAgainstReference(params.numbers, node.referenceOfList) : 0
    if (python) {
      const pythonLists = python.divisors.map((d) => d.divisors)
      if (node) {
        const at = firstDifference(node.referenceOfList, pythonLists)
        if (at >= 0) throw new LabError('internal', `Python found the divisors of ${params.numbers[at]} to be ${pythonLists[at]?.join(', ')}, Node found ${node.referenceOfList[at]?.join(', ')}: the runtimes must agree, so this run is void.`)
      } else {
        referenceChecked = checkAgainstReference(params.numbers, pythonLists)
      }
    }

    const variants = [...(node?.variants ?? []), ...(python?.variants ?? [])]
    const scaling = scalingCurves(variants, cores)
    const scale = node?.scale ?? python?.info.scale ?? 1
    const tasks = params.numbers.length * scale
    const perTask = node?.perTask ?? 1
    const taskWork = inGroupsOf(repeatList(params.numbers, scale), perTask).map((group) => sum(group.map(trialDivisionsOf)))
    const totalWork = sum(taskWork)
    const split: FactorizeData['split'] = {
      largestTaskShare: Math.max(...taskWork) / totalWork,
      bounds: workerCounts.map((p) => ({ workers: p, longestTaskBound: longestTaskBound(taskWork, p), inOrderBound: inOrderScheduleBound(taskWork, p) })),
    }
    const medianDetail = (strategy: FactorizeStrategy, workers: number): number | undefined => {
      const index = node?.meta.findIndex((v) => v.strategy === strategy && v.workers === workers) ?? -1
      const values = index >= 0 ? node!.measured[index]!.details.flatMap((d) => (d.startupMs === undefined ? [] : [d.startupMs])) : []
      return values.length > 0 ? median(values) : undefined
    }
    const perCount = (strategy: FactorizeStrategy): { workers: number; ms: number }[] =>
      workerCounts.flatMap((workers) => {
        const ms = medianDetail(strategy, workers)
        return ms === undefined ? [] : [{ workers, ms }]
      })
    const startup: FactorizeData['startup'] = {
      pool: node ? { workers: node.startup.workers, allReadyMs: node.startup.allReadyMs, readyMs: node.startup.readyMs } : undefined,
      freshPoolMedianMs: params.includeStartup && strategies.includes('threads') ? perCount('threads') : undefined,
      processMedianMs: strategies.includes('processes') ? perCount('processes') : undefined,
      python: python?.startup,
    }
    const pythonInfo: FactorizeData['python'] = python ? python.info : { ran: false, reason: plan.pythonSkipped }
    const serialOf = (runtime: Runtime): Series | undefined => variants.find((v) => v.runtime === runtime && v.strategy === 'serial')?.series
    const serialMedianMs = { node: serialOf('node')?.summary.median, python: serialOf('python')?.summary.median }
    const comparedRuns = (node?.comparedRuns ?? 0) + (python ? python.variants.reduce((n, v) => n + v.series.samples.length, 0) : 0)

    if (serialMedianMs.node !== undefined && serialMedianMs.node < 200) {
      warnings.push({ code: 'short-run', message: `Serial work took only ${formatDurationMs(serialMedianMs.node)}; below about 200 ms, start-up costs and noise weigh heavily on the speedups. Raise the scale (or leave it at 0, automatic).` })
    }
    if (python) warnings.push(...python.warnings)
    const busy = busyMachineWarning(context.machine.loadAverage[0], cores)
    if (busy) warnings.push(busy)
    if (eventLoopDelay.maxMs > 50) {
      warnings.push({ code: 'event-loop-delay', message: `The app's main event loop ran up to ${formatDurationMs(eventLoopDelay.maxMs)} late during the run; the app may have felt sluggish. The work itself runs in threads and processes, so this comes from starting them, or from a busy machine.` })
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
    const referenceLists = node?.referenceOfList ?? python?.divisors.map((d) => d.divisors) ?? []
    return {
      series: variants.map((v) => v.series),
      comparisons: variants.flatMap((v) => (v.comparison ? [v.comparison] : [])),
      timelines: [...(node ? nodeTimelines(node) : []), ...(python?.timelines ?? [])],
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
      },
    }
  },
}
