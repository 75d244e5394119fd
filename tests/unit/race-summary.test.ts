import { describe, expect, it } from 'vitest'
import { overlapShare, raceExplanations, raceHeadline, trialRecord, variantData, withSharedHistogram } from '../../src/main/lab/races/summarize'
import { estimateRaceMs, histogramEdges, histogramOf, raceParamsProblem, type RaceData } from '../../src/shared/experiments/race'

/** The pure bookkeeping behind the race result: figures, bins, and the words that describe them. */
const records = (founds: number[], expected = 1000) => founds.map((found, trial) => trialRecord(trial, expected, found, 10, [{ startMs: 0, endMs: 10 }, { startMs: 5, endMs: 10 }]))
const context = (variants: RaceData['variants']) => ({ variants, slowdowns: {}, workers: 2, increments: 500, logicalCores: 2, python: { status: 'not-requested' as const } })

describe('race summary', () => {
  it('overlap is the share of the trial with at least two workers running', () => {
    expect(overlapShare([{ startMs: 0, endMs: 10 }, { startMs: 5, endMs: 10 }], 10)).toBeCloseTo(0.5)
    expect(overlapShare([{ startMs: 0, endMs: 4 }, { startMs: 5, endMs: 10 }], 10)).toBe(0)
    expect(overlapShare([{ startMs: 0, endMs: 10 }], 10)).toBe(0)
  })

  it('bins lost shares with bin 0 for exact trials, on nice widths', () => {
    expect(histogramEdges(0)).toEqual([0])
    expect(histogramEdges(0.61)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7])
    expect(histogramEdges(0.004)).toEqual([0, 0.001, 0.002, 0.003, 0.004])
    expect(histogramOf([0, 0, 0.05, 0.1, 0.15], [0, 0.1, 0.2]).map((b) => b.count)).toEqual([2, 2, 1])
  })

  it('flags an atomic or locked counter that is not exact, loudly, in the headline and the explanations', () => {
    const mutex = variantData('node-mutex', records([1000, 998, 1000]))
    expect(mutex.exactViolation).toBe(true)
    expect(mutex.lossyTrials).toBe(1)
    const unsynchronised = variantData('node-unsynchronised', records([700, 1000, 400]))
    expect(unsynchronised.exactViolation).toBe(false)
    const { variants } = withSharedHistogram([unsynchronised, mutex])
    expect(raceHeadline({ variants, slowdowns: {} })).toBe('unsynchronised lost updates in 2/3 trials (median 30% lost); MUTEX NOT EXACT in 1/3 trials')
    expect(raceExplanations(context(variants)).join(' ')).toMatch(/Node: mutex LOST UPDATES in 1 of 3 trials/)
  })

  it('a counter that finds more than was added is a violation too, even unsynchronised', () => {
    expect(variantData('node-unsynchronised', records([1001])).exactViolation).toBe(true)
  })

  it('never claims a loss that was not measured', () => {
    const exact = variantData('node-unsynchronised', records([1000, 1000]))
    const words = raceExplanations(context([exact])).join(' ')
    expect(words).toMatch(/exact in all 2 trials this time/)
    expect(words).not.toMatch(/trials lost updates/)
    const python = variantData('python-unlocked', records([1000, 1000]))
    const pythonWords = raceExplanations({ ...context([python]), python: { status: 'ran', version: '3.11.7', gilEnabled: true, switchIntervalMs: 5 } }).join(' ')
    expect(pythonWords).toMatch(/CPython 3.11.7: the lesson's unlocked Counter was exact in all 2 trials. Not because it is safe/)
  })

  it('estimates grow with the work and refuse only what is too long', () => {
    const base = { workers: 5, increments: 100_000, trials: 20, modes: ['unsynchronised', 'atomic', 'mutex'] as ('unsynchronised' | 'atomic' | 'mutex')[], runtime: 'both' as const, traceIncrements: 100_000, pythonTraceIncrements: 100_000, pythonSwitchIntervalMs: 0 }
    expect(raceParamsProblem(base)).toBeUndefined()
    expect(estimateRaceMs({ ...base, increments: 1_000_000 }).totalMs).toBeGreaterThan(estimateRaceMs(base).totalMs * 5)
    expect(estimateRaceMs({ ...base, runtime: 'node' }).totalMs).toBeLessThan(estimateRaceMs(base).totalMs)
    expect(raceParamsProblem({ ...base, increments: 10_000_000 })).toMatch(/would take about/)
  })
})
