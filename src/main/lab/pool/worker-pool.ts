import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { performance } from 'node:perf_hooks'
import { Worker, type ResourceLimits, type TransferListItem } from 'node:worker_threads'
import { LabError, type LabErrorData } from '../../../shared/errors'
import type { TaskMap, TaskMessage, WorkerMessage } from './protocol'

/**
 * A pool of worker threads, written by hand because it is what the Threads lab studies
 * (and it must cost less per task than the libraries it is compared with).
 *
 * - One task per worker at a time; tasks beyond the pool's size wait in a FIFO queue.
 * - Every task may carry an AbortSignal: a queued task is dropped, a running one has its
 *   thread terminated, and the pool starts a replacement.
 * - A worker that crashes (uncaught error, process.exit, out of memory) fails the task it
 *   was running with a LabError and is replaced.
 * - Every task keeps its timing (queued, sent, started and finished in the worker, settled)
 *   on the pool's clock, and the thread that ran it. Start-up is measured apart (`ready()`).
 */

export const MAX_POOL_SIZE = 1024

export interface PoolOptions {
  /** A built worker entry that calls serveTasks(). */
  filename: string
  /** Threads; default os.availableParallelism(). */
  size?: number
  resourceLimits?: ResourceLimits
  /** Names the pool in error messages ("the compute pool"). */
  name?: string
}

export interface RunOptions {
  signal?: AbortSignal
  transferList?: readonly TransferListItem[]
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

let livePoolThreadsTotal = 0
/** Threads of every pool in this process that have not exited yet: for leak checks. */
export const livePoolThreads = (): number => livePoolThreadsTotal

type AbortHandler = (task: PoolTask) => void

class PoolTask implements TaskRun<unknown> {
  value: unknown = undefined
  threadId = -1
  sentAtMs = Number.NaN
  startedAtMs = Number.NaN
  finishedAtMs = Number.NaN
  settledAtMs = Number.NaN
  settled = false
  slot: WorkerSlot | undefined = undefined
  resolve!: (run: TaskRun<unknown>) => void
  reject!: (error: LabError) => void

  constructor(
    readonly id: number,
    readonly kind: string,
    public input: unknown,
    public transferList: readonly TransferListItem[] | undefined,
    readonly signal: AbortSignal | undefined,
    readonly queuedAtMs: number,
    private readonly onAbort: AbortHandler,
  ) {}

  /** The AbortSignal listener: the task itself, so no closure is made per task. */
  handleEvent(): void {
    this.onAbort(this)
  }

  succeed(value: unknown): void {
    if (this.settled) return
    this.settle()
    this.value = value
    this.resolve(this)
  }

  fail(error: LabError): void {
    if (this.settled) return
    this.settle()
    this.reject(error)
  }

  private settle(): void {
    this.settled = true
    if (Number.isNaN(this.settledAtMs)) this.settledAtMs = performance.now()
    this.signal?.removeEventListener('abort', this)
    this.input = undefined
    this.transferList = undefined
    this.slot = undefined
  }
}

type SlotState = 'starting' | 'idle' | 'busy' | 'stopping' | 'exited'

class WorkerSlot {
  state: SlotState = 'starting'
  task: PoolTask | undefined = undefined
  /** Shrinking: stop after the current task. */
  retiring = false
  readyAtMs = Number.NaN
  /** Add to the worker's performance.now() to get the pool's. */
  clockOffsetMs = 0
  crash: Error | undefined = undefined
  readonly threadId: number
  /** Reused for every task sent to this worker: postMessage copies it at once. */
  readonly outbox: TaskMessage = { id: 0, kind: '', input: undefined }
  exited!: Promise<void>

  constructor(
    readonly worker: Worker,
    readonly createdAtMs: number,
  ) {
    this.threadId = worker.threadId
  }
}

function cancelledTaskError(): LabError {
  return new LabError('cancelled', 'The task was cancelled.')
}

export class WorkerPool<M extends TaskMap> {
  private readonly filename: string
  private readonly resourceLimits: ResourceLimits | undefined
  private readonly poolName: string
  private targetSize: number
  /** Workers that count towards the size (starting, idle, busy, retiring). */
  private readonly slots: WorkerSlot[] = []
  /** Every worker not yet exited, including those being stopped. */
  private readonly living = new Set<WorkerSlot>()
  /** Idle workers, most recently freed last (so a few tasks keep reusing the same warm threads). */
  private readonly idle: WorkerSlot[] = []
  private queue: (PoolTask | undefined)[] = []
  private queueHead = 0
  private lastTaskId = 0
  private destroyed = false
  private spawnScheduled = false
  private batchStartedAtMs = Number.NaN
  private startFailure: LabError | undefined = undefined
  private readyWaiters: { resolve: (startup: PoolStartup) => void; reject: (error: LabError) => void }[] = []
  private readonly onTaskAbort: AbortHandler = (task) => this.abortTask(task)

