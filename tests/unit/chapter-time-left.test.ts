import { describe, expect, it } from 'vitest'
import { chapterFraction, estimateTimeLeftMs, observedPace } from '../../src/shared/chapter/time-left'

describe('the chapter\'s time left', () => {
  it('has nothing to estimate from before a run has finished or got far', () => {
    expect(estimateTimeLeftMs({ finished: [], current: { expectedMs: 10_000, elapsedMs: 500, fraction: 0.05 }, upcomingExpectedMs: [5_000] })).toBeNull()
  })

  it('scales the expected durations left by this machine\'s pace so far', () => {
    // the first run took twice its expected time: the rest will too
    const input = { finished: [{ expectedMs: 1_000, tookMs: 2_000 }], current: { expectedMs: 4_000, elapsedMs: 1_000, fraction: 0 }, upcomingExpectedMs: [3_000, 2_000] }
    expect(observedPace(input)).toBe(2)
    // current: 4 s expected × 2 − 1 s elapsed = 7 s; upcoming: 5 s × 2 = 10 s
    expect(estimateTimeLeftMs(input)).toBe(17_000)
  })

  it('trusts a run\'s own progress once it is far enough along', () => {
    // half done after 3 s: 3 s more for it; 3 s for 1 s of expected work is a pace of 3 for the rest
    const input = { finished: [], current: { expectedMs: 2_000, elapsedMs: 3_000, fraction: 0.5 }, upcomingExpectedMs: [1_000] }
    expect(observedPace(input)).toBe(3)
    expect(estimateTimeLeftMs(input)).toBe(3_000 + 3_000)
  })

  it('never says less than nothing while a run overruns its estimate', () => {
    expect(estimateTimeLeftMs({ finished: [{ expectedMs: 1_000, tookMs: 1_000 }], current: { expectedMs: 1_000, elapsedMs: 5_000, fraction: 0.1 }, upcomingExpectedMs: [] })).toBe(0)
  })

  it('weighs the fraction done by expected durations, the current run by its own progress', () => {
    expect(chapterFraction({ finished: [{ expectedMs: 1_000, tookMs: 9 }], current: { expectedMs: 2_000, elapsedMs: 0, fraction: 0.5 }, upcomingExpectedMs: [1_000] })).toBe(0.5)
    expect(chapterFraction({ finished: [{ expectedMs: 1_000, tookMs: 9 }], upcomingExpectedMs: [] })).toBe(1)
    expect(chapterFraction({ finished: [], upcomingExpectedMs: [] })).toBe(1)
  })
})
