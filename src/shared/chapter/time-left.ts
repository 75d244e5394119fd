/*
 * How long the rest of a chapter run will take. Experiments differ a lot (a capture takes a
 * second, factorize most of a minute), so each has an expected duration on a reference machine;
 * the runs so far say how much faster or slower this machine is, and that pace scales the rest.
 */

export interface FinishedStep {
  expectedMs: number
  tookMs: number
}

export interface CurrentStep {
  expectedMs: number
  elapsedMs: number
  /** The run's own progress, 0..1. */
  fraction: number
}

export interface TimeLeftInput {
  finished: readonly FinishedStep[]
  current?: CurrentStep
  /** Expected durations of the steps not started yet. */
  upcomingExpectedMs: readonly number[]
}

/** A run's own progress is trusted for its pace once it is this far along. */
const OWN_PACE_FROM = 0.2

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0)

/** This machine's time per expected ms, from the steps done (and the current one, once far enough); null before any. */
export function observedPace(input: Pick<TimeLeftInput, 'finished' | 'current'>): number | null {
  const expected = sum(input.finished.map((s) => s.expectedMs))
  const took = sum(input.finished.map((s) => s.tookMs))
  const current = input.current
  if (current && current.fraction >= OWN_PACE_FROM && current.expectedMs > 0) {
    return (took + current.elapsedMs) / (expected + current.expectedMs * current.fraction)
  }
  return expected > 0 ? took / expected : null
}

/** Ms left, or null while nothing has been measured to estimate from. */
export function estimateTimeLeftMs(input: TimeLeftInput): number | null {
  const pace = observedPace(input)
  if (pace === null) return null
  const current = input.current
  let currentLeftMs = 0
  if (current) {
    // far enough along, the run's own pace says most; before that, the expected time at this machine's pace
    currentLeftMs = current.fraction >= OWN_PACE_FROM ? (current.elapsedMs / current.fraction) * (1 - current.fraction) : Math.max(0, current.expectedMs * pace - current.elapsedMs)
  }
  return Math.round(currentLeftMs + sum(input.upcomingExpectedMs) * pace)
}

/** The share of the expected work done: finished steps whole, the current one by its own progress. */
export function chapterFraction(input: TimeLeftInput): number {
  const finished = sum(input.finished.map((s) => s.expectedMs))
  const current = input.current ? input.current.expectedMs : 0
  const total = finished + current + sum(input.upcomingExpectedMs)
  if (total <= 0) return input.upcomingExpectedMs.length === 0 && !input.current ? 1 : 0
  return Math.min(1, (finished + current * Math.min(1, Math.max(0, input.current?.fraction ?? 0))) / total)
}
