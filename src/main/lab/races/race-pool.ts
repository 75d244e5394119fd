import { existsSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { Worker } from 'node:worker_threads'
import { LabError, cancelledError } from '../../../shared/errors'
import { COUNTER_CELL, RELEASED, START_CELL, newCounterCells } from './counter-cells'
import type { RaceWorkerMode } from './increment'
import type { TrialRequest, WorkerReply } from './protocol'
import { newRendezvousBuffer, newTraceLogBuffer, traceLogViews, type TraceLogViews } from './trace-buffer'
import { createLowered } from '../workers/priority'

interface WorkerSpan {
  /** Epoch ms just after the worker was released. */
  startedAtMs: number
  /** Epoch ms just after its last increment. */
  endedAtMs: number
}

export interface NodeTrialOutcome {
  mode: RaceWorkerMode
  increments: number
  expected: number
  found: number
  /** Epoch ms when the parent released the workers. */
  releasedAtMs: number
  /** From the release to the last worker's last increment. */
  durationMs: number
  workers: WorkerSpan[]
}

/** A traced trial: each worker's log, in increment order, read in place (times in epoch ms). */
export interface NodeTracedTrial extends NodeTrialOutcome {
  logs: TraceLogViews[]
}

const epochMs = (): number => performance.timeOrigin + performance.now()

let liveWorkers = 0
/** Race worker threads that exist right now, in this process (the tests check cancel with it). */
export const liveRaceWorkerCount = (): number => liveWorkers

interface Waiter {
  resolve(reply: WorkerReply): void
  reject(error: Error): void
}

/** One worker thread and the replies it owes, matched by type and trial id. */
class RaceWorker {
  private readonly waiters = new Map<string, Waiter>()
  private failure: Error | undefined
  readonly exited: Promise<void>

  constructor(readonly thread: Worker, readonly index: number) {
    liveWorkers++
    thread.on('message', (reply: WorkerReply) => this.route(reply))
    thread.on('error', (error) => this.fail(new LabError('worker-failed', `Race worker ${index + 1} failed: ${error.message}`)))
    this.exited = new Promise((resolve) => {
      thread.once('exit', (code) => {
        liveWorkers--
        this.fail(new LabError('worker-failed', `Race worker ${index + 1} stopped (exit code ${code}).`))
        resolve()
      })
    })
  }

  /** Register before posting, so that a quick reply is never missed. */
  next<T extends WorkerReply['type']>(type: T, trialId?: number): Promise<Extract<WorkerReply, { type: T }>> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      this.waiters.set(`${type}:${trialId ?? ''}`, { resolve: resolve as Waiter['resolve'], reject })
    })
  }

  post(request: TrialRequest): void {
    this.thread.postMessage(request)
  }

  private route(reply: WorkerReply): void {
    if (reply.type === 'failed') {
      const error = new LabError('worker-failed', `Race worker ${this.index + 1} failed in trial ${reply.trialId}: ${reply.message}`)
      for (const type of ['ready', 'done'] as const) this.take(`${type}:${reply.trialId}`)?.reject(error)
      return
    }
    this.take(`${reply.type}:${'trialId' in reply ? reply.trialId : ''}`)?.resolve(reply)
  }

  private take(key: string): Waiter | undefined {
    const waiter = this.waiters.get(key)
    this.waiters.delete(key)
    return waiter
  }

  private fail(error: Error): void {
    this.failure ??= error
    for (const waiter of this.waiters.values()) waiter.reject(this.failure)
    this.waiters.clear()
  }
}

/** Rejects with "cancelled" when the signal aborts; `dispose` removes the listener. */
function abortable(signal: AbortSignal, onAbort: () => void): { aborted: Promise<never>; dispose(): void } {
  let listener = (): void => {}
  const aborted = new Promise<never>((_, reject) => {
    listener = () => {
      onAbort()
      reject(cancelledError())
    }
    if (signal.aborted) listener()
    else signal.addEventListener('abort', listener, { once: true })
  })
  aborted.catch(() => {})
  return { aborted, dispose: () => signal.removeEventListener('abort', listener) }
}

/**
 * W worker threads that race on one counter, trial after trial. Cancelling terminates every
 * thread at once, even one in the middle of a hundred million increments or asleep in a lock.
 * The parent never blocks: it waits for messages, and only ever notifies.
 */
