import jstat from 'jstat'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { summarizeFactorize, type NodeVariantTrials } from '../../src/main/lab/experiments/factorize-summary'
import { LESSON_DIVISORS } from '../../src/shared/factorize'
import type { Comparison, Series } from '../../src/shared/model/result'
import { formatDurationMs, formatPercent, formatRatio } from '../../src/shared/units'
import { forbiddenCalls, medianOf, readRecording, valuesOf, type FactorizeRecording } from './helpers/recorded-trials'

/**
 * summarizeFactorize, fed trials recorded once on a real machine (tests/unit/fixtures/factorize-trials.json:
 * every Node strategy and the Python originals at 1 and 2 workers, 3 runs each). Re-record them with
 *
 *   RECORD_TRIALS=1 npx vitest run tests/unit/record-trials.test.ts
 *
 * The expected figures are computed here from the recorded samples (medians, paired speedups,
 * Karp–Flatt, the Amdahl line, the work split), so they hold for any recording. Edge cases edit a
 * copy of the recording. Nothing here may start a process or a thread: the functions that would are
 * replaced by ones that throw, and none may have been called.
 */

vi.mock('node:child_process', async (importOriginal) => (await import('./helpers/recorded-trials')).forbidding(await importOriginal<object>(), ['spawn', 'spawnSync', 'fork', 'exec', 'execSync', 'execFile', 'execFileSync']))
vi.mock('node:worker_threads', async (importOriginal) => (await import('./helpers/recorded-trials')).forbidding(await importOriginal<object>(), ['Worker']))

afterAll(() => {
  expect(forbiddenCalls()).toEqual([])
})

const recorded = (): FactorizeRecording => readRecording<FactorizeRecording>('factorize-trials.json')
const summarize = (r: FactorizeRecording): ReturnType<typeof summarizeFactorize> => summarizeFactorize(r.params, r.machine, r.trials)
const nodeVariant = (r: FactorizeRecording, id: string): NodeVariantTrials => r.trials.node!.variants.find((v) => v.id === id)!
const seriesOf = (series: readonly Series[], id: string): Series => series.find((s) => s.id === id)!
const comparisonOf = (comparisons: readonly Comparison[], id: string): Comparison => comparisons.find((c) => c.candidateId === id)!
const pairedRatios = (baseline: readonly number[], candidate: readonly number[]): number[] => baseline.map((b, i) => b / candidate[i]!)
const karpFlattOf = (speedup: number, workers: number): number => (1 / speedup - 1 / workers) / (1 - 1 / workers)
/** The speedup of a variant over serial, as the result defines it: the median of the per-round ratios. */
const speedupOf = (r: FactorizeRecording, id: string): number => medianOf(pairedRatios(valuesOf(nodeVariant(r, 'serial').samples), valuesOf(nodeVariant(r, id).samples)))
/** What the findings add after a speedup, from the same paired ratios (computed independently: the mean's t interval). */
const qualifierOf = (baseline: number[], candidate: number[]): string => {
  const ratios = pairedRatios(baseline, candidate)
  const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length
  const sd = Math.sqrt(ratios.reduce((a, b) => a + (b - mean) ** 2, 0) / (ratios.length - 1))
  const half = jstat.jStat.studentt.inv(0.975, ratios.length - 1) * (sd / Math.sqrt(ratios.length))
  if (mean - half > 1 || mean + half < 1) return ''
  return `, not clearly different from 1× (95% interval ${formatRatio(Math.max(0, mean - half))}–${formatRatio(mean + half)} over ${ratios.length} runs)`
}
const pythonSamples = (r: FactorizeRecording, id: string): number[] => valuesOf(r.trials.python!.output.variants.find((v) => v.id === id)!.samples)
const pythonSpeedupOf = (r: FactorizeRecording, id: string): number => medianOf(pairedRatios(pythonSamples(r, 'serial'), pythonSamples(r, id)))
const setSamples = (variant: { samples: { valueMs: number }[] }, values: readonly number[]): void => variant.samples.forEach((s, i) => (s.valueMs = values[i]!))

