import { parentPort } from 'node:worker_threads'
import { performance } from 'node:perf_hooks'
import { LabError, toErrorData } from '../../../shared/errors'
import type { DoneMessage, FailedMessage, ReadyMessage, TaskHandlers, TaskMap, TaskMessage } from './protocol'

/**
 * The worker side of the pool protocol: runs each task with its kind's handler and replies
 * with the task id, the value (or the error as data) and when it ran. Call once, in a worker entry.
 */
export function serveTasks<M extends TaskMap>(handlers: TaskHandlers<M>): void {
  const port = parentPort
  if (!port) throw new Error('serveTasks() must run inside a worker thread.')
  // One reply object per kind of reply, reused: postMessage copies it at once.
  const done: DoneMessage = { type: 'done', id: 0, value: undefined, startedAtMs: 0, finishedAtMs: 0 }
  const failed: FailedMessage = { type: 'failed', id: 0, error: { name: '', message: '' }, startedAtMs: 0, finishedAtMs: 0 }

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

  port.on('message', (message: TaskMessage) => {
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
      value.then(
        (settled) => reply(id, settled, startedAtMs),
        (error: unknown) => fail(id, error, startedAtMs),
      )
    } else {
      reply(message.id, value, startedAtMs)
    }
  })
  const ready: ReadyMessage = { type: 'ready', timeOriginMs: performance.timeOrigin }
  port.postMessage(ready)
}
