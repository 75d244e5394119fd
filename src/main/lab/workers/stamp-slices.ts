import { collectDivisors } from '../../../shared/factorize'
import { monotonicNowMs } from '../measure/clock'

/**
 * Trial division that stamps, every few thousand divisions, the end of a slice of work on the
 * machine's monotonic clock (the one every thread and process here reads alike): the lanes of
 * "who ran when". Only the traced trial runs this; the measured trials run plain divisorsOf.
 */

/** Trial divisions per slice: a few hundred µs of work, so a stamp (about 0.1–0.2 µs) costs well under 0.1%. */
export const SLICE_TRIAL_DIVISIONS = 1 << 16

/** One slice, in monotonic ms; `task` is the position of its number in the list. */
export interface StampedSlice {
  startMs: number
  endMs: number
  task: number
}

export interface SlicedDivisors {
  divisors: number[][]
  slices: StampedSlice[]
  /** What one stamp costs here, calibrated before the work. */
  perStampNs: number
}

const CALIBRATION_BATCHES = 10
const STAMPS_PER_BATCH = 100

/**
 * The cost of one stamp as the work takes it (read the clock, record a slice): the fastest of
 * several batches, so a batch during which the thread was descheduled does not count.
 */
export function calibrateStampNs(): number {
  let fastestMs = Infinity
  for (let batch = 0; batch < CALIBRATION_BATCHES; batch++) {
    const sink: StampedSlice[] = []
    const startedMs = monotonicNowMs()
    for (let i = 0; i < STAMPS_PER_BATCH; i++) sink.push({ startMs: startedMs, endMs: monotonicNowMs(), task: i })
    fastestMs = Math.min(fastestMs, monotonicNowMs() - startedMs)
  }
  return (fastestMs * 1e6) / STAMPS_PER_BATCH
}

let calibratedStampNs: number | undefined

/** The divisors of each number, with a slice stamped every `sliceTrialDivisions` divisions (one stamp per slice boundary). */
export function divisorsInSlices(numbers: readonly number[], sliceTrialDivisions = SLICE_TRIAL_DIVISIONS): SlicedDivisors {
  // once per thread: a pool thread runs many tasks of one traced trial
  const perStampNs = (calibratedStampNs ??= calibrateStampNs())
  const divisors: number[][] = []
  const slices: StampedSlice[] = []
  let boundaryMs = monotonicNowMs()
  for (let task = 0; task < numbers.length; task++) {
    const n = numbers[task]!
    const found: number[] = []
    for (let from = 1; from <= n; from += sliceTrialDivisions) {
      collectDivisors(n, from, Math.min(n + 1, from + sliceTrialDivisions), found)
      const nowMs = monotonicNowMs()
      slices.push({ startMs: boundaryMs, endMs: nowMs, task })
      boundaryMs = nowMs
    }
    divisors.push(found)
  }
  return { divisors, slices, perStampNs }
}
