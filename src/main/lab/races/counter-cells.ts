/**
 * The shared memory of one race trial: three Int32 cells, each on its own 64-byte cache line
 * so that the start flag and the lock word do not share a line with the counter.
 * Int32 because Atomics (add, compareExchange, wait) need an integer cell; the engine refuses
 * workers × increments above INT32_MAX so the counter never wraps.
 */
const INTS_PER_CACHE_LINE = 16
export const START_CELL = 0
export const LOCK_CELL = INTS_PER_CACHE_LINE
export const COUNTER_CELL = 2 * INTS_PER_CACHE_LINE
const CELLS_BYTES = 3 * INTS_PER_CACHE_LINE * Int32Array.BYTES_PER_ELEMENT

/** The value of START_CELL once the parent has released the workers. */
export const RELEASED = 1

export function newCounterCells(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(CELLS_BYTES))
}
