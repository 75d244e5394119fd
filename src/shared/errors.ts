/** Errors cross IPC, HTTP and thread boundaries as plain data. */
export interface LabErrorData {
  name: string
  /** A full sentence that says what happened and what to change. */
  message: string
  code?: LabErrorCode
  details?: unknown
}

export type LabErrorCode =
  | 'invalid-params'
  | 'unknown-channel'
  | 'unknown-experiment'
  | 'unknown-run'
  | 'program-not-found'
  | 'cancelled'
  | 'not-available'
  | 'store-failed'
  /** A worker thread crashed, exited or ran out of memory while running a task. */
  | 'worker-failed'
  /** A measured child process failed (non-zero exit, timeout) in a way that stops the measurement. */
  | 'command-failed'
  /** The user's own workload failed: it would not load, threw, outran its timeout, ran out of memory, or returned what cannot cross a thread. */
  | 'workload-failed'
  | 'internal'

export class LabError extends Error {
  readonly code: LabErrorCode
  readonly details?: unknown

  constructor(code: LabErrorCode, message: string, details?: unknown) {
    super(message)
    this.name = 'LabError'
    this.code = code
    this.details = details
  }

  toData(): LabErrorData {
    return { name: this.name, message: this.message, code: this.code, details: this.details }
  }
}

export function toErrorData(error: unknown): LabErrorData {
  if (error instanceof LabError) return error.toData()
  if (error instanceof Error) {
    if (error.name === 'AbortError') return { name: 'LabError', code: 'cancelled', message: 'The run was cancelled.' }
    return { name: error.name, message: error.message, code: 'internal' }
  }
  return { name: 'Error', message: String(error), code: 'internal' }
}

/** The outcome of a request as it travels: errors are values, never thrown across a boundary. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: LabErrorData }

export function cancelledError(): LabError {
  return new LabError('cancelled', 'The run was cancelled.')
}
