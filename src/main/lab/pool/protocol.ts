import type { LabErrorData } from '../../../shared/errors'

/**
 * The messages between the pool (main thread) and its workers, declared once for both sides.
 * A worker runs one task at a time; every reply names the task id it answers.
 */

/**
 * workerData key of the wake counter (an Int32Array's SharedArrayBuffer): the pool adds one
 * and notifies after every task it sends, so an idle worker can sleep in Atomics.wait and take
 * the task with receiveMessageOnPort, which wakes faster than the event loop's message event.
 */
export const WAKE_COUNTER_KEY = 'concurrencyLabWakeCounter'

/** The task kinds a worker serves: each kind's input and output. */
export type TaskMap = Record<string, { input: unknown; output: unknown }>

/** What a worker entry provides: one handler per task kind (sync or async). */
export type TaskHandlers<M extends TaskMap> = { [K in keyof M]: (input: M[K]['input']) => M[K]['output'] | Promise<M[K]['output']> }

/** The task map a set of handlers serves, so the pool's types follow the worker's code. */
export type TasksOf<H extends Record<string, (input: never) => unknown>> = {
  [K in keyof H]: { input: Parameters<H[K]>[0]; output: Awaited<ReturnType<H[K]>> }
}

/** Pool → worker: run this task. */
export interface TaskMessage {
  id: number
  kind: string
  input: unknown
}

/** Worker → pool, once its handlers are in place. `timeOriginMs` aligns its clock with the pool's. */
export interface ReadyMessage {
  type: 'ready'
  timeOriginMs: number
}

/** Worker → pool: the task finished. Times are the worker's performance.now(). */
export interface DoneMessage {
  type: 'done'
  id: number
  value: unknown
  startedAtMs: number
  finishedAtMs: number
}

/** Worker → pool: the task's handler threw (the worker lives on). */
export interface FailedMessage {
  type: 'failed'
  id: number
  error: LabErrorData
  startedAtMs: number
  finishedAtMs: number
}

export type WorkerMessage = ReadyMessage | DoneMessage | FailedMessage
