import { describe, expect, it } from 'vitest'
import { modifiedZScores, outlierIndices, pairedRatios, summarize } from '../../src/shared/stats/summary'

describe('summarize', () => {
  it('matches hand-computed values', () => {
    // mean 5, sample variance 32/7, t(0.975, 7) = 2.364624
    const s = summarize([2, 4, 4, 4, 5, 5, 7, 9])
    expect(s.n).toBe(8)
    expect(s.mean).toBe(5)
    expect(s.median).toBe(4.5)
    expect(s.sd).toBeCloseTo(Math.sqrt(32 / 7), 12)
    expect(s.min).toBe(2)
    expect(s.max).toBe(9)
    const half = 2.364624 * (Math.sqrt(32 / 7) / Math.sqrt(8))
    expect(s.ci95[0]).toBeCloseTo(5 - half, 4)
    expect(s.ci95[1]).toBeCloseTo(5 + half, 4)
  })

  it('handles a single sample without inventing spread', () => {
    expect(summarize([3])).toMatchObject({ n: 1, mean: 3, sd: 0, ci95: [3, 3], outliers: [] })
  })

  it('refuses an empty series', () => {
    expect(() => summarize([])).toThrow(/empty/)
  })
})

describe('outliers by the modified z-score', () => {
  it('computes (x − median) / (1.4826 · MAD)', () => {
    // median 3, MAD 1
    const z = modifiedZScores([1, 2, 3, 4, 5])
    expect(z[0]).toBeCloseTo(-2 / 1.4826, 10)
    expect(z[4]).toBeCloseTo(2 / 1.4826, 10)
  })

  it('flags a sample far beyond 10 × 1.4826 MAD, as hyperfine does', () => {
    expect(outlierIndices([100, 101, 99, 100, 102, 98, 100, 400])).toEqual([7])
    expect(outlierIndices([100, 101, 99, 100, 102, 98, 100, 110])).toEqual([])
  })
})

describe('paired ratios', () => {
  it('divides each baseline trial by the same trial of the candidate', () => {
    expect(pairedRatios([10, 20, 30], [5, 10, 10])).toEqual([2, 2, 3])
  })
})
