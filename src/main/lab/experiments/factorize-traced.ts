import { cancelledError } from '../../../shared/errors'
import type { FactorizeStrategy } from '../../../shared/experiments/threads'
import { monotonicNowMs } from '../measure/clock'
import { runAll } from '../pool/run-all'
import { WorkerPool } from '../pool/worker-pool'
import { nodeScriptCommand } from '../processes/node-program'
import type { ComputeTasks } from '../workers/compute-tasks'
import { BACKGROUND_NICENESS } from '../workers/priority'
import { childReply, childShares, CHILD_OUTPUT_LIMIT_BYTES, INTERLEAVE_SLICE, TASKS_PER_THREAD, type FactorizeVariantContext } from './factorize-variants'
import type { TracedLane, TracedTrial } from './worker-lanes'

/**
 * The one traced trial of each Node strategy, after the measured ones: the same work, each
 * worker stamping its slices on the monotonic clock, so the lanes show who ran when while the
 * measured trials stay untouched.
 */

type TracedStrategy = Exclude<FactorizeStrategy, 'serial'>

/** The worker count whose lanes are drawn: the most that each can have a core here (at least two, where measured). */
export function tracedWorkerCount(workerCounts: readonly number[], logicalCores: number): number {
  const several = workerCounts.filter((p) => p >= 2)
  return several.filter((p) => p <= logicalCores).at(-1) ?? several[0] ?? workerCounts.at(-1) ?? 1
}

const sumStamps = (perWorker: readonly { perStampNs: number; stamps: number }[]): { perStampNs: number; stamps: number } => {
  const stamps = perWorker.reduce((n, w) => n + w.stamps, 0)
  // weighted by stamps, so the figure is the cost the trial paid
  return { stamps, perStampNs: stamps > 0 ? perWorker.reduce((ns, w) => ns + w.perStampNs * w.stamps, 0) / stamps : 0 }
}

async function traceConcurrent(ctx: FactorizeVariantContext, lanes: number, signal: AbortSignal): Promise<TracedTrial> {
  const startedAtMs = monotonicNowMs()
  const run = await ctx.pool.run('factorizeInterleaved', { numbers: ctx.tasks, lanes, sliceTrialDivisions: INTERLEAVE_SLICE, stampSlices: true }, { signal })
  const finishedAtMs = monotonicNowMs()
  const title = `Concurrent: ${lanes} async tasks on one thread`
  ctx.checker.check(`${title} (traced)`, run.value.divisors)
  const slices = run.value.slices ?? []
  return {
    id: `concurrent-${lanes}`,
    runtime: 'node',
    strategy: 'concurrent',
    workers: lanes,
    title,
    activity: 'computing',
    startedAtMs,
    finishedAtMs,
    lanes: Array.from({ length: lanes }, (_, lane): TracedLane => ({
      label: `async task ${lane + 1}`,
      threadId: run.threadId,
      slices: slices.filter((s) => s.lane === lane).map((s) => ({ startMs: s.startMs, endMs: s.endMs, task: String(ctx.tasks[s.task]) })),
    })),
    // two stamps per slice
    ...sumStamps([{ perStampNs: run.value.perStampNs ?? 0, stamps: 2 * slices.length }]),
  }
}

async function traceThreads(ctx: FactorizeVariantContext, workers: number, signal: AbortSignal): Promise<TracedTrial> {
  const pool = ctx.includeStartup ? new WorkerPool<ComputeTasks>({ filename: ctx.workerFile, size: workers, name: 'compute', tasksPerThread: TASKS_PER_THREAD }) : ctx.pool
  if (!ctx.includeStartup) ctx.pool.resize(workers, { park: true })
  try {
    if (ctx.includeStartup) await pool.ready()
    const startedAtMs = monotonicNowMs()
    const runs = await runAll(pool, 'factorizeListSliced', ctx.poolTasks, { signal })
    const finishedAtMs = monotonicNowMs()
    const title = `${workers} worker threads`
    ctx.checker.check(`${title} (traced)`, runs.flatMap((r) => r.value.divisors))
    const byThread = new Map<number, TracedLane>()
    runs.forEach((run, taskIndex) => {
      const lane = byThread.get(run.threadId) ?? { label: `worker thread ${byThread.size + 1} (thread id ${run.threadId})`, threadId: run.threadId, slices: [] }
      byThread.set(run.threadId, lane)
      for (const s of run.value.slices) lane.slices.push({ startMs: s.startMs, endMs: s.endMs, task: String(ctx.poolTasks[taskIndex]![s.task]) })
    })
    // one stamp per slice boundary: each task's slices, plus its first boundary
    return {
      id: `threads-${workers}`,
      runtime: 'node',
      strategy: 'threads',
      workers,
      title,
      activity: 'computing',
      startedAtMs,
      finishedAtMs,
      lanes: [...byThread.values()],
      ...sumStamps(runs.map((r) => ({ perStampNs: r.value.perStampNs, stamps: r.value.slices.length + 1 }))),
    }
  } finally {
    if (ctx.includeStartup) await pool.destroy()
  }
}

async function traceProcesses(ctx: FactorizeVariantContext, workers: number, signal: AbortSignal): Promise<TracedTrial> {
  const shares = childShares(ctx.taskWork, workers)
  const command = nodeScriptCommand(ctx.childScript)
  const startedAtMs = monotonicNowMs()
  const outcomes = await Promise.all(
    shares.map((share) => {
      const input = new TextEncoder().encode(JSON.stringify({ numbers: share.map((i) => ctx.tasks[i]), stampSlices: true }))
      return ctx.runChild({ ...command, input, signal, maxCaptureBytes: CHILD_OUTPUT_LIMIT_BYTES, niceness: BACKGROUND_NICENESS })
    }),
  )
  const finishedAtMs = monotonicNowMs()
  if (signal.aborted) throw cancelledError()
  const title = `${workers} child processes`
  const found = new Array<number[]>(ctx.tasks.length)
  const replies = outcomes.map(childReply)
  const lanes = replies.map((reply, child): TracedLane => {
    shares[child]!.forEach((taskIndex, k) => (found[taskIndex] = reply.divisors[k]!))
    const pid = outcomes[child]!.pid
    return {
      label: `child process ${child + 1}${pid ? ` (pid ${pid})` : ''}`,
      pid,
      slices: (reply.slices ?? []).map((s) => ({ startMs: s.startMs, endMs: s.endMs, task: String(ctx.tasks[shares[child]![s.task]!]) })),
    }
  })
  ctx.checker.check(`${title} (traced)`, found)
  return {
    id: `processes-${workers}`,
    runtime: 'node',
    strategy: 'processes',
    workers,
    title,
    activity: 'computing',
    startedAtMs,
    finishedAtMs,
    lanes,
    ...sumStamps(replies.map((r) => ({ perStampNs: r.perStampNs ?? 0, stamps: (r.slices?.length ?? 0) + 1 }))),
  }
}

/** Runs one traced trial of a Node strategy with `workers` workers. */
export function traceNodeStrategy(ctx: FactorizeVariantContext, strategy: TracedStrategy, workers: number, signal: AbortSignal): Promise<TracedTrial> {
  if (strategy === 'concurrent') return traceConcurrent(ctx, workers, signal)
  if (strategy === 'threads') return traceThreads(ctx, workers, signal)
  return traceProcesses(ctx, workers, signal)
}