  constructor(options: PoolOptions) {
    this.poolName = options.name ?? 'worker'
    if (!existsSync(options.filename)) {
      throw new LabError('not-available', `The ${this.poolName} pool's worker file ${options.filename} does not exist; build the app first (npm run build).`)
    }
    this.filename = options.filename
    this.resourceLimits = options.resourceLimits
    this.targetSize = checkedSize(options.size ?? availableParallelism())
    this.replenish()
  }

  /** The number of threads the pool keeps. */
  get size(): number {
    return this.targetSize
  }

  /** Threads that exist now, including any being stopped. */
  get threadCount(): number {
    return this.living.size
  }

  /** Tasks waiting for a free thread. */
  get queuedCount(): number {
    let count = 0
    for (let i = this.queueHead; i < this.queue.length; i++) if (this.queue[i] && !this.queue[i]!.settled) count++
    return count
  }

  get busyCount(): number {
    return this.slots.filter((s) => s.state === 'busy').length
  }

  get threadIds(): number[] {
    return this.slots.map((s) => s.threadId)
  }

  /** Runs a task of `kind` on the next free thread. */
  run<K extends keyof M & string>(kind: K, input: M[K]['input'], options?: RunOptions): Promise<TaskRun<M[K]['output']>> {
    if (this.destroyed) return Promise.reject(new LabError('cancelled', `The ${this.poolName} pool has been shut down; it runs no more tasks.`))
    const signal = options?.signal
    if (signal?.aborted) return Promise.reject(cancelledTaskError())
    const task = new PoolTask(++this.lastTaskId, kind, input, options?.transferList, signal, performance.now(), this.onTaskAbort)
    const promise = new Promise<TaskRun<unknown>>((resolve, reject) => {
      task.resolve = resolve
      task.reject = reject
    })
    signal?.addEventListener('abort', task)
    const slot = this.idle.pop()
    if (slot) this.send(slot, task)
    else {
      this.queue.push(task)
      if (this.slots.length === 0 && this.startFailure) task.fail(this.startFailure)
    }
    return promise as Promise<TaskRun<M[K]['output']>>
  }

  /** Resolves when every thread is ready, with the start-up of the latest batch of threads. */
  ready(): Promise<PoolStartup> {
    if (this.destroyed) return Promise.reject(new LabError('cancelled', `The ${this.poolName} pool has been shut down.`))
    return new Promise((resolve, reject) => {
      this.readyWaiters.push({ resolve, reject })
      this.checkReady()
    })
  }

  /** Grows (new threads start) or shrinks (idle threads stop now, busy ones after their task). */
  resize(size: number): void {
    if (this.destroyed) throw new LabError('cancelled', `The ${this.poolName} pool has been shut down; it cannot be resized.`)
    this.targetSize = checkedSize(size)
    for (const slot of this.slots) {
      if (this.activeCount() >= this.targetSize) break
      slot.retiring = false
    }
    let excess = this.activeCount() - this.targetSize
    for (const state of ['starting', 'idle', 'busy'] as const) {
      for (const slot of [...this.slots]) {
        if (excess <= 0) break
        if (slot.state !== state || slot.retiring) continue
        if (state === 'busy') slot.retiring = true
        else this.stop(slot)
        excess--
      }
    }
    this.replenish()
  }

  /** Fails every queued and running task, terminates every thread and waits until all have exited. */
  async destroy(): Promise<void> {
    if (!this.destroyed) {
      this.destroyed = true
      const error = new LabError('cancelled', `The ${this.poolName} pool was shut down before the task finished.`)
      this.failQueued(error)
      for (const slot of [...this.slots]) {
        slot.task?.fail(error)
        slot.task = undefined
        this.stop(slot)
      }
      for (const waiter of this.readyWaiters.splice(0)) waiter.reject(error)
    }
    await Promise.all([...this.living].map((slot) => slot.exited))
  }

