import { describe, expect, it } from 'vitest'
import { compareRuns, compareSamples, welchTTest } from '../../src/shared/stats/compare'
import { fixtureCandidate, fixtureResult } from './fixtures/run-result'

describe("Welch's t-test", () => {
  it('matches Go x/perf stats TestTTest (s1 = 2 1 3 4, s2 = 6 5 7 9)', () => {
    const r = welchTTest([2, 1, 3, 4], [6, 5, 7, 9])
    expect(r.t).toBeCloseTo(-3.9703446152237674, 12)
    expect(r.df).toBeCloseTo(5.584615384615385, 12)
    expect(r.p).toBeCloseTo(0.0085128631313781695, 8)
  })

  it("matches R's t.test (Welch Two Sample): t = -1.8325, df = 17.9, p = 0.08356", () => {
    const r = welchTTest([11, 9, 10, 11, 10, 12, 9, 11, 12, 9], [11, 13, 10, 13, 12, 9, 11, 12, 12, 11])
    expect(r.t).toBeCloseTo(-1.8325, 4)
    expect(r.df).toBeCloseTo(17.9, 1)
    expect(r.p).toBeCloseTo(0.08356, 5)
  })

  it('hand-computed: equal variances and sizes give df = 2(n − 1)', () => {
    // means 2 and 5, variances 1 and 1, n = 3: se = √(2/3), t = −3/√(2/3) = −3.674235, df = 4
    const r = welchTTest([1, 2, 3], [4, 5, 6])
    expect(r.t).toBeCloseTo(-3.674235, 6)
    expect(r.df).toBeCloseTo(4, 12)
    expect(r.p).toBeGreaterThan(0.01)
    expect(r.p).toBeLessThan(0.05)
  })

  it('the same sample gives t = 0 and p = 1; samples without spread are certain', () => {
    expect(welchTTest([2, 1, 3, 4], [2, 1, 3, 4])).toMatchObject({ t: 0, p: 1 })
    expect(welchTTest([5, 5], [5, 5])).toMatchObject({ t: 0, p: 1 })
    expect(welchTTest([5, 5], [6, 6])).toMatchObject({ t: -Infinity, p: 0 })
    expect(() => welchTTest([1], [2, 3])).toThrow(/at least 2 values on each side; got 1 and 2/)
  })
})

describe('a change in words', () => {
  const base = [100, 102, 98, 101, 99, 100, 103, 97]
  it('says "faster by …× ± … (significant)" with the factor of the means', () => {
    const c = compareSamples('p', 'Parallel', base, base.map((v) => v / 1.8))
    expect(c.direction).toBe('faster')
    expect(c.factor).toBeCloseTo(1.8, 10)
    expect(c.verdict).toMatch(/^faster by 1\.80× ± 0\.0\d \(significant\)$/)
    expect(c.explanation).toMatch(/mean 100 ms → 55\.6 ms \(−44\.4%\); Welch's t = [\d.]+, df = [\d.]+, p < 0\.001\.$/)
  })

  it('says "slower by …" when the candidate takes longer', () => {
    const c = compareSamples('s', 'Serial', base, base.map((v) => v * 1.25))
    expect(c.verdict).toMatch(/^slower by 1\.25× ± 0\.0\d \(significant\)$/)
    expect(c.relativeChange).toBeCloseTo(0.25, 10)
  })

  it('says "no significant change" below the noise threshold, however small p is', () => {
    const c = compareSamples('s', 'Serial', base, base.map((v) => v * 1.03))
    expect(c.test!.p).toBeLessThan(0.05)
    expect(c.verdict).toBe('no significant change')
    expect(c.explanation).toMatch(/within the 5% noise threshold\.$/)
    // a lower threshold lets the same change count
    expect(compareSamples('s', 'Serial', base, base.map((v) => v * 1.03), { noiseThreshold: 0.01 }).verdict).toMatch(/^slower by 1\.03×/)
  })

  it('says "no significant change" when p ≥ 0.05, however large the change', () => {
    const c = compareSamples('s', 'Serial', [100, 300], [150, 400])
    expect(Math.abs(c.relativeChange)).toBeGreaterThan(0.05)
    expect(c.test!.p).toBeGreaterThan(0.05)
    expect(c.verdict).toBe('no significant change')
    expect(c.explanation).toMatch(/could be chance/)
  })

  it('tests nothing with a single run on a side, and says so', () => {
    const c = compareSamples('s', 'Serial', [100], [50, 51])
    expect(c.test).toBeNull()
    expect(c.verdict).toBe('no significant change')
    expect(c.explanation).toMatch(/needs at least 2 runs on each side \(1 and 2\)/)
  })
})

describe('comparing runs', () => {
  it('matches series by id, notes series in only one run, and uses the first run as baseline', () => {
    const comparison = compareRuns([fixtureResult(), fixtureCandidate()])
    expect(comparison.experimentId).toBe('fanout')
    expect(comparison.baseline.runId).toBe('fixture-run-0001')
    const [candidate] = comparison.candidates
    expect(candidate!.changes.map((c) => [c.seriesId, c.direction])).toEqual([
      ['serial', 'unchanged'],
      ['parallel', 'faster'],
    ])
    expect(candidate!.unmatched).toEqual(['At most 2, "paired" <b>&</b> | piped'])
    expect(candidate!.notes).toEqual([])
  })

  it('notes other parameters and another machine', () => {
    const other = fixtureCandidate()
    other.params = { ...other.params, children: 20, runs: 9 }
    other.machine = { ...other.machine, logicalCores: 64 }
    const [candidate] = compareRuns([fixtureResult(), other]).candidates
    expect(candidate!.notes[0]).toBe('The parameters differ (children 10 → 20): a change may come from them, not from the machine or the code.')
    expect(candidate!.notes[1]).toMatch(/^It ran on another machine or runtime \(AMD EPYC 7B13, 64 logical cores/)
  })

  it('compares three runs, each against the first', () => {
    const third = { ...fixtureCandidate(), runId: 'fixture-run-0003' }
    expect(compareRuns([fixtureResult(), fixtureCandidate(), third]).candidates.map((c) => c.run.runId)).toEqual(['fixture-run-0002', 'fixture-run-0003'])
  })

  it('refuses runs of different experiments, and a single run, with a sentence', () => {
    expect(() => compareRuns([fixtureResult(), { ...fixtureCandidate(), experimentId: 'pipeline' }])).toThrow('These runs come from different experiments (fanout, pipeline); only runs of the same experiment can be compared.')
    expect(() => compareRuns([fixtureResult()])).toThrow('Comparing needs at least two runs; got 1.')
  })
})
