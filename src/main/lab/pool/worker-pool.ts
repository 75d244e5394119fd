import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { performance } from 'node:perf_hooks'
import type { ResourceLimits } from 'node:worker_threads'
import type { LabError } from '../../../shared/errors'
import { FifoQueue } from './fifo-queue'
import { FreeSlots } from './free-slots'
import { cancelledTaskError, fromErrorData, missingWorkerFileError, replyLostError, shutDownError, threadLostError, threadNotCreatedError } from './pool-errors'
import { PoolTask, type AbortHandler } from './pool-task'
import { PoolThreads } from './pool-threads'
import { checkedPoolSize, checkedTasksPerThread, type PoolOptions, type PoolStartup, type ResizeOptions, type RunOptions, type TaskRun } from './pool-types'
import type { TaskMap, WorkerMessage } from './protocol'
import { batchStartup, WorkerSlot, type SlotEvents } from './worker-slot'

export type { PoolOptions, PoolStartup, ResizeOptions, RunOptions, TaskRun } from './pool-types'
export { livePoolThreads } from './worker-slot'

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
export class WorkerPool<M extends TaskMap> {
  private readonly filename: string
  private readonly resourceLimits: ResourceLimits | undefined
  private readonly poolName: string
  private readonly depth: number
  private targetSize: number
  private readonly threads = new PoolThreads()
  private readonly free: FreeSlots
  private readonly queue = new FifoQueue<PoolTask>((task) => task.settled)
  private lastTaskId = 0
  private destroyed = false
  private spawnScheduled = false
  private batchStartedAtMs = Number.NaN
  private startFailure: LabError | undefined = undefined
  private readyWaiters: { resolve: (startup: PoolStartup) => void; reject: (error: LabError) => void }[] = []
  private readonly onTaskAbort: AbortHandler = (task) => this.abortTask(task)
  private readonly slotEvents: SlotEvents = {
    onMessage: (slot, message) => this.onMessage(slot, message),
    onExit: (slot, exitCode) => this.onExit(slot, exitCode),
    onReplyLost: (slot, error) => this.onReplyLost(slot, error),
  }

  constructor(options: PoolOptions) {
    this.poolName = options.name ?? 'worker'
    if (!existsSync(options.filename)) throw missingWorkerFileError(this.poolName, options.filename)
    this.filename = options.filename
    this.resourceLimits = options.resourceLimits
    this.targetSize = checkedPoolSize(options.size ?? availableParallelism())
    this.depth = checkedTasksPerThread(options.tasksPerThread ?? 1)
    this.free = new FreeSlots(this.depth)
    this.replenish()
  }

  /** The number of threads the pool keeps working. */
  get size(): number {
    return this.targetSize
  }

  /** Threads that exist now: working, parked, or being stopped. */
  get threadCount(): number {
    return this.threads.living.size
  }

  get parkedCount(): number {
    return this.threads.parked.length
  }

  /** Tasks waiting for a thread. */
  get queuedCount(): number {
    return this.queue.liveCount()
  }

  /** Threads holding at least one task. */
  get busyCount(): number {
    return this.threads.working.filter((s) => s.inFlight.length > 0).length
  }

  /** The working threads (not parked). */
  get threadIds(): number[] {
    return this.threads.working.map((s) => s.threadId)
  }

  /** Runs a task of `kind` on the next free thread. */
  run<K extends keyof M & string>(kind: K, input: M[K]['input'], options?: RunOptions): Promise<TaskRun<M[K]['output']>> {
    if (this.destroyed) return Promise.reject(shutDownError(this.poolName, 'run'))
    const signal = options?.signal
    if (signal?.aborted) return Promise.reject(cancelledTaskError())
    const task = new PoolTask(++this.lastTaskId, kind, input, options?.transferList, signal, performance.now(), this.onTaskAbort)
    const promise = new Promise<TaskRun<unknown>>((resolve, reject) => {
      task.resolve = resolve
      task.reject = reject
    })
    signal?.addEventListener('abort', task)
    const slot = this.free.takeIdle()
    if (slot) this.send(slot, task)
    else {
      this.queue.push(task)
      if (this.threads.working.length === 0 && this.startFailure) task.fail(this.startFailure)
      else if (this.depth > 1) this.pipeline()
    }
    return promise as Promise<TaskRun<M[K]['output']>>
  }

