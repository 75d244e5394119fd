import { nsToMs } from '../../../shared/units'

/**
 * The machine's monotonic clock, which every process on it reads alike: Node's process.hrtime and
 * Python's time.perf_counter() both read CLOCK_MONOTONIC on Linux, mach_absolute_time on macOS and
 * QueryPerformanceCounter on Windows. Times that cross a process boundary travel on that clock, never
 * as wall-clock (epoch) times: performance.timeOrigin is fixed when a process starts, so after a
 * laptop sleeps or the clock is set, two processes' epoch readings no longer agree.
 */

/** The monotonic clock now, in ms (what a child reports as "…AtMonotonicMs"). */
export const monotonicNowMs = (): number => nsToMs(process.hrtime.bigint())

/**
 * This process's performance.now() plus the result is the machine's monotonic clock, in ms. Each
 * reading of the monotonic clock is bracketed by two of performance.now(), and the tightest bracket
 * of several wins: a first call can take a millisecond to set itself up, which would otherwise end
 * up in the offset.
 */
export function monotonicOffsetMs(samples = 7): number {
  let best = { offset: 0, bracket: Infinity }
  for (let i = 0; i < samples; i++) {
    const before = performance.now()
    const monotonic = monotonicNowMs()
    const after = performance.now()
    if (after - before < best.bracket) best = { offset: monotonic - (before + after) / 2, bracket: after - before }
  }
  return best.offset
}

/** A time another process reported on the monotonic clock, on this process's performance.now() clock. */
export function fromMonotonicMs(monotonicMs: number, offsetMs: number = monotonicOffsetMs()): number {
  return monotonicMs - offsetMs
}
