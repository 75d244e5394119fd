import { readdirSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { uslSentence } from '../../src/main/lab/experiments/factorize-findings'
import { DivisorChecker } from '../../src/main/lab/experiments/factorize-variants'
import { livePoolThreads } from '../../src/main/lab/pool/worker-pool'
import { LabError } from '../../src/shared/errors'
import type { FactorizeData, ScalingCurve } from '../../src/shared/experiments/threads'
import { checkAgainstReference, divisorsOf, factorizeProblem, LESSON_DIVISORS, LESSON_NUMBERS } from '../../src/shared/factorize'
import { amdahlSpeedup, balancedShares, fitAmdahl, fitUsl, inOrderScheduleBound, karpFlatt, longestTaskBound, uslSpeedup } from '../../src/shared/stats/scaling'
import { descendantsOf, labChildren } from './helpers/processes'
import { runFailure, runResult, useLabs } from './helpers/run-experiment'

const newLab = useLabs()

// every lab has been shut down by now: its spawner helpers and anything they started are gone too
afterAll(() => {
  expect(descendantsOf()).toEqual([])
})
const osThreads = (): number => readdirSync('/proc/self/task').length

/** Divisors by an independent method: pairs (i, n / i) up to √n. */
function divisorsBySquareRoot(n: number): number[] {
  const small: number[] = []
  const large: number[] = []
  for (let i = 1; i * i <= n; i++) {
    if (n % i !== 0) continue
    small.push(i)
    if (i * i !== n) large.unshift(n / i)
  }
  return [...small, ...large]
}

describe('factorize: the computation', () => {
  it('finds the reference divisors of the lesson numbers, and agrees with an independent method', () => {
    for (const n of LESSON_NUMBERS) {
      expect(divisorsOf(n)).toEqual(LESSON_DIVISORS.get(n))
      expect(divisorsOf(n)).toEqual(divisorsBySquareRoot(n))
    }
    for (const n of [1, 2, 12, 97, 360, 1024, 5040, 65_536, 99_991]) expect(divisorsOf(n)).toEqual(divisorsBySquareRoot(n))
    expect(checkAgainstReference(LESSON_NUMBERS, LESSON_NUMBERS.map(divisorsOf))).toBe(4)
    expect(() => checkAgainstReference([589213], [[1, 7, 589213]])).toThrow(/divisors found for 589213 \(1, 7, 589213\) differ from the reference \(1, 589213\)/)
  })

  it('refuses numbers it cannot factorize exactly, with a sentence', () => {
    expect(factorizeProblem(-5)).toBe('-5 has no finite list of divisors to find; factorize needs whole numbers from 1 to 9007199254740991.')
    expect(factorizeProblem(0)).toMatch(/^0 has no finite list of divisors/)
    expect(factorizeProblem(2.5)).toBe('2.5 is not a whole number; factorize needs whole numbers from 1 to 9007199254740991.')
    expect(factorizeProblem(2 ** 53 + 2)).toBe('9007199254740994 is too large to be counted exactly in JavaScript (the largest exact whole number is 9007199254740991); choose a smaller number.')
    expect(factorizeProblem(Number.NaN)).toMatch(/^NaN is not a number/)
    expect(factorizeProblem(Number.MAX_SAFE_INTEGER)).toBeUndefined()
    expect(() => divisorsOf(-1)).toThrow(LabError)
  })

  it('fails loudly when a strategy finds other divisors than serial', () => {
    const checker = new DivisorChecker([589213, 789123], [[1, 589213], [1, 3, 17, 51, 15473, 46419, 263041, 789123]])
    checker.check('Serial', [[1, 589213], [1, 3, 17, 51, 15473, 46419, 263041, 789123]])
    expect(checker.comparedRuns).toBe(1)
    expect(() => checker.check('2 worker threads', [[1, 589213], [1, 3]])).toThrow(
      '2 worker threads found the divisors of 789123 to be 1, 3, but serial found 1, 3, 17, 51, 15473, 46419, 263041, 789123: every strategy must find the same divisors, so this run is void.',
    )
  })
})

describe('scaling arithmetic', () => {
  it('recovers the serial fraction of Amdahl data, and Karp–Flatt gives it at every worker count', () => {
    const points = [1, 2, 4, 8].map((workers) => ({ workers, speedup: amdahlSpeedup(0.1, workers) }))
    const fit = fitAmdahl(points)!
    expect(fit.serialFraction).toBeCloseTo(0.1, 10)
    expect(fit.maxSpeedup).toBeCloseTo(10, 8)
    expect(fit.slope).toBeCloseTo(0.9, 10)
    expect(fit.rSquared).toBeCloseTo(1, 10)
    for (const { workers, speedup } of points.slice(1)) expect(karpFlatt(speedup, workers)).toBeCloseTo(0.1, 10)
    expect(karpFlatt(1, 1)).toBeUndefined()
    expect(fitAmdahl([{ workers: 2, speedup: 1.8 }])).toBeUndefined()
  })

  it('recovers the Universal Scalability Law from its own curve, with the peak where the speedup turns down', () => {
    const points = [1, 2, 4, 8, 16].map((workers) => ({ workers, speedup: uslSpeedup(0.05, 0.002, workers) }))
    const fit = fitUsl(points)!
    expect(fit.contention).toBeCloseTo(0.05, 10)
    expect(fit.coherency).toBeCloseTo(0.002, 10)
    expect(fit.peakWorkers).toBeCloseTo(Math.sqrt(0.95 / 0.002), 8)
    expect(fit.peakSpeedup).toBeCloseTo(uslSpeedup(0.05, 0.002, Math.sqrt(0.95 / 0.002)), 10)
    expect(fit.rSquared).toBeCloseTo(1, 10)
    expect(fit.fittedWorkers).toEqual([1, 2, 4, 8, 16])
  })

  it("reads Amdahl's curve as the law without coherency, never fits a negative term, and needs two counts above 1", () => {
    const amdahl = fitUsl([1, 2, 4, 8].map((workers) => ({ workers, speedup: amdahlSpeedup(0.1, workers) })))!
    expect(amdahl.contention).toBeCloseTo(0.1, 10)
    expect(amdahl).toMatchObject({ coherency: 0, peakWorkers: null, peakSpeedup: null })
    // faster than ideal (a busy machine, caches): neither term goes below zero
    expect(fitUsl([{ workers: 1, speedup: 1 }, { workers: 2, speedup: 2.2 }, { workers: 4, speedup: 4.5 }])).toMatchObject({ contention: 0, coherency: 0, peakWorkers: null })
    // a speedup that falls past two cores: a coherency term, and the peak between the counts that rose and fell
    const falls = fitUsl([{ workers: 1, speedup: 1 }, { workers: 2, speedup: 1.9 }, { workers: 4, speedup: 1.7 }, { workers: 8, speedup: 1.2 }])!
    expect(falls.coherency).toBeGreaterThan(0)
    expect(falls.peakWorkers).toBeGreaterThan(2)
    expect(falls.peakWorkers).toBeLessThan(4)
    expect(fitUsl([{ workers: 1, speedup: 1 }, { workers: 2, speedup: 1.8 }])).toBeUndefined()
  })

  it('says what the law adds to Amdahl: a speedup that turns down and where (and why, past the cores), or one that only levels off', () => {
    const curve = (points: [number, number][]): ScalingCurve => ({
      runtime: 'node',
      strategy: 'threads',
      label: 'Node: worker threads',
      points: points.map(([workers, speedup]) => ({ workers, speedup, speedupCi95: [speedup, speedup], runs: 3, efficiency: speedup / workers, karpFlatt: null, seriesId: `threads-${workers}` })),
      amdahl: null,
      usl: fitUsl(points.map(([workers, speedup]) => ({ workers, speedup }))) ?? null,
    })
    expect(uslSentence(curve([[1, 1], [2, 1.9], [4, 1.7], [8, 1.2]]), 2)).toMatch(
      /^The Universal Scalability Law \(node: worker threads, fitted to 1, 2, 4, 8 workers\) finds contention σ 3\.2%, coherency κ 9\.74%: a cost between workers that grows with every pair of them, so by it the speedup peaks near 3 workers at 1\.\d\d× and falls beyond\. Here the workers past this machine's 2 cores take turns on them, which the law counts as such a cost\.$/,
    )
    // 1 / 0.1 in floating point is a hair under 10: formatRatio gives it two decimals
    expect(uslSentence(curve([1, 2, 4, 8].map((w) => [w, amdahlSpeedup(0.1, w)])), 8)).toMatch(
      /^The Universal Scalability Law \(node: worker threads, fitted to 1, 2, 4, 8 workers\) finds contention σ 10%, coherency κ 0\.00%: no cost between workers that grows with their number, so by it the speedup levels off toward 10\.0+× rather than falling\.$/,
    )
    // still rising at the last count: the peak lies past what was measured, and nothing is said of the cores
    expect(uslSentence(curve([[1, 1], [2, 1.99], [4, 3.9], [8, 7.4]]), 2)).toMatch(/so by it the speedup would peak near \d+ workers at [\d.]+×, past the counts measured\.$/)
    expect(uslSentence(curve([[1, 1], [2, 2.2], [4, 4.5]]), 4)).toBe(
      'The Universal Scalability Law (node: worker threads, fitted to 1, 2, 4 workers) finds neither contention nor a cost between workers: by it the speedup keeps pace with the workers.',
    )
    expect(uslSentence(curve([[1, 1], [2, 1.8]]), 2)).toBeUndefined()
  })

  it('bounds the speedup by the longest task: the lesson list caps two workers at 1.75×', () => {
    expect(longestTaskBound(LESSON_NUMBERS, 2)).toBeCloseTo(1.7465, 3)
    expect(longestTaskBound(LESSON_NUMBERS, 8)).toBeCloseTo(1.7465, 3)
    expect(longestTaskBound([1, 1, 1, 1], 2)).toBe(2)
    expect(inOrderScheduleBound(LESSON_NUMBERS, 2)).toBeCloseTo(1.7465, 3)
    expect(inOrderScheduleBound([3, 3, 2, 2, 2], 2)).toBeCloseTo(12 / 7, 10)
    expect(balancedShares([5, 1, 1, 1, 1, 1], 2)).toEqual([[0], [1, 2, 3, 4, 5]])
  })
})

describe('factorize experiment', () => {
  it('runs every Node strategy on the same list and finds identical divisors, with speedups, bounds and timings', async () => {
    const result = await runResult<FactorizeData>(newLab(), 'factorize', { runtime: 'node', scale: 1, workers: [1, 2], runs: 2, warmup: 0 })
    const ids = result.series.map((s) => s.id)
    expect(ids).toEqual(['serial', 'concurrent-1', 'concurrent-2', 'threads-1', 'threads-2', 'processes-1', 'processes-2'])
    expect(result.series.every((s) => s.samples.length === 2)).toBe(true)
    const data = result.data
    expect(data.tasks).toBe(4)
    expect(data.results.identical).toBe(true)
    expect(data.results.comparedRuns).toBe(17) // 7 variants × 2 runs, and the traced trial of 3 strategies
    expect(data.results.referenceChecked).toBe(4)
    expect(data.results.divisors.map((d) => d.divisors)).toEqual(LESSON_NUMBERS.map((n) => LESSON_DIVISORS.get(n)))
    expect(data.split.largestTaskShare).toBeCloseTo(2139079 / (2139079 + 218502 + 589213 + 789123), 10)
    expect(data.split.bounds.find((b) => b.workers === 2)!.longestTaskBound).toBeCloseTo(1.7465, 3)
    expect(result.comparisons.map((c) => [c.candidateId, c.parallelism, c.ideal, c.ratios.length])).toContainEqual(['threads-2', 2, 2, 2])
    const threads = data.scaling.find((c) => c.runtime === 'node' && c.strategy === 'threads')!
    expect(threads.points.map((p) => p.workers)).toEqual([1, 2])
    expect(threads.points[1]!.efficiency).toBeCloseTo(threads.points[1]!.speedup / 2, 10)
    expect(data.startup.pool!.workers).toBe(2)
    expect(data.startup.processMedianMs!.map((s) => s.workers)).toEqual([1, 2])
    expect(data.eventLoopDelay.resolutionMs).toBeGreaterThan(0)
    expect(data.python.ran).toBe(false)
    expect(data.findings.some((f) => /Async tasks taking turns on one thread/.test(f))).toBe(true)
    expect(data.findings.some((f) => /All 17 runs found the same divisors/.test(f))).toBe(true)
    // one traced trial per strategy at 2 workers: one lane per worker, in place of per-task timelines
    expect(result.timelines).toEqual([])
    expect(data.lanes!.map((f) => [f.id, f.lanes.length])).toEqual([
      ['concurrent-2', 2],
      ['threads-2', 2],
      ['processes-2', 2],
    ])
    expect(result.headline).toMatch(/^Factorize 4 numbers, serial .*Node 2 threads .*×/)
  }, 60_000) // 14 measured trials and 3 traced ones, with children starting, on a machine that may be shared

  it('refuses invalid numbers and too much work with a sentence', async () => {
    const lab = newLab()
    expect(() => lab.runs.start('factorize', { numbers: [2139079, -5] })).toThrow('numbers.1: each of numbers must be a whole number from 1 to 9007199254740991; got -5.')
    expect(() => lab.runs.start('factorize', { numbers: [2.5] })).toThrow(/each of numbers must be a whole number/)
    expect(() => lab.runs.start('factorize', { numbers: [2 ** 53 + 2] })).toThrow(/each of numbers must be a whole number from 1 to 9007199254740991; got 9007199254740994/)
    expect(() => lab.runs.start('factorize', { strategies: ['serial', 'gil'] })).toThrow(/each of strategies must be one of serial, concurrent, threads, processes/)
    const failure = await runFailure(lab, 'factorize', { numbers: [9_007_199_254_740_881], runtime: 'node' })
    expect(failure.error.code).toBe('invalid-params')
    expect(failure.error.message).toBe('These numbers need 9.0e+15 trial divisions; a run may ask for at most 1e+10 (about 20 s of serial work). Choose smaller numbers or a smaller scale.')
  })

  it('cancel mid-run stops every worker thread and child process at once', async () => {
    const lab = newLab()
    // the first child this process starts brings the launcher's one reaper thread, which stays (it is not a leak)
    await runResult(lab, 'command', { command: 'true', runs: 1, warmup: 0, maxParallel: 1 })
    const threadsBefore = osThreads()
    let runId = ''
    const sawChildren = new Promise<void>((resolve) => {
      lab.events.subscribe((name, payload) => {
        const progress = payload as { runId?: string; message?: string }
        if (name === 'runProgress' && progress.runId === runId && /child process/.test(progress.message ?? '')) resolve()
      })
    })
    const failed = new Promise<{ cancelled: boolean }>((resolve) => lab.events.subscribe((name, payload) => name === 'runFailed' && resolve(payload as { cancelled: boolean })))
    runId = lab.runs.start('factorize', { runtime: 'node', scale: 300, workers: [2], strategies: ['threads', 'processes'], runs: 1, warmup: 0 }).runId
    await sawChildren
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(labChildren(lab).length).toBeGreaterThan(0)
    expect(livePoolThreads()).toBeGreaterThan(0)
    const cancelledAt = performance.now()
    lab.runs.cancel(runId)
    const failure = await failed
    expect(performance.now() - cancelledAt).toBeLessThan(3000)
    expect(failure.cancelled).toBe(true)
    expect(labChildren(lab)).toEqual([])
    expect(livePoolThreads()).toBe(0)
    expect(osThreads()).toBeLessThanOrEqual(threadsBefore)
  })
})
