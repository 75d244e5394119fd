import type { ResourceLimits, TransferListItem } from 'node:worker_threads'
import { poolSizeError, tasksPerThreadError } from './pool-errors'

/** What a worker pool is asked for (with the limits it checks) and what it answers with. */

const MAX_POOL_SIZE = 1024
const MAX_TASKS_PER_THREAD = 16

export function checkedPoolSize(size: number): number {
  if (!Number.isInteger(size) || size < 1 || size > MAX_POOL_SIZE) throw poolSizeError(size, MAX_POOL_SIZE)
  return size
}

export function checkedTasksPerThread(tasksPerThread: number): number {
  if (!Number.isInteger(tasksPerThread) || tasksPerThread < 1 || tasksPerThread > MAX_TASKS_PER_THREAD) {
    throw tasksPerThreadError(tasksPerThread, MAX_TASKS_PER_THREAD)
  }
  return tasksPerThread
}

export interface PoolOptions {
  /** A built worker entry that calls serveTasks(). */
  filename: string
  /** Threads; default os.availableParallelism(). */
  size?: number
  resourceLimits?: ResourceLimits
  /** Names the pool in error messages ("the compute pool"). */
  name?: string
  /**
   * Tasks one thread may hold at once (default 1). Above 1 a busy thread gets its next task
   * before it answers the current one, but only while more tasks wait than the pool has
   * threads, so the last tasks still go to whichever thread is free first. The worker runs
   * them one after another (async handlers may overlap).
   */
  tasksPerThread?: number
}

export interface RunOptions {
  signal?: AbortSignal
  transferList?: readonly TransferListItem[]
}

export interface ResizeOptions {
  /** Keep the threads no longer needed alive and warm (parked) for a later grow, instead of ending them. */
  park?: boolean
}

/** A finished task: its value and when and where it ran, in performance.now() ms of this thread. */
export interface TaskRun<Output> {
  readonly id: number
  readonly kind: string
  readonly value: Output
  /** worker.threadId of the thread that ran it. */
  readonly threadId: number
  readonly queuedAtMs: number
  readonly sentAtMs: number
  readonly startedAtMs: number
  readonly finishedAtMs: number
  readonly settledAtMs: number
}

export interface PoolStartup {
  /** Threads started together (at construction, after a resize or a replacement). */
  workers: number
  /** From creating the first of them to the last one ready. */
  allReadyMs: number
  /** Each thread's own time from `new Worker` to ready, in creation order. */
  readyMs: number[]
}