  private activeCount(): number {
    let count = 0
    for (const slot of this.slots) if (!slot.retiring) count++
    return count
  }

  /**
   * Starts the threads the size asks for, one per turn of the event loop: `new Worker` holds
   * this thread for a few ms, and a burst of them would stall everything else it does.
   */
  private replenish(): void {
    if (this.destroyed || this.activeCount() >= this.targetSize) return
    try {
      this.spawn()
    } catch (error) {
      // The thread could not even be created (out of memory, too many threads): stop trying.
      this.startFailure = new LabError('worker-failed', `The ${this.poolName} pool could not create a worker thread: ${(error as Error).message}`)
      if (this.slots.length === 0) this.failQueued(this.startFailure)
      this.checkReady()
      return
    }
    if (this.activeCount() < this.targetSize && !this.spawnScheduled) {
      this.spawnScheduled = true
      setImmediate(this.spawnNext)
    }
  }

  private readonly spawnNext = (): void => {
    this.spawnScheduled = false
    this.replenish()
    this.checkReady()
  }

  private spawn(): void {
    const createdAtMs = performance.now()
    if (!this.slots.some((s) => s.state === 'starting')) this.batchStartedAtMs = createdAtMs
    const worker = new Worker(this.filename, { resourceLimits: this.resourceLimits })
    const slot = new WorkerSlot(worker, createdAtMs)
    slot.exited = new Promise((resolve) => {
      worker.once('exit', (code: number) => {
        this.onExit(slot, code)
        resolve()
      })
    })
    worker.on('message', (message: WorkerMessage) => this.onMessage(slot, message))
    worker.on('error', (error: Error) => {
      slot.crash ??= error
    })
    worker.on('messageerror', (error: Error) => this.onReplyLost(slot, error))
    this.slots.push(slot)
    this.living.add(slot)
    livePoolThreadsTotal++
  }

  private onMessage(slot: WorkerSlot, message: WorkerMessage): void {
    if (message.type === 'ready') return this.onReady(slot, message.timeOriginMs)
    const task = slot.task
    if (!task || task.id !== message.id || slot.state !== 'busy') return // a late reply for a task already settled
    const settledAtMs = performance.now()
    slot.task = undefined
    task.startedAtMs = message.startedAtMs + slot.clockOffsetMs
    task.finishedAtMs = message.finishedAtMs + slot.clockOffsetMs
    task.settledAtMs = settledAtMs
    // Hand the thread its next task before settling this one, so it does not wait for our callbacks.
    this.release(slot)
    if (message.type === 'done') task.succeed(message.value)
    else task.fail(fromErrorData(message.error))
  }

  private onReady(slot: WorkerSlot, timeOriginMs: number): void {
    if (slot.state !== 'starting') return
    slot.readyAtMs = performance.now()
    slot.clockOffsetMs = timeOriginMs - performance.timeOrigin
    this.release(slot)
    this.checkReady()
  }

  /** The worker is free: next task, idle, or stop if the pool shrank. */
  private release(slot: WorkerSlot): void {
    if (slot.retiring) return this.stop(slot)
    const next = this.takeQueued()
    if (next) this.send(slot, next)
    else {
      slot.state = 'idle'
      this.idle.push(slot)
    }
  }

  private send(slot: WorkerSlot, task: PoolTask): void {
    slot.state = 'busy'
    slot.task = task
    task.slot = slot
    task.threadId = slot.threadId
    const outbox = slot.outbox
    outbox.id = task.id
    outbox.kind = task.kind
    outbox.input = task.input
    task.sentAtMs = performance.now()
    if (task.transferList) slot.worker.postMessage(outbox, task.transferList)
    else slot.worker.postMessage(outbox)
    outbox.input = undefined
    task.input = undefined
    task.transferList = undefined
  }

  private failQueued(error: LabError): void {
    for (let task = this.takeQueued(); task; task = this.takeQueued()) task.fail(error)
  }

  private takeQueued(): PoolTask | undefined {
    while (this.queueHead < this.queue.length) {
      const task = this.queue[this.queueHead]
      this.queue[this.queueHead++] = undefined
      if (this.queueHead === this.queue.length) {
        this.queue = []
        this.queueHead = 0
      }
      if (task && !task.settled) return task
    }
    return undefined
  }

