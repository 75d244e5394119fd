import { performance } from 'node:perf_hooks'
import type { TransferListItem } from 'node:worker_threads'
import type { LabError } from '../../../shared/errors'
import type { TaskRun } from './pool-types'
import type { WorkerSlot } from './worker-slot'

export type AbortHandler = (task: PoolTask) => void

/** A task from run() until it settles: what to send, where it went, and the promise to settle. */
export class PoolTask implements TaskRun<unknown> {
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

  /** Back in the queue after the thread it was sent to was lost. */
  unassign(): void {
    this.slot = undefined
    this.threadId = -1
    this.sentAtMs = Number.NaN
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