describe('summarizeFactorize with recorded trials', () => {
  it('keeps every recorded sample as its series, with the median of those samples', () => {
    const r = recorded()
    const { series } = summarize(r)
    const pythonVariants = r.trials.python!.output.variants
    expect(series.map((s) => s.id)).toEqual([...r.trials.node!.variants.map((v) => v.id), ...pythonVariants.map((v) => `python-${v.id}`)])
    for (const variant of [...r.trials.node!.variants, ...pythonVariants.map((v) => ({ ...v, id: `python-${v.id}` }))]) {
      const s = seriesOf(series, variant.id)
      expect(s.samples).toEqual(variant.samples)
      expect(s.summary.n).toBe(variant.samples.length)
      expect(s.summary.median).toBeCloseTo(medianOf(valuesOf(variant.samples)), 12)
      expect(s.summary.mean).toBeCloseTo(valuesOf(variant.samples).reduce((a, b) => a + b, 0) / variant.samples.length, 9)
    }
  })

  it('compares every variant with serial round by round, against the ideal of its worker count', () => {
    const r = recorded()
    const { comparisons } = summarize(r)
    const serial = valuesOf(nodeVariant(r, 'serial').samples)
    for (const variant of r.trials.node!.variants.slice(1)) {
      const comparison = comparisonOf(comparisons, variant.id)
      const ratios = pairedRatios(serial, valuesOf(variant.samples))
      expect(comparison.baselineId).toBe('serial')
      expect(comparison.ratios).toEqual(ratios)
      expect(comparison.summary.median).toBeCloseTo(medianOf(ratios), 12)
      expect(comparison).toMatchObject({ parallelism: variant.workers, ideal: variant.workers })
    }
    for (const variant of r.trials.python!.output.variants.filter((v) => v.strategy !== 'serial')) {
      const comparison = comparisonOf(comparisons, `python-${variant.id}`)
      expect(comparison.baselineId).toBe('python-serial')
      expect(comparison.summary.median).toBeCloseTo(pythonSpeedupOf(r, variant.id), 12)
    }
    expect(comparisons).toHaveLength(r.trials.node!.variants.length - 1 + r.trials.python!.output.variants.length - 1)
  })

  it('draws the scaling curves: efficiency, Karp–Flatt, and the Amdahl line through the counts within the cores', () => {
    const r = recorded()
    const { data } = summarize(r)
    const threads = data.scaling.find((c) => c.runtime === 'node' && c.strategy === 'threads')!
    const [one, two] = [speedupOf(r, 'threads-1'), speedupOf(r, 'threads-2')]
    expect(threads.points.map((p) => [p.workers, p.seriesId])).toEqual([[1, 'threads-1'], [2, 'threads-2']])
    expect(threads.points[0]!.speedup).toBeCloseTo(one, 12)
    expect(threads.points[1]!.speedup).toBeCloseTo(two, 12)
    expect(threads.points[1]!.efficiency).toBeCloseTo(two / 2, 12)
    expect(threads.points[0]!.karpFlatt).toBeNull()
    expect(threads.points[1]!.karpFlatt).toBeCloseTo(karpFlattOf(two, 2), 12)
    // the line 1/S = f + slope / p through (1, 1/S₁) and (1/2, 1/S₂)
    const slope = (1 / one - 1 / two) / (1 - 1 / 2)
    const intercept = 1 / one - slope
    const serialFraction = Math.min(1, Math.max(0, intercept))
    expect(threads.amdahl!.fittedWorkers).toEqual([1, 2])
    expect(threads.amdahl!.intercept).toBeCloseTo(intercept, 10)
    expect(threads.amdahl!.slope).toBeCloseTo(slope, 10)
    expect(threads.amdahl!.serialFraction).toBeCloseTo(serialFraction, 10)
    expect(threads.amdahl!.maxSpeedup).toBe(serialFraction > 0 ? 1 / serialFraction : null)
    expect(data.scaling.map((c) => `${c.runtime}/${c.strategy}`)).toEqual(['node/concurrent', 'node/threads', 'node/processes', 'python/threads', 'python/processes'])
  })

  it('splits the work as the lesson list does, and bounds the speedup by its largest number', () => {
    const r = recorded()
    const { data } = summarize(r)
    // the lesson numbers once: each number is one task, and trial division tries every i up to n
    expect(data.numbersPerTask).toBe(1)
    const work = r.params.numbers
    const total = work.reduce((a, b) => a + b, 0)
    const longest = Math.max(...work)
    expect(data.trialDivisions).toBe(total)
    expect(data.split.largestTaskShare).toBeCloseTo(longest / total, 12)
    for (const bound of data.split.bounds) expect(bound.longestTaskBound).toBeCloseTo(total / Math.max(total / bound.workers, longest), 12)
    expect(data.split.bounds.map((b) => b.workers)).toEqual(r.trials.workerCounts)
  })

  it('reports the start-ups and the checked divisors from the trials', () => {
    const r = recorded()
    const { data } = summarize(r)
    const startupOf = (id: string): number => medianOf(nodeVariant(r, id).details.map((d) => d.startupMs!))
    expect(data.startup.processMedianMs).toEqual([
      { workers: 1, ms: startupOf('processes-1') },
      { workers: 2, ms: startupOf('processes-2') },
    ])
    expect(data.startup.freshPoolMedianMs).toBeUndefined()
    const pool = r.trials.node!.poolStartup
    expect(data.startup.pool).toEqual({ workers: pool.workers, allReadyMs: pool.allReadyMs, readyMs: pool.readyMs })
    expect(data.startup.python).toEqual(r.trials.python!.output.startup)
    const pythonRuns = r.trials.python!.output.variants.reduce((n, v) => n + v.samples.length, 0)
    expect(data.results).toEqual({
      identical: true,
      comparedRuns: r.trials.node!.comparedRuns + pythonRuns,
      referenceChecked: 4,
      divisors: r.params.numbers.map((n) => ({ number: n, divisors: LESSON_DIVISORS.get(n) })),
    })
    expect(data.python).toMatchObject({ ran: true, scale: 1, tasks: 4, interpreterStartupMs: r.trials.python!.interpreterStartupMs })
  })

  it('puts the recorded figures in its sentences and headline', () => {
    const r = recorded()
    const { data, headline } = summarize(r)
    const serialMs = medianOf(valuesOf(nodeVariant(r, 'serial').samples))
    const threads = speedupOf(r, 'threads-2')
    const pythonSerialMs = medianOf(pythonSamples(r, 'serial'))
    expect(data.findings[0]).toBe(`Serial: 4 numbers (the list once) took ${formatDurationMs(serialMs)} on one thread.`)
    const threadsQualifier = qualifierOf(valuesOf(nodeVariant(r, 'serial').samples), valuesOf(nodeVariant(r, 'threads-2').samples))
    expect(data.findings).toContain(`With 2 worker threads the work ran ${formatRatio(threads)} as fast as serial${threadsQualifier} (efficiency ${formatPercent(threads / 2)}; ideal 2.00×).`)
    expect(data.findings.find((f) => f.startsWith('Karp–Flatt serial fraction (node: worker threads)'))).toContain(`2 workers ${formatPercent(karpFlattOf(threads, 2))}`)
    expect(data.findings).toContainEqual(
      expect.stringContaining(`Serially it took ${formatDurationMs(pythonSerialMs)} for 4 numbers (the list ×1). 2 threads ran ${formatRatio(pythonSpeedupOf(r, 'threads-2'))} as fast as serial${qualifierOf(pythonSamples(r, 'serial'), pythonSamples(r, 'threads-2'))}: the GIL lets only one thread run Python code at a time`),
    )
    expect(data.findings.at(-1)).toBe(`All ${data.results.comparedRuns} runs found the same divisors with every strategy, and the lesson's numbers match the reference lists.`)
    expect(headline).toBe(
      `Factorize 4 numbers, serial ${formatDurationMs(serialMs)}: Node 2 threads ${formatRatio(threads)}, 2 processes ${formatRatio(speedupOf(r, 'processes-2'))}, concurrent ${formatRatio(speedupOf(r, 'concurrent-2'))}; ` +
        `Python 2 threads ${formatRatio(pythonSpeedupOf(r, 'threads-2'))}, 2 processes ${formatRatio(pythonSpeedupOf(r, 'processes-2'))} (${r.machine.logicalCores} cores)`,
    )
  })

  it('draws no per-task timelines: trials recorded without a traced one have no lanes either', () => {
    const { timelines, data } = summarize(recorded())
    expect(timelines).toEqual([])
    expect(data.lanes).toEqual([])
  })

  it('computes the lanes of the traced trials, compares their time with the untraced median, and warns about impossible ones', () => {
    const r = recorded()
    const slices = (fromMs: number, count: number): { startMs: number; endMs: number; task: string }[] => Array.from({ length: count }, (_, i) => ({ startMs: fromMs + i, endMs: fromMs + i + 1, task: '2139079' }))
    const traced = { runtime: 'node' as const, activity: 'computing' as const, workers: 2, startedAtMs: 5000, finishedAtMs: 5100, perStampNs: 150, stamps: 62 }
    r.trials.node!.traced = [
      { ...traced, id: 'threads-2', strategy: 'threads', title: '2 worker threads', lanes: [{ label: 'worker thread 1', slices: slices(5000, 30) }, { label: 'worker thread 2', slices: slices(5000, 30) }] },
      // async tasks on one thread cannot overlap: these slices are not from a real run
      { ...traced, id: 'concurrent-2', strategy: 'concurrent', title: 'Concurrent: 2 async tasks on one thread', lanes: [{ label: 'async task 1', slices: slices(5000, 30) }, { label: 'async task 2', slices: slices(5010, 30) }] },
    ]
    const { data, warnings } = summarize(r)
    expect(data.lanes!.map((f) => [f.id, f.overlapMs, f.overlapOfPossible])).toEqual([
      ['threads-2', 30, 1],
      ['concurrent-2', 20, 20 / 30],
    ])
    expect(data.lanes![0]!.stampCost!.untracedMedianMs).toBe(medianOf(valuesOf(nodeVariant(r, 'threads-2').samples)))
    expect(warnings.filter((w) => w.code === 'implausible-lanes').map((w) => w.message)).toEqual([
      'Concurrent: 2 async tasks on one thread: two workers ran at once for 20.0 ms, but async tasks on one thread run one at a time; the slices are not from a real run, or their clocks disagree.',
    ])
  })
})