  private abortTask(task: PoolTask): void {
    if (task.settled) return
    const slot = task.slot
    task.fail(cancelledTaskError())
    if (slot && slot.task === task) {
      // The only way to stop code running in a thread is to end the thread.
      slot.task = undefined
      this.stop(slot)
      this.replenish()
    }
  }

  /** Terminates a worker that no longer counts towards the size; its exit is awaited in destroy(). */
  private stop(slot: WorkerSlot): void {
    if (slot.state === 'stopping' || slot.state === 'exited') return
    slot.state = 'stopping'
    this.forget(slot)
    slot.worker.terminate().catch(() => {})
    this.checkReady()
  }

  private forget(slot: WorkerSlot): void {
    const index = this.slots.indexOf(slot)
    if (index >= 0) this.slots.splice(index, 1)
    const idleIndex = this.idle.indexOf(slot)
    if (idleIndex >= 0) this.idle.splice(idleIndex, 1)
  }

  private onExit(slot: WorkerSlot, exitCode: number): void {
    const expected = slot.state === 'stopping'
    const wasReady = !Number.isNaN(slot.readyAtMs)
    slot.state = 'exited'
    this.forget(slot)
    this.living.delete(slot)
    livePoolThreadsTotal--
    const task = slot.task
    slot.task = undefined
    if (!expected && !this.destroyed) {
      const error = this.crashError(slot, exitCode, task, wasReady)
      task?.fail(error)
      if (wasReady) this.replenish()
      else this.startFailure = error // a thread that cannot start is not restarted in a loop
      if (this.slots.length === 0 && this.startFailure) this.failQueued(this.startFailure)
    }
    this.checkReady()
  }

  private onReplyLost(slot: WorkerSlot, error: Error): void {
    const task = slot.task
    if (!task || slot.state !== 'busy') return
    slot.task = undefined
    this.release(slot)
    task.fail(new LabError('internal', `The reply of task "${task.kind}" from worker thread ${slot.threadId} could not be read: ${error.message}`))
  }

  private crashError(slot: WorkerSlot, exitCode: number, task: PoolTask | undefined, wasReady: boolean): LabError {
    const crash = slot.crash as (Error & { code?: string }) | undefined
    const how =
      crash?.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? `ran out of memory${this.resourceLimits?.maxOldGenerationSizeMb ? ` (its limit is ${this.resourceLimits.maxOldGenerationSizeMb} MB)` : ''}`
        : crash
          ? `threw an uncaught error (${crash.message})`
          : `exited with code ${exitCode}`
    const during = task ? ` while running task "${task.kind}"` : wasReady ? ' while idle' : ' while starting'
    const after = wasReady ? '; the pool has started a replacement.' : '; the pool does not restart a thread that cannot start.'
    return new LabError('worker-failed', `Worker thread ${slot.threadId} of the ${this.poolName} pool ${how}${during}${after}`, { threadId: slot.threadId, exitCode, errorCode: crash?.code })
  }

  private checkReady(): void {
    if (this.destroyed || this.readyWaiters.length === 0 || this.spawnScheduled || this.slots.some((s) => s.state === 'starting')) return
    const waiters = this.readyWaiters.splice(0)
    if (this.slots.length === 0 && this.startFailure) {
      for (const waiter of waiters) waiter.reject(this.startFailure)
      return
    }
    const batch = this.slots.filter((s) => s.createdAtMs >= this.batchStartedAtMs).sort((a, b) => a.createdAtMs - b.createdAtMs)
    const startup: PoolStartup = {
      workers: batch.length,
      allReadyMs: batch.length > 0 ? Math.max(...batch.map((s) => s.readyAtMs)) - this.batchStartedAtMs : 0,
      readyMs: batch.map((s) => s.readyAtMs - s.createdAtMs),
    }
    for (const waiter of waiters) waiter.resolve(startup)
  }
}

function checkedSize(size: number): number {
  if (!Number.isInteger(size) || size < 1 || size > MAX_POOL_SIZE) {
    throw new LabError('invalid-params', `A pool needs from 1 to ${MAX_POOL_SIZE} worker threads; got ${size}.`)
  }
  return size
}

function fromErrorData(data: LabErrorData): LabError {
  return new LabError(data.code ?? 'internal', data.message, data.details)
}
