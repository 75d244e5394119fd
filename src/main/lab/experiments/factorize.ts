import { loadavg } from 'node:os'
import { join } from 'node:path'
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
} from '../../../shared/experiments/threads'
import { assertFactorizable, checkAgainstReference, trialDivisionsOf } from '../../../shared/factorize'
import { watchEventLoop } from '../measure/event-loop'
import { measureInterleaved } from '../measure/interleave'
import { WorkerPool } from '../pool/worker-pool'
import { powersOfTwoUpTo } from '../processes/limit'
import type { ChildSpec } from '../processes/run-child'
import type { ComputeTasks } from '../workers/compute-tasks'
import type { ExperimentContext, ExperimentRunner } from './experiment'
import { inGroupsOf, repeatList, sum, type FactorizeScriptOutput, type FactorizeTrials, type NodeTrials, type PythonTrials } from './factorize-summary'
import { traceNodeStrategy, tracedWorkerCount } from './factorize-traced'
import { concurrentVariant, DivisorChecker, processesVariant, serialVariant, TASKS_PER_THREAD, threadsVariant, type FactorizeVariant } from './factorize-variants'
import { planRuntimes, pythonProcessCounts, runThreadsScript } from './threads-python'
import type { PythonInfo } from '../../../shared/model/machine'
import { interpreterLabel } from '../../../shared/model/interpreter-label'
import { runBeside, type BesideRun } from '../python/side-by-side'

/**
 * CPU-bound work four ways — serial, interleaved on one thread, worker threads, child processes —
 * and the Python originals (threads under the GIL, processes), with speedups, Amdahl and Karp–Flatt.
 * This file measures; factorize-summary.ts turns the recorded trials into the result.
 */

const PYTHON_TIMEOUT_MS = 30 * 60_000

function tooMuchWork(trialDivisions: number, scale: number): LabError {
  return new LabError(
    'invalid-params',
    `These numbers${scale > 1 ? ` repeated ${scale} times` : ''} need ${trialDivisions.toExponential(1)} trial divisions; a run may ask for at most ${MAX_TRIAL_DIVISIONS.toExponential(0)} (about 20 s of serial work). Choose smaller numbers or a smaller scale.`,
  )
}

async function measureNode(params: FactorizeParams, context: ExperimentContext, strategies: FactorizeStrategy[], workerCounts: number[]): Promise<NodeTrials> {
  const { signal } = context
  const workerFile = join(context.paths.workersDir, 'compute.js')
  const poolSize = strategies.includes('threads') && !params.includeStartup ? Math.max(...workerCounts) : 1
  const pool = new WorkerPool<ComputeTasks>({ filename: workerFile, size: poolSize, name: 'compute', tasksPerThread: TASKS_PER_THREAD })
  try {
    context.progress(`Starting ${poolSize} worker thread${poolSize === 1 ? '' : 's'}`, 0, 0)
    const poolStartup = await pool.ready()
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
    const tracedWorkers = tracedWorkerCount(workerCounts, context.machine.logicalCores)
    const traced = []
    for (const strategy of strategies) {
      if (strategy === 'serial') continue
      context.progress(`Tracing who ran when: ${strategy}, ${tracedWorkers} workers, one more trial`, 0, 0)
      traced.push(await traceNodeStrategy(ctx, strategy, tracedWorkers, signal))
    }
    return {
      variants: measured.map((m, i) => ({ ...m, strategy: meta[i]!.strategy, workers: meta[i]!.workers })),
      poolStartup,
      scale,
      scaleChosen: params.scale === 0 ? 'auto' : 'given',
      numbersPerTask: perTask,
      referenceOfList: reference.value.divisors,
      comparedRuns: checker.comparedRuns,
      traced,
    }
  } finally {
    await pool.destroy()
  }
}

async function measurePython(params: FactorizeParams, context: ExperimentContext, strategies: FactorizeStrategy[], workerCounts: number[], python: PythonInfo, traced: boolean): Promise<PythonTrials> {
  const pythonStrategies = ['serial', ...(strategies.includes('threads') || strategies.includes('concurrent') ? ['threads'] : []), ...(strategies.includes('processes') ? ['processes'] : [])]
  context.progress(`Running the Python originals (${interpreterLabel(python)}, ${python.executable ?? python.command})`, 0, 0)
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
    '--trace-workers', String(traced ? tracedWorkerCount(workerCounts, context.machine.logicalCores) : 0),
    ...(params.includeStartup ? ['--include-startup'] : []),
  ]
  const { output, interpreterStartupMs } = await runThreadsScript<FactorizeScriptOutput>(context, args, PYTHON_TIMEOUT_MS, python)
  return { output, interpreterStartupMs, warnings: pythonStrategies.includes('processes') && processCounts.warning ? [processCounts.warning] : [] }
}

/** Runs the strategies (and the Python originals) and hands back what each trial recorded. */
export async function measureFactorize(params: FactorizeParams, context: ExperimentContext): Promise<FactorizeTrials> {
  const plan = planRuntimes(params.runtime, context.machine.python)
  const strategies = FACTORIZE_STRATEGIES.filter((s) => s === 'serial' || params.strategies.includes(s))
  const workerCounts = params.workers.length > 0 ? [...new Set(params.workers)].sort((a, b) => a - b) : powersOfTwoUpTo(Math.min(256, 2 * context.machine.logicalCores))
  params.numbers.forEach((n) => assertFactorizable(n))
  const listWork = sum(params.numbers.map(trialDivisionsOf))
  if (listWork > MAX_TRIAL_DIVISIONS) throw tooMuchWork(listWork, 1)

  const loop = watchEventLoop()
  let node: NodeTrials | undefined
  let python: PythonTrials | undefined
  let beside: BesideRun<PythonTrials>[] = []
  let eventLoopDelay
  try {
    if (plan.runtimes.includes('node')) node = await measureNode(params, context, strategies, workerCounts)
    if (plan.runtimes.includes('python')) python = await measurePython(params, context, strategies, workerCounts, context.machine.python, true)
    // the same Python series on every interpreter chosen beside it (who ran when is traced for the primary only)
    if (params.runtime !== 'node') beside = await runBeside(context.machine, context.signal, (other) => measurePython(params, context, strategies, workerCounts, other, false))
  } finally {
    eventLoopDelay = loop.stop()
  }
  return { plan, strategies, workerCounts, node, python, beside, eventLoopDelay, loadAverageAtEnd: loadavg()[0] ?? 0 }
}

export const factorizeRunner: ExperimentRunner<FactorizeParams, FactorizeData> = {
  id: 'factorize',
  async run(params, context) {
    const trials = await measureFactorize(params, context)
    return context.analysis.run('summarizeFactorize', { params, machine: context.machine, trials }, context.signal)
  },
}
