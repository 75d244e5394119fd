import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { performance } from 'node:perf_hooks'
import { Worker, type ResourceLimits, type TransferListItem } from 'node:worker_threads'
import { LabError, type LabErrorData } from '../../../shared/errors'
import { WAKE_COUNTER_KEY, type TaskMap, type TaskMessage, type WorkerMessage } from './protocol'

/**
 * A pool of worker threads, written by hand because it is what the Threads lab studies
 * (and it must cost less per task than the libraries it is compared with).
 *
 * - Tasks go to a free thread, or wait in a FIFO queue. With tasksPerThread above 1, a busy
 *   thread is also sent its next task ahead (pipelining) while the queue is long, so it never
 *   waits for this thread to answer between two tasks.
 * - Every task may carry an AbortSignal: a queued task is dropped; a task a thread holds ends
 *   that thread (the only way to stop running code), its other tasks go back to the front of
 *   the queue, and the pool starts a replacement.
 * - A thread that crashes (uncaught error, process.exit, out of memory) fails the task it was
 *   running with a LabError and is replaced.
 * - Every task keeps its timing (queued, sent, started and finished in the worker, settled)
 *   on the pool's clock, and the thread that ran it. Start-up is measured apart (`ready()`).
 * - resize() grows or shrinks; with { park: true } the threads no longer needed stay warm
 *   for a later grow instead of ending.
 */

export const MAX_POOL_SIZE = 1024
export const MAX_TASKS_PER_THREAD = 16

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

type SlotState = 'starting' | 'ready' | 'parked' | 'stopping' | 'exited'

