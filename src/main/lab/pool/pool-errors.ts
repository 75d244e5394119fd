import { LabError, type LabErrorData } from '../../../shared/errors'

/** The sentences a worker pool fails with, each with its error code. */

export function cancelledTaskError(): LabError {
  return new LabError('cancelled', 'The task was cancelled.')
}

/** What the shut-down pool was asked to do: the sentence ends differently for each. */
const afterShutDown = {
  run: ' has been shut down; it runs no more tasks.',
  ready: ' has been shut down.',
  resize: ' has been shut down; it cannot be resized.',
  pending: ' was shut down before the task finished.',
} as const

export function shutDownError(poolName: string, asked: keyof typeof afterShutDown): LabError {
  return new LabError('cancelled', `The ${poolName} pool${afterShutDown[asked]}`)
}

export function missingWorkerFileError(poolName: string, filename: string): LabError {
  return new LabError('not-available', `The ${poolName} pool's worker file ${filename} does not exist; build the app first (npm run build).`)
}

export function poolSizeError(size: number, maxSize: number): LabError {
  return new LabError('invalid-params', `A pool needs from 1 to ${maxSize} worker threads; got ${size}.`)
}

export function tasksPerThreadError(tasksPerThread: number, maxTasksPerThread: number): LabError {
  return new LabError('invalid-params', `A thread can hold from 1 to ${maxTasksPerThread} tasks at once; got ${tasksPerThread}.`)
}

export function threadNotCreatedError(poolName: string, error: Error): LabError {
  return new LabError('worker-failed', `The ${poolName} pool could not create a worker thread: ${error.message}`)
}

export function replyLostError(taskKind: string, threadId: number, error: Error): LabError {
  return new LabError('internal', `The reply of task "${taskKind}" from worker thread ${threadId} could not be read: ${error.message}`)
}

/** A worker thread that ended without being asked to. */
export interface ThreadLoss {
  poolName: string
  threadId: number
  exitCode: number
  /** The error the worker emitted before it exited, if any. */
  crash: (Error & { code?: string }) | undefined
  /** The kind of the task it was running. */
  taskKind: string | undefined
  wasReady: boolean
  memoryLimitMb: number | undefined
}

export function threadLostError(loss: ThreadLoss): LabError {
  const { crash, wasReady } = loss
  const how =
    crash?.code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? `ran out of memory${loss.memoryLimitMb ? ` (its limit is ${loss.memoryLimitMb} MB)` : ''}`
      : crash
        ? `threw an uncaught error (${crash.message})`
        : `exited with code ${loss.exitCode}`
  const during = loss.taskKind !== undefined ? ` while running task "${loss.taskKind}"` : wasReady ? ' while idle' : ' while starting'
  const after = wasReady ? '; the pool has started a replacement.' : '; the pool does not restart a thread that cannot start.'
  return new LabError('worker-failed', `Worker thread ${loss.threadId} of the ${loss.poolName} pool ${how}${during}${after}`, {
    threadId: loss.threadId,
    exitCode: loss.exitCode,
    errorCode: crash?.code,
  })
}

/** The LabError a worker's handler threw, rebuilt on the pool's side. */
export function fromErrorData(data: LabErrorData): LabError {
  return new LabError(data.code ?? 'internal', data.message, data.details)
}