describe('summarizeFactorize on edited trials', () => {
  it('a single run: every series has one sample, no spread, and the speedup is that one ratio', () => {
    const r = recorded()
    for (const v of r.trials.node!.variants) Object.assign(v, { samples: v.samples.slice(0, 1), details: v.details.slice(0, 1) })
    for (const v of r.trials.python!.output.variants) v.samples = v.samples.slice(0, 1)
    const { series, comparisons, data } = summarize(r)
    for (const s of series) {
      expect(s.summary).toMatchObject({ n: 1, sd: 0, ci95: [s.samples[0]!.valueMs, s.samples[0]!.valueMs], outliers: [] })
    }
    const serial = nodeVariant(r, 'serial').samples[0]!.valueMs
    const threads = nodeVariant(r, 'threads-2').samples[0]!.valueMs
    expect(comparisonOf(comparisons, 'threads-2').ratios).toEqual([serial / threads])
    expect(data.scaling.find((c) => c.strategy === 'threads' && c.runtime === 'node')!.points[1]!.karpFlatt).toBeCloseTo(karpFlattOf(serial / threads, 2), 12)
    expect(data.results.comparedRuns).toBe(r.trials.node!.comparedRuns + r.trials.python!.output.variants.length)
  })

  it('zero spread and perfect scaling: no standard deviation, a speedup of exactly 2, and Amdahl finds no serial fraction', () => {
    const r = recorded()
    setSamples(nodeVariant(r, 'serial'), [250, 250, 250])
    setSamples(nodeVariant(r, 'threads-1'), [250, 250, 250])
    setSamples(nodeVariant(r, 'threads-2'), [125, 125, 125])
    const { series, data, warnings } = summarize(r)
    expect(seriesOf(series, 'serial').summary).toMatchObject({ sd: 0, ci95: [250, 250], median: 250, outliers: [] })
    const threads = data.scaling.find((c) => c.runtime === 'node' && c.strategy === 'threads')!
    expect(threads.points.map((p) => [p.speedup, p.efficiency, p.karpFlatt])).toEqual([[1, 1, null], [2, 1, 0]])
    expect(threads.amdahl).toMatchObject({ serialFraction: 0, maxSpeedup: null })
    expect(data.findings).toContain('Serial: 4 numbers (the list once) took 250 ms on one thread.')
    expect(data.findings).toContain('With 2 worker threads the work ran 2.00× as fast as serial (efficiency 100%; ideal 2.00×).')
    expect(data.findings).toContain("Amdahl's law (node: worker threads, fitted to 1, 2 workers) finds no serial fraction: within the cores the speedup kept pace with the workers.")
    expect(warnings.map((w) => w.code)).not.toContain('short-run')
  })

  it('work a fifth serial: Amdahl and Karp–Flatt both find 20%, and the largest speedup is 5×', () => {
    const r = recorded()
    setSamples(nodeVariant(r, 'serial'), [300, 300, 300])
    setSamples(nodeVariant(r, 'threads-1'), [300, 300, 300])
    setSamples(nodeVariant(r, 'threads-2'), [180, 180, 180]) // 300 × (0.2 + 0.8 / 2)
    const { data } = summarize(r)
    const threads = data.scaling.find((c) => c.runtime === 'node' && c.strategy === 'threads')!
    expect(threads.amdahl!.serialFraction).toBeCloseTo(0.2, 12)
    expect(threads.amdahl!.maxSpeedup).toBeCloseTo(5, 10)
    expect(threads.points[1]!.karpFlatt).toBeCloseTo(0.2, 12)
    expect(data.findings).toContain("Amdahl's law (node: worker threads, fitted to 1, 2 workers) gives a serial fraction of 20%: on any number of cores this work could run at most 5.00× as fast.")
    expect(data.findings.find((f) => f.startsWith('Karp–Flatt serial fraction (node: worker threads)'))).toMatch(/^Karp–Flatt serial fraction \(node: worker threads\): 2 workers 20%\. With more worker counts/)
  })

  it('warns of a short run, a busy machine (at the start or at the end) and a late event loop, each with its number', () => {
    const r = recorded()
    setSamples(nodeVariant(r, 'serial'), [120, 150, 180])
    r.machine.loadAverage = [0.2, 0.2, 0.2]
    r.trials.loadAverageAtEnd = 3.04
    r.trials.eventLoopDelay.maxMs = 75
    expect(summarize(r).warnings.map((w) => [w.code, w.message.match(/\d+(\.\d+)? ms|load average [\d.]+/)?.[0]])).toEqual([
      ['short-run', '150 ms'],
      ['busy-machine', 'load average 3.0'],
      ['event-loop-delay', '75.0 ms'],
    ])
    setSamples(nodeVariant(r, 'serial'), [200, 210, 220])
    r.trials.loadAverageAtEnd = 1.5 // 0.75 of 2 cores: not busy
    r.trials.eventLoopDelay.maxMs = 12
    const calm = summarize(r)
    expect(calm.warnings).toEqual([])
    expect(calm.data.findings).toContain("The lab's event loop, which starts and times the work, stayed responsive throughout: it never ran more than 12.0 ms late.")
  })

  it('Node alone: no Python figures, and the reason Python did not run', () => {
    const r = recorded()
    const reason = 'The run asked for Node only.'
    r.trials.python = undefined
    r.trials.plan = { runtimes: ['node'], warnings: [], pythonSkipped: reason }
    const { series, data, headline } = summarize(r)
    expect(series.map((s) => s.id)).toEqual(r.trials.node!.variants.map((v) => v.id))
    expect(data.python).toEqual({ ran: false, reason })
    expect(data.results.comparedRuns).toBe(r.trials.node!.comparedRuns)
    expect(data.findings.some((f) => /Python/.test(f) && !/GIL behave/.test(f))).toBe(false)
    expect(headline).not.toMatch(/Python/)
  })

  it('Python alone: its divisors are checked against the lesson reference', () => {
    const r = recorded()
    r.trials.node = undefined
    const { data } = summarize(r)
    expect(data.results.referenceChecked).toBe(4)
    expect(data.scale).toBe(r.trials.python!.output.scale)
    r.trials.python!.output.divisors[1]!.divisors = [1, 2]
    expect(() => summarize(r)).toThrow(`The divisors found for ${r.params.numbers[1]} (1, 2) differ from the reference`)
  })

  it('Python disagreeing with Node voids the run, naming the number', () => {
    const r = recorded()
    r.trials.python!.output.divisors[0]!.divisors = [1, 3]
    expect(() => summarize(r)).toThrow(`Python found the divisors of ${r.params.numbers[0]} to be 1, 3, Node found ${LESSON_DIVISORS.get(r.params.numbers[0]!)!.join(', ')}: the runtimes must agree, so this run is void.`)
  })

  it('Python without a serial baseline is refused', () => {
    const r = recorded()
    r.trials.python!.output.variants = r.trials.python!.output.variants.filter((v) => v.strategy !== 'serial')
    expect(() => summarize(r)).toThrow('The Python script measured no serial baseline.')
  })

  it('fresh pools: the start-up of every threads run is reported per worker count', () => {
    const r = recorded()
    r.params = { ...r.params, includeStartup: true }
    nodeVariant(r, 'threads-1').details.forEach((d, i) => (d.startupMs = [30, 10, 20][i]))
    nodeVariant(r, 'threads-2').details.forEach((d, i) => (d.startupMs = [40, 50, 60][i]))
    const { data } = summarize(r)
    expect(data.startup.freshPoolMedianMs).toEqual([
      { workers: 1, ms: 20 },
      { workers: 2, ms: 50 },
    ])
    expect(data.findings).toContain('Every threads run started a fresh pool, so its start-up is in the times: 20.0 ms for 1, 50.0 ms for 2.')
  })
})
