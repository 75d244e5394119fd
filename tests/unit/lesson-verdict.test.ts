import { describe, expect, it } from 'vitest'
import { dispatch } from '../../src/main/lab/dispatch'
import { lessonVerdict } from '../../src/main/lab/experiments/explain/verdict'
import { summarizeFactorize } from '../../src/main/lab/experiments/factorize-summary'
import { trialRecord, variantData, withSharedHistogram } from '../../src/main/lab/races/summarize'
import type { RaceData } from '../../src/shared/experiments/race'
import type { FactorizeData } from '../../src/shared/experiments/threads'
import { formatCount, formatDurationMs, formatRatio, formatShare } from '../../src/shared/units'
import experimentData from './fixtures/experiment-data.json'
import { fixtureResult } from './fixtures/run-result'
import { nextEvent, testLab } from './helpers/lab'
import { readRecording, type FactorizeRecording } from './helpers/recorded-trials'

/** The lesson's answer in one sentence, built by the engine from a result's own figures. */

const noSeries = { series: [], comparisons: [] }

describe('the lesson verdict', () => {
  it('fan-out: N children in the parallel time instead of the serial time, the speedup and the ideal', () => {
    const result = fixtureResult()
    const median = (id: string): number => result.series.find((s) => s.id === id)!.summary.median
    const speedup = result.comparisons.find((c) => c.candidateId === 'parallel')!.summary.median
    expect(lessonVerdict({ ...result, data: {} })).toBe(`10 children in ${formatDurationMs(median('parallel'))} instead of ${formatDurationMs(median('serial'))}: ${formatRatio(speedup)} faster, ideal 10×`)
    // the fixture's own numbers, worked out by hand: 171 ms against 1.06 s
    expect(lessonVerdict({ ...result, data: {} })).toMatch(/^10 children in 171 ms instead of 1\.06 s: 6\.\d\d× faster, ideal 10×$/)
  })

  it('fan-out: the speedup row of the result data wins over the comparison, and a run without serial has no verdict', () => {
    const result = fixtureResult()
    expect(lessonVerdict({ ...result, data: { limits: [{ limit: 10, seriesId: 'parallel', medianMs: 170, speedup: 7.25, ideal: 10 }] } })).toContain('7.25× faster')
    expect(lessonVerdict({ ...result, series: result.series.filter((s) => s.id !== 'serial') })).toBeUndefined()
  })

  it('factorize, from recorded trials: the worker threads at the core count against Python threads under the GIL', () => {
    const recording = readRecording<FactorizeRecording>('factorize-trials.json')
    const { data } = summarizeFactorize(recording.params, recording.machine, recording.trials)
    const at = (runtime: string, strategy: string) => data.scaling.find((c) => c.runtime === runtime && c.strategy === strategy)!.points.find((p) => p.workers === data.logicalCores)!
    const cores = data.logicalCores
    expect(cores).toBe(2)
    expect(lessonVerdict({ experimentId: 'factorize', params: {}, ...noSeries, data })).toBe(
      `On 2 logical cores, 2 worker threads factorized ${formatRatio(at('node', 'threads').speedup)} faster than one thread (ideal 2×); Python's 2 threads, under the GIL: ${formatRatio(at('python', 'threads').speedup)}`,
    )
  })

  it('factorize without Python: the async tasks taking turns on one thread stand in for threads under one lock', () => {
    const data = structuredClone(experimentData.factorize.data) as unknown as FactorizeData
    data.scaling = data.scaling.filter((c) => c.runtime === 'node')
    data.scaling.push({ runtime: 'node', strategy: 'concurrent', label: 'concurrent', amdahl: null, points: [{ workers: 2, speedup: 0.98, speedupCi95: [0.9, 1.1], efficiency: 0.49, karpFlatt: null, seriesId: 'concurrent-2' }] })
    expect(lessonVerdict({ experimentId: 'factorize', params: {}, ...noSeries, data })).toMatch(/; 2 async tasks taking turns on one thread: 0\.98×$/)
  })

  it('race, recorded: a run that lost nothing says so; atomic and mutex exact, with the cost of the mutex', () => {
    const data = experimentData.race.data as unknown as RaceData
    expect(lessonVerdict({ experimentId: 'race', params: {}, ...noSeries, data })).toBe(
      `Unsynchronised, 2 workers lost no update in 1 trial; Atomics.add and the mutex stayed exact, the mutex ${formatRatio(data.slowdowns.mutexVsAtomic!)} slower`,
    )
  })

  it('race: lost updates with their share; a lock that lost updates is named loudly', () => {
    const records = (founds: number[]) => founds.map((found, trial) => trialRecord(trial, 1000, found, 10, [{ startMs: 0, endMs: 10 }, { startMs: 5, endMs: 10 }]))
    const lossy = variantData('node-unsynchronised', records([700, 1000, 400]))
    const broken = variantData('node-mutex', records([1000, 998, 1000]))
    const { variants } = withSharedHistogram([lossy, broken])
    const data = { ...(experimentData.race.data as unknown as RaceData), workers: 4, variants, slowdowns: {} }
    expect(lessonVerdict({ experimentId: 'race', params: {}, ...noSeries, data })).toBe(
      `Unsynchronised, 4 workers lost updates in 2 of 3 trials (median ${formatShare(lossy.lostShare.median)} of ${formatCount(1000)}); Node: mutex LOST UPDATES, which a lock must never do`,
    )
  })

  it('experiments that answer no lesson, and results that lack the figures, have no verdict', () => {
    expect(lessonVerdict({ experimentId: 'capture', params: {}, ...noSeries, data: experimentData.capture.data })).toBeUndefined()
    expect(lessonVerdict({ experimentId: 'factorize', params: {}, ...noSeries, data: {} })).toBeUndefined()
  })
})

describe('a finished run carries its verdict', () => {
  it('in the result sent to the page, in the saved file and in the results list', async () => {
    const lab = testLab()
    let runId = ''
    const finished = nextEvent(lab, 'runFinished', () => runId)
    runId = lab.runs.start('fanout', { children: 2, seconds: 0.05, runs: 1, warmup: 0, sweep: false }).runId
    const { result } = await finished
    expect(result.verdict).toBe(lessonVerdict(result))
    expect(result.verdict).toMatch(/^2 children in .+ instead of .+: .+× faster, ideal 2×$/)
    expect((await lab.store.load(runId)).verdict).toBe(result.verdict)
    const listed = await dispatch(lab.handlers, 'listResults', { experimentId: 'fanout' })
    expect(listed.ok && (listed.value as { results: { verdict?: string }[] }).results.map((r) => r.verdict)).toEqual([result.verdict])
    await lab.shutdown()
  })

  it('a result saved before verdicts existed gets one when it is opened or listed', async () => {
    const lab = testLab()
    const { verdict: _dropped, ...old } = fixtureResult()
    await lab.store.save(old)
    expect((await lab.store.load(old.runId)).verdict).toBe(lessonVerdict(old))
    const listed = await lab.store.list()
    expect(listed.results[0]!.verdict).toBe(lessonVerdict(old))
    expect(listed.results[0]!.verdict).toContain('10 children in 171 ms')
  })
})