class WorkerSlot {
  state: SlotState = 'starting'
  /** Tasks sent to this thread and not yet answered, oldest first (the one it is running). */
  readonly inFlight: PoolTask[] = []
  /** Shrinking: stop or park once its tasks are done. */
  retiring: 'stop' | 'park' | undefined = undefined
  /** Listed in the pool's idle (no task) or open (room for one more) stack. */
  listedIdle = false
  listedOpen = false
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
    /** Counted up and notified with every task sent, for a worker asleep in Atomics.wait. */
    readonly wake: Int32Array,
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
  private readonly depth: number
  private targetSize: number
  /** Threads that count towards the size (starting or ready, retiring included). */
  private readonly slots: WorkerSlot[] = []
  /** Warm threads kept aside by resize({ park: true }). */
  private readonly parked: WorkerSlot[] = []
  /** Every thread not yet exited, including those being stopped. */
  private readonly living = new Set<WorkerSlot>()
  /** Threads with no task, most recently freed on top (a few tasks keep reusing the same warm threads). */
  private readonly idle: WorkerSlot[] = []
  /** Busy threads with room for one more task (only when tasksPerThread > 1). */
  private readonly open: WorkerSlot[] = []
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
    const depth = options.tasksPerThread ?? 1
    if (!Number.isInteger(depth) || depth < 1 || depth > MAX_TASKS_PER_THREAD) {
      throw new LabError('invalid-params', `A thread can hold from 1 to ${MAX_TASKS_PER_THREAD} tasks at once; got ${depth}.`)
    }
    this.depth = depth
    this.replenish()
  }

  /** The number of threads the pool keeps working. */
  get size(): number {
    return this.targetSize
  }

  /** Threads that exist now: working, parked, or being stopped. */
  get threadCount(): number {
    return this.living.size
  }

  get parkedCount(): number {
    return this.parked.length
  }

  /** Tasks waiting for a thread. */
  get queuedCount(): number {
    let count = 0
    for (let i = this.queueHead; i < this.queue.length; i++) if (this.queue[i] && !this.queue[i]!.settled) count++
    return count
  }

  /** Threads holding at least one task. */
  get busyCount(): number {
    return this.slots.filter((s) => s.inFlight.length > 0).length
  }

  /** The working threads (not parked). */
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
    const slot = this.takeIdle()
    if (slot) this.send(slot, task)
    else {
      this.queue.push(task)
      if (this.slots.length === 0 && this.startFailure) task.fail(this.startFailure)
      else if (this.depth > 1) this.pipeline()
    }
    return promise as Promise<TaskRun<M[K]['output']>>
  }

  /** Resolves when every working thread is ready, with the start-up of the latest batch of threads. */
  ready(): Promise<PoolStartup> {
    if (this.destroyed) return Promise.reject(new LabError('cancelled', `The ${this.poolName} pool has been shut down.`))
    return new Promise((resolve, reject) => {
      this.readyWaiters.push({ resolve, reject })
      this.checkReady()
    })
  }

  /**
   * Grows (parked threads first, then new ones) or shrinks (idle threads now, busy ones after
   * their tasks); shrinking ends the threads, or parks them warm with { park: true }.
   */
  resize(size: number, options: ResizeOptions = {}): void {
    if (this.destroyed) throw new LabError('cancelled', `The ${this.poolName} pool has been shut down; it cannot be resized.`)
    this.targetSize = checkedSize(size)
    for (const slot of this.slots) {
      if (this.activeCount() >= this.targetSize) break
      slot.retiring = undefined
    }
    while (this.activeCount() < this.targetSize && this.parked.length > 0) {
      const slot = this.parked.pop()!
      slot.state = 'ready'
      this.slots.push(slot)
      this.release(slot)
    }
    let excess = this.activeCount() - this.targetSize
    const retire = options.park ? 'park' : 'stop'
    for (const pass of ['starting', 'idle', 'busy'] as const) {
      for (const slot of [...this.slots]) {
        if (excess <= 0) break
        if (slot.retiring) continue
        const idle = slot.state === 'ready' && slot.inFlight.length === 0
        const matches = pass === 'starting' ? slot.state === 'starting' : pass === 'idle' ? idle : slot.state === 'ready' && !idle
        if (!matches) continue
        if (pass === 'idle') {
          if (retire === 'park') this.park(slot)
          else this.stop(slot)
        } else if (pass === 'starting' && retire === 'stop') this.stop(slot)
        else slot.retiring = retire
        excess--
      }
    }
    this.replenish()
    this.dispatchQueued()
    this.checkReady()
  }

  /** Fails every queued and running task, terminates every thread and waits until all have exited. */
  async destroy(): Promise<void> {
    if (!this.destroyed) {
      this.destroyed = true
      const error = new LabError('cancelled', `The ${this.poolName} pool was shut down before the task finished.`)
      this.failQueued(error)
      for (const slot of [...this.slots, ...this.parked]) {
        for (const task of slot.inFlight.splice(0)) task.fail(error)
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
    const wake = new SharedArrayBuffer(4)
    const worker = new Worker(this.filename, { resourceLimits: this.resourceLimits, workerData: { [WAKE_COUNTER_KEY]: wake } })
    const slot = new WorkerSlot(worker, createdAtMs, new Int32Array(wake))
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
    const inFlight = slot.inFlight
    const index = inFlight[0]?.id === message.id ? 0 : inFlight.findIndex((t) => t.id === message.id)
    if (index < 0 || slot.state !== 'ready') return // a late reply from a thread being stopped
    const task = inFlight[index]!
    if (index === 0) inFlight.shift()
    else inFlight.splice(index, 1)
    task.startedAtMs = message.startedAtMs + slot.clockOffsetMs
    task.finishedAtMs = message.finishedAtMs + slot.clockOffsetMs
    task.settledAtMs = performance.now()
    // Hand the thread its next task before settling this one, so it does not wait for our callbacks.
    this.release(slot)
    if (message.type === 'done') task.succeed(message.value)
    else task.fail(fromErrorData(message.error))
  }

  private onReady(slot: WorkerSlot, timeOriginMs: number): void {
    if (slot.state !== 'starting') return
    slot.state = 'ready'
    slot.readyAtMs = performance.now()
    slot.clockOffsetMs = timeOriginMs - performance.timeOrigin
    this.release(slot)
    this.checkReady()
  }

  /** A thread answered (or became ready): give it the next task, list it as free, or retire it. */
  private release(slot: WorkerSlot): void {
    if (slot.retiring) {
      if (slot.inFlight.length === 0) {
        if (slot.retiring === 'park') this.park(slot)
        else this.stop(slot)
      }
      return
    }
    if (slot.inFlight.length === 0) {
      const next = this.takeQueued()
      if (next) this.send(slot, next)
    }
    if (this.depth > 1) this.pipeline()
    if (slot.inFlight.length === 0 && !slot.listedIdle) {
      slot.listedIdle = true
      this.idle.push(slot)
    }
  }

  private send(slot: WorkerSlot, task: PoolTask): void {
    slot.inFlight.push(task)
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
    Atomics.add(slot.wake, 0, 1)
    Atomics.notify(slot.wake, 0, 1)
    if (this.depth > 1 && slot.inFlight.length < this.depth && !slot.listedOpen) {
      slot.listedOpen = true
      this.open.push(slot)
    }
  }

  /** Sends busy threads a task ahead, while more tasks wait than there are threads. */
  private pipeline(): void {
    while (this.queue.length - this.queueHead > this.slots.length) {
      const slot = this.takeOpen()
      if (!slot) return
      const task = this.takeQueued()
      if (!task) return
      this.send(slot, task)
    }
  }

  /** After threads came free in bulk (resize, requeue): match them with queued tasks. */
  private dispatchQueued(): void {
    while (this.queue.length > this.queueHead) {
      const slot = this.takeIdle()
      if (!slot) break
      const task = this.takeQueued()
      if (!task) {
        slot.listedIdle = true
        this.idle.push(slot)
        return
      }
      this.send(slot, task)
    }
    if (this.depth > 1) this.pipeline()
  }

  private takeIdle(): WorkerSlot | undefined {
    for (let slot = this.idle.pop(); slot; slot = this.idle.pop()) {
      slot.listedIdle = false
      if (slot.state === 'ready' && !slot.retiring && slot.inFlight.length === 0) return slot
    }
    return undefined
  }

  private takeOpen(): WorkerSlot | undefined {
    for (let slot = this.open.pop(); slot; slot = this.open.pop()) {
      slot.listedOpen = false
      const held = slot.inFlight.length
      if (slot.state === 'ready' && !slot.retiring && held > 0 && held < this.depth) return slot
    }
    return undefined
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

  /** Puts tasks a lost thread held back at the front of the queue, in their order. */
  private requeueFront(tasks: readonly PoolTask[]): void {
    for (let i = tasks.length - 1; i >= 0; i--) {
      const task = tasks[i]!
      if (task.settled) continue
      task.slot = undefined
      task.threadId = -1
      task.sentAtMs = Number.NaN
      if (this.queueHead > 0) this.queue[--this.queueHead] = task
      else this.queue.unshift(task)
    }
  }

  private failQueued(error: LabError): void {
    for (let task = this.takeQueued(); task; task = this.takeQueued()) task.fail(error)
  }

  private abortTask(task: PoolTask): void {
    if (task.settled) return
    const slot = task.slot
    task.fail(cancelledTaskError())
    if (slot && slot.inFlight.includes(task)) {
      // The only way to stop code a thread runs (or is about to run) is to end the thread.
      const others = slot.inFlight.splice(0).filter((t) => t !== task)
      this.stop(slot)
      this.requeueFront(others)
      this.replenish()
      this.dispatchQueued()
    }
  }

  private park(slot: WorkerSlot): void {
    slot.state = 'parked'
    slot.retiring = undefined
    this.forget(slot)
    this.parked.push(slot)
    this.checkReady()
  }

  /** Terminates a thread that no longer counts towards the size; its exit is awaited in destroy(). */
  private stop(slot: WorkerSlot): void {
    if (slot.state === 'stopping' || slot.state === 'exited') return
    slot.state = 'stopping'
    this.forget(slot)
    const parkedIndex = this.parked.indexOf(slot)
    if (parkedIndex >= 0) this.parked.splice(parkedIndex, 1)
    slot.worker.terminate().catch(() => {})
    this.checkReady()
  }

  /** Takes a thread out of the working set (the idle and open stacks drop it lazily by its state). */
  private forget(slot: WorkerSlot): void {
    const index = this.slots.indexOf(slot)
    if (index >= 0) this.slots.splice(index, 1)
  }

  private onExit(slot: WorkerSlot, exitCode: number): void {
    const expected = slot.state === 'stopping'
    const wasReady = !Number.isNaN(slot.readyAtMs)
    slot.state = 'exited'
    this.forget(slot)
    const parkedIndex = this.parked.indexOf(slot)
    if (parkedIndex >= 0) this.parked.splice(parkedIndex, 1)
    this.living.delete(slot)
    livePoolThreadsTotal--
    const held = slot.inFlight.splice(0)
    if (!expected && !this.destroyed) {
      const running = held.find((t) => !t.settled)
      const error = this.crashError(slot, exitCode, running, wasReady)
      running?.fail(error)
      this.requeueFront(held.filter((t) => t !== running))
      if (wasReady) this.replenish()
      else this.startFailure = error // a thread that cannot start is not restarted in a loop
      if (this.slots.length === 0 && this.startFailure) this.failQueued(this.startFailure)
      else this.dispatchQueued()
    }
    this.checkReady()
  }

  private onReplyLost(slot: WorkerSlot, error: Error): void {
    const task = slot.inFlight.shift()
    if (!task) return
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
