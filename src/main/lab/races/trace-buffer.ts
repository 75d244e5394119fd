/**
 * The log of one worker in a traced trial, in a SharedArrayBuffer the parent reads when the worker
 * is done: for increment i, the counter value it read, the value it wrote, and when (epoch ms,
 * taken after the write so that the stamp does not widen the window between read and write).
 */
export interface TraceLogViews {
  reads: Int32Array
  writes: Int32Array
  atMs: Float64Array
}

const BYTES_PER_INCREMENT = 2 * Int32Array.BYTES_PER_ELEMENT + Float64Array.BYTES_PER_ELEMENT

export function newTraceLogBuffer(increments: number): SharedArrayBuffer {
  return new SharedArrayBuffer(increments * BYTES_PER_INCREMENT)
}

export function traceLogViews(buffer: SharedArrayBuffer, increments: number): TraceLogViews {
  return {
    reads: new Int32Array(buffer, 0, increments),
    writes: new Int32Array(buffer, increments * Int32Array.BYTES_PER_ELEMENT, increments),
    // 8 × increments bytes in: aligned for Float64
    atMs: new Float64Array(buffer, 2 * increments * Int32Array.BYTES_PER_ELEMENT, increments),
  }
}

/** One cell the traced workers count themselves into, so they start together (see traced-increment.ts). */
export function newRendezvousBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)
}
