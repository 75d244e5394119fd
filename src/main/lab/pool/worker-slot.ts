import { performance } from 'node:perf_hooks'
import { Worker, type ResourceLimits } from 'node:worker_threads'
import type { PoolTask } from './pool-task'
import type { PoolStartup } from './pool-types'
import { WAKE_COUNTER_KEY, type DoneMessage, type FailedMessage, type TaskMessage, type WorkerMessage } from './protocol'
import { createLowered } from '../workers/priority'

export type SlotState = 'starting' | 'ready' | 'parked' | 'stopping' | 'exited'

/** What a thread tells its pool. */
export interface SlotEvents {
  onMessage(slot: WorkerSlot, message: WorkerMessage): void
  /** The thread exited, asked to or not. */
  onExit(slot: WorkerSlot, exitCode: number): void
  /** A reply from the thread could not be deserialised. */
  onReplyLost(slot: WorkerSlot, error: Error): void
}

let livingThreads = 0
/** Threads of every pool in this process that have not exited yet: for leak checks. */
export const livePoolThreads = (): number => livingThreads

/** One worker thread of a pool: its state, the tasks it holds, and its clock. */
export class WorkerSlot {
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
  private clockOffsetMs = 0
  /** The error the worker emitted before it exited, if any. */
  crash: Error | undefined = undefined
  readonly worker: Worker
  readonly threadId: number
  readonly exited: Promise<void>
  /** Counted up and notified with every task sent, for a worker asleep in Atomics.wait. */
  private readonly wake: Int32Array
  /** Reused for every task sent to this worker: postMessage copies it at once. */
  private readonly outbox: TaskMessage = { id: 0, kind: '', input: undefined }

  /** Creates the thread (it may throw: out of memory, too many threads). */
  constructor(filename: string, resourceLimits: ResourceLimits | undefined, readonly createdAtMs: number, events: SlotEvents) {
    const wake = new SharedArrayBuffer(4)
    this.worker = createLowered(() => new Worker(filename, { resourceLimits, workerData: { [WAKE_COUNTER_KEY]: wake } }))
    this.wake = new Int32Array(wake)
    this.threadId = this.worker.threadId
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code: number) => {
        livingThreads--
        events.onExit(this, code)
        resolve()
      })
    })
    this.worker.on('message', (message: WorkerMessage) => events.onMessage(this, message))
    this.worker.on('error', (error: Error) => {
      this.crash ??= error
    })
    this.worker.on('messageerror', (error: Error) => events.onReplyLost(this, error))
    livingThreads++
  }

  /** The thread said it is ready: false if it was not starting (then nothing changes). */
  markReady(timeOriginMs: number): boolean {
    if (this.state !== 'starting') return false
    this.state = 'ready'
    this.readyAtMs = performance.now()
    this.clockOffsetMs = timeOriginMs - performance.timeOrigin
    return true
  }

  /** Posts the task to the thread (stamping when it was sent) and wakes the thread if it sleeps. */
  post(task: PoolTask): void {
    const outbox = this.outbox
    outbox.id = task.id
    outbox.kind = task.kind
    outbox.input = task.input
    task.sentAtMs = performance.now()
    if (task.transferList) this.worker.postMessage(outbox, task.transferList)
    else this.worker.postMessage(outbox)
    outbox.input = undefined
    Atomics.add(this.wake, 0, 1)
    Atomics.notify(this.wake, 0, 1)
  }

  /**
   * Takes the task a reply answers out of the tasks in flight, with its times on the pool's clock;
   * undefined for a late reply from a thread being stopped.
   */
  takeAnswered(reply: DoneMessage | FailedMessage): PoolTask | undefined {
    const inFlight = this.inFlight
    const index = inFlight[0]?.id === reply.id ? 0 : inFlight.findIndex((t) => t.id === reply.id)
    if (index < 0 || this.state !== 'ready') return undefined
    const task = inFlight[index]!
    if (index === 0) inFlight.shift()
    else inFlight.splice(index, 1)
    task.startedAtMs = reply.startedAtMs + this.clockOffsetMs
    task.finishedAtMs = reply.finishedAtMs + this.clockOffsetMs
    task.settledAtMs = performance.now()
    return task
  }
}

/** The start-up of the threads created since `batchStartedAtMs` (the latest batch). */
export function batchStartup(slots: readonly WorkerSlot[], batchStartedAtMs: number): PoolStartup {
  const batch = slots.filter((s) => s.createdAtMs >= batchStartedAtMs).sort((a, b) => a.createdAtMs - b.createdAtMs)
  return {
    workers: batch.length,
    allReadyMs: batch.length > 0 ? Math.max(...batch.map((s) => s.readyAtMs)) - batchStartedAtMs : 0,
    readyMs: batch.map((s) => s.readyAtMs - s.createdAtMs),
  }
}