export class RaceWorkerPool {
  private nextTrialId = 1
  private terminating: Promise<void> | undefined

  private constructor(private readonly workers: RaceWorker[]) {}

  static async start(options: { count: number; workerFile: string; signal: AbortSignal }): Promise<RaceWorkerPool> {
    if (!existsSync(options.workerFile)) {
      throw new LabError('not-available', `The race worker was not found at ${options.workerFile}. Build the app first (npx electron-vite build).`)
    }
    if (options.signal.aborted) throw cancelledError()
    // one thread per turn of the event loop, as the compute pool does: `new Worker` holds this thread for
    // a few ms (more in a big process), and a burst of them would stall everything else the app does
    const workers: RaceWorker[] = []
    for (let i = 0; i < options.count && !options.signal.aborted; i++) {
      if (i > 0) await nextTurn()
      workers.push(new RaceWorker(createLowered(() => new Worker(options.workerFile)), i))
    }
    const pool = new RaceWorkerPool(workers)
    if (options.signal.aborted) {
      await pool.terminate()
      throw cancelledError()
    }
    const guard = abortable(options.signal, () => void pool.terminate())
    try {
      await Promise.race([Promise.all(pool.workers.map((w) => w.next('loaded'))), guard.aborted])
      return pool
    } catch (error) {
      await pool.terminate()
      throw error
    } finally {
      guard.dispose()
    }
  }

  get size(): number {
    return this.workers.length
  }

  /** Every worker increments `increments` times, all released together by the start barrier. */
  runTrial(mode: RaceWorkerMode, increments: number, signal: AbortSignal): Promise<NodeTrialOutcome> {
    return this.trial(this.workers, mode, increments, signal, () => undefined)
  }

  /**
   * The first `workerCount` workers increment `increments` times each, every one logging what it
   * read and wrote into its own shared buffer; a trial apart from the measured ones.
   */
  async runTracedTrial(mode: RaceWorkerMode, increments: number, workerCount: number, signal: AbortSignal): Promise<NodeTracedTrial> {
    const racers = this.workers.slice(0, Math.max(1, workerCount))
    const rendezvous = newRendezvousBuffer()
    const logs = racers.map(() => newTraceLogBuffer(increments))
    const outcome = await this.trial(racers, mode, increments, signal, (k) => ({ log: logs[k]!, rendezvous, workers: racers.length }))
    return { ...outcome, logs: logs.map((buffer) => traceLogViews(buffer, increments)) }
  }

  private async trial(racers: RaceWorker[], mode: RaceWorkerMode, increments: number, signal: AbortSignal, traceOf: (k: number) => TrialRequest['trace']): Promise<NodeTrialOutcome> {
    if (this.terminating) throw new LabError('internal', 'The race pool was already terminated.')
    const trialId = this.nextTrialId++
    const cells = newCounterCells()
    const guard = abortable(signal, () => void this.terminate())
    try {
      const ready = racers.map((w) => w.next('ready', trialId))
      const done = racers.map((w) => w.next('done', trialId))
      done.forEach((p) => p.catch(() => {}))
      racers.forEach((worker, k) => worker.post({ type: 'trial', trialId, buffer: cells.buffer as SharedArrayBuffer, mode, increments, trace: traceOf(k) }))
      await Promise.race([Promise.all(ready), guard.aborted])

      const releasedAtMs = epochMs()
      Atomics.store(cells, START_CELL, RELEASED)
      Atomics.notify(cells, START_CELL)

      const replies = await Promise.race([Promise.all(done), guard.aborted])
      const workers = replies.map(({ startedAtMs, endedAtMs }) => ({ startedAtMs, endedAtMs }))
      return {
        mode,
        increments,
        expected: increments * racers.length,
        found: Atomics.load(cells, COUNTER_CELL),
        releasedAtMs,
        durationMs: Math.max(...workers.map((w) => w.endedAtMs)) - releasedAtMs,
        workers,
      }
    } catch (error) {
      if (signal.aborted) {
        await this.terminate()
        throw cancelledError()
      }
      throw error
    } finally {
      guard.dispose()
    }
  }

  /** Terminates every thread at once; resolves when all have exited. Safe to call twice. */
  terminate(): Promise<void> {
    this.terminating ??= Promise.all(
      this.workers.map(async (w) => {
        await w.thread.terminate()
        await w.exited
      }),
    ).then(() => undefined)
    return this.terminating
  }
}