  /** Resolves when every working thread is ready, with the start-up of the latest batch of threads. */
  ready(): Promise<PoolStartup> {
    if (this.destroyed) return Promise.reject(shutDownError(this.poolName, 'ready'))
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
    if (this.destroyed) throw shutDownError(this.poolName, 'resize')
    this.targetSize = checkedPoolSize(size)
    const threads = this.threads
    for (const slot of threads.working) {
      if (threads.activeCount() >= this.targetSize) break
      slot.retiring = undefined
    }
    while (threads.activeCount() < this.targetSize) {
      const slot = threads.unpark()
      if (!slot) break
      this.release(slot)
    }
    let excess = threads.activeCount() - this.targetSize
    const retire = options.park ? 'park' : 'stop'
    for (const pass of ['starting', 'idle', 'busy'] as const) {
      for (const slot of [...threads.working]) {
        if (excess <= 0) break
        if (slot.retiring) continue
        const idle = slot.state === 'ready' && slot.inFlight.length === 0
        const matches = pass === 'starting' ? slot.state === 'starting' : pass === 'idle' ? idle : slot.state === 'ready' && !idle
        if (!matches) continue
        if (pass === 'idle') this.retire(slot, retire)
        else if (pass === 'starting' && retire === 'stop') this.stop(slot)
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
      const error = shutDownError(this.poolName, 'pending')
      this.failQueued(error)
      for (const slot of [...this.threads.working, ...this.threads.parked]) {
        for (const task of slot.inFlight.splice(0)) task.fail(error)
        this.stop(slot)
      }
      for (const waiter of this.readyWaiters.splice(0)) waiter.reject(error)
    }
    await Promise.all([...this.threads.living].map((slot) => slot.exited))
  }

  /**
   * Starts the threads the size asks for, one per turn of the event loop: `new Worker` holds
   * this thread for a few ms, and a burst of them would stall everything else it does.
   */
  private replenish(): void {
    if (this.destroyed || this.threads.activeCount() >= this.targetSize) return
    try {
      this.spawn()
    } catch (error) {
      // The thread could not even be created (out of memory, too many threads): stop trying.
      this.startFailure = threadNotCreatedError(this.poolName, error as Error)
      if (this.threads.working.length === 0) this.failQueued(this.startFailure)
      this.checkReady()
      return
    }
    if (this.threads.activeCount() < this.targetSize && !this.spawnScheduled) {
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
    if (!this.threads.anyStarting()) this.batchStartedAtMs = createdAtMs
    this.threads.add(new WorkerSlot(this.filename, this.resourceLimits, createdAtMs, this.slotEvents))
  }

  private onMessage(slot: WorkerSlot, message: WorkerMessage): void {
    if (message.type === 'ready') {
      if (!slot.markReady(message.timeOriginMs)) return
      this.release(slot)
      this.checkReady()
      return
    }
    const task = slot.takeAnswered(message)
    if (!task) return
    // Hand the thread its next task before settling this one, so it does not wait for our callbacks.
    this.release(slot)
    if (message.type === 'done') task.succeed(message.value)
    else task.fail(fromErrorData(message.error))
  }

  /** A thread answered (or became ready): give it the next task, list it as free, or retire it. */
  private release(slot: WorkerSlot): void {
    if (slot.retiring) {
      if (slot.inFlight.length === 0) this.retire(slot, slot.retiring)
      return
    }
    if (slot.inFlight.length === 0) {
      const next = this.queue.shift()
      if (next) this.send(slot, next)
    }
    if (this.depth > 1) this.pipeline()
    if (slot.inFlight.length === 0) this.free.listIdle(slot)
  }

  private send(slot: WorkerSlot, task: PoolTask): void {
    slot.inFlight.push(task)
    task.slot = slot
    task.threadId = slot.threadId
    slot.post(task)
    if (this.depth > 1) this.free.listOpen(slot)
  }

  /** Sends busy threads a task ahead, while more tasks wait than there are threads. */
  private pipeline(): void {
    while (this.queue.length > this.threads.working.length) {
      const slot = this.free.takeOpen()
      if (!slot) return
      const task = this.queue.shift()
      if (!task) return
      this.send(slot, task)
    }
  }

  /** After threads came free in bulk (resize, requeue): match them with queued tasks. */
  private dispatchQueued(): void {
    while (this.queue.length > 0) {
      const slot = this.free.takeIdle()
      if (!slot) break
      const task = this.queue.shift()
      if (!task) {
        this.free.listIdle(slot)
        return
      }
      this.send(slot, task)
    }
    if (this.depth > 1) this.pipeline()
  }

  /** Puts tasks a lost thread held back at the front of the queue, in their order. */
  private requeueFront(tasks: readonly PoolTask[]): void {
    for (let i = tasks.length - 1; i >= 0; i--) {
      const task = tasks[i]!
      if (task.settled) continue
      task.unassign()
      this.queue.unshift(task)
    }
  }

  private failQueued(error: LabError): void {
    for (let task = this.queue.shift(); task; task = this.queue.shift()) task.fail(error)
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

  private retire(slot: WorkerSlot, how: 'park' | 'stop'): void {
    if (how === 'park') {
      this.threads.park(slot)
      this.checkReady()
    } else this.stop(slot)
  }

  /** Terminates a thread that no longer counts towards the size; its exit is awaited in destroy(). */
  private stop(slot: WorkerSlot): void {
    if (this.threads.stop(slot)) this.checkReady()
  }

  private onExit(slot: WorkerSlot, exitCode: number): void {
    const expected = slot.state === 'stopping'
    const wasReady = !Number.isNaN(slot.readyAtMs)
    this.threads.exited(slot)
    const held = slot.inFlight.splice(0)
    if (!expected && !this.destroyed) {
      const running = held.find((t) => !t.settled)
      const memoryLimitMb = this.resourceLimits?.maxOldGenerationSizeMb
      const error = threadLostError({ poolName: this.poolName, threadId: slot.threadId, exitCode, crash: slot.crash, taskKind: running?.kind, wasReady, memoryLimitMb })
      running?.fail(error)
      this.requeueFront(held.filter((t) => t !== running))
      if (wasReady) this.replenish()
      else this.startFailure = error // a thread that cannot start is not restarted in a loop
      if (this.threads.working.length === 0 && this.startFailure) this.failQueued(this.startFailure)
      else this.dispatchQueued()
    }
    this.checkReady()
  }

  private onReplyLost(slot: WorkerSlot, error: Error): void {
    const task = slot.inFlight.shift()
    if (!task) return
    this.release(slot)
    task.fail(replyLostError(task.kind, slot.threadId, error))
  }

  private checkReady(): void {
    if (this.destroyed || this.readyWaiters.length === 0 || this.spawnScheduled || this.threads.anyStarting()) return
    const waiters = this.readyWaiters.splice(0)
    if (this.threads.working.length === 0 && this.startFailure) {
      for (const waiter of waiters) waiter.reject(this.startFailure)
      return
    }
    const startup = batchStartup(this.threads.working, this.batchStartedAtMs)
    for (const waiter of waiters) waiter.resolve(startup)
  }
}
