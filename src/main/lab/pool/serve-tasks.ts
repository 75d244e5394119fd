import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads'
import { performance } from 'node:perf_hooks'
import { LabError, toErrorData } from '../../../shared/errors'
import { WAKE_COUNTER_KEY, type DoneMessage, type FailedMessage, type ReadyMessage, type TaskHandlers, type TaskMap, type TaskMessage } from './protocol'

/**
 * The worker side of the pool protocol: runs each task with its kind's handler and replies
 * with the task id, the value (or the error as data) and when it ran. Call once, in a worker entry.
 *
 * While no task is running, the thread watches the pool's wake counter for 50 µs, then sleeps in
 * Atomics.wait on it, and reads the next task with receiveMessageOnPort (as piscina does): a
 * quicker wake-up than the event loop's. The short watch halved the no-op round trip. The catch: timers or callbacks a task leaves running after it has answered do
 * not run until the next task arrives, so handlers must finish their work before they return.
 */
const SPIN_BEFORE_SLEEP_MS = 0.05

export function serveTasks<M extends TaskMap>(handlers: TaskHandlers<M>): void {
  const port = parentPort
  if (!port) throw new Error('serveTasks() must run inside a worker thread.')
  const shared = (workerData as Record<string, unknown> | null)?.[WAKE_COUNTER_KEY]
  const wake = shared instanceof SharedArrayBuffer ? new Int32Array(shared) : undefined
  // One reply object per kind of reply, reused: postMessage copies it at once.
  const done: DoneMessage = { type: 'done', id: 0, value: undefined, startedAtMs: 0, finishedAtMs: 0 }
  const failed: FailedMessage = { type: 'failed', id: 0, error: { name: '', message: '' }, startedAtMs: 0, finishedAtMs: 0 }
  let running = 0
  let waiting = false
  let lastSeenWake = 0

  const reply = (id: number, value: unknown, startedAtMs: number): void => {
    done.id = id
    done.value = value
    done.startedAtMs = startedAtMs
    done.finishedAtMs = performance.now()
    port.postMessage(done)
    done.value = undefined
  }
  const fail = (id: number, error: unknown, startedAtMs: number): void => {
    failed.id = id
    failed.error = toErrorData(error)
    failed.startedAtMs = startedAtMs
    failed.finishedAtMs = performance.now()
    port.postMessage(failed)
  }

  /** Sleeps until the pool sends a task, and runs tasks while they come, until one is async. */
  const waitForTasks = (): void => {
    if (!wake || waiting) return
    waiting = true
    while (running === 0) {
      // With one task per thread the next one comes a round trip after our reply: look for it a
      // few microseconds before sleeping, since a futex sleep and wake-up cost more than that.
      const spinUntil = performance.now() + SPIN_BEFORE_SLEEP_MS
      while (Atomics.load(wake, 0) === lastSeenWake && performance.now() < spinUntil);
      Atomics.wait(wake, 0, lastSeenWake)
      lastSeenWake = Atomics.load(wake, 0)
      for (let entry = receiveMessageOnPort(port); entry; entry = receiveMessageOnPort(port)) runTask(entry.message as TaskMessage)
    }
    waiting = false
  }

  const runTask = (message: TaskMessage): void => {
    const startedAtMs = performance.now()
    const handler = (handlers as Record<string, ((input: unknown) => unknown) | undefined>)[message.kind]
    if (!handler) return fail(message.id, new LabError('internal', `This worker has no task kind "${message.kind}"; it knows ${Object.keys(handlers).join(', ')}.`), startedAtMs)
    let value: unknown
    try {
      value = handler(message.input)
    } catch (error) {
      return fail(message.id, error, startedAtMs)
    }
    if (value instanceof Promise) {
      const id = message.id
      running++
      value.then(
        (settled) => {
          running--
          reply(id, settled, startedAtMs)
          waitForTasks()
        },
        (error: unknown) => {
          running--
          fail(id, error, startedAtMs)
          waitForTasks()
        },
      )
    } else {
      reply(message.id, value, startedAtMs)
    }
  }

  port.on('message', (message: TaskMessage) => {
    runTask(message)
    waitForTasks()
  })
  const ready: ReadyMessage = { type: 'ready', timeOriginMs: performance.timeOrigin }
  port.postMessage(ready)
  // Let the event loop finish starting up (the message listener), then sleep until a task comes.
  setImmediate(waitForTasks)
}
