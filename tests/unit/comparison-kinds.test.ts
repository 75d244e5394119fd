import { describe, expect, it } from 'vitest'
import { compare, compareCost } from '../../src/main/lab/experiments/experiment'
import { completeSavedResult } from '../../src/main/lab/store/complete-result'
import { exportHtml } from '../../src/shared/export/html'
import { isScalingComparison, type Series } from '../../src/shared/model/result'
import { summarize } from '../../src/shared/stats/summary'
import { asRunOf, fixtureResult } from './fixtures/run-result'

const seriesOf = (id: string, values: number[]): Series => ({
  id,
  label: id,
  samples: values.map((valueMs, trial) => ({ trial, startedAtMs: Date.UTC(2026, 10, 29) + trial, valueMs })),
  warmupSamples: [],
  summary: summarize(values),
})

describe('efficiency belongs to a parallel variant against serial, not to one guarantee against another', () => {
  const mutex = seriesOf('node-mutex', [576, 580, 570])
  const atomic = seriesOf('node-atomic', [100, 101, 99])

  it('a scaling comparison has its efficiency; a cost comparison (Atomics.add against the mutex) has none', () => {
    expect(compare(mutex, atomic, 4, 4).efficiency).toBeCloseTo(5.76 / 4, 2)
    const cost = compareCost(mutex, atomic, 4)
    expect(cost.kind).toBe('cost')
    expect(cost.efficiency).toBeUndefined()
    expect(cost.summary.median).toBeCloseTo(5.76, 2)
    expect(isScalingComparison(cost, 'race')).toBe(false)
  })

  it('a race saved before comparisons had a kind gets no efficiency on load; other experiments still do', () => {
    const savedRace = { ...asRunOf('race', fixtureResult()), comparisons: fixtureResult().comparisons.map(({ efficiency: _dropped, ...c }) => c) }
    expect(completeSavedResult(savedRace).comparisons.every((c) => c.efficiency === undefined)).toBe(true)
    const savedFanout = { ...fixtureResult(), comparisons: savedRace.comparisons }
    expect(completeSavedResult(savedFanout).comparisons.every((c) => typeof c.efficiency === 'number')).toBe(true)
  })

  it('the HTML report shows no ideal and no efficiency for a race comparison, and both for a fan-out one', () => {
    const rowsOf = (html: string): string[] => [...html.matchAll(/<tr>(.*?)<\/tr>/gs)].map((m) => m[1]!).filter((row) => row.includes(' vs '))
    const race = asRunOf('race', fixtureResult())
    const raceRow = rowsOf(exportHtml({ ...race, comparisons: race.comparisons.map((c) => ({ ...c, kind: 'cost' as const })) }))[0]!
    expect(raceRow).not.toMatch(/%/)
    const fanoutRow = rowsOf(exportHtml(fixtureResult()))[0]!
    expect(fanoutRow).toMatch(/\d+%/)
  })
})
