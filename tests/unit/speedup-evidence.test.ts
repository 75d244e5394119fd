import { describe, expect, it } from 'vitest'
import { factorizeFindings, type FindingsInput } from '../../src/main/lab/experiments/factorize-findings'
import type { ScalingCurve, ScalingPoint } from '../../src/shared/experiments/threads'
import { speedupEvidence } from '../../src/shared/stats/speedup-evidence'
import { summarize } from '../../src/shared/stats/summary'

describe('speedupEvidence: a speedup is called a speedup only where its 95% interval leaves out 1×', () => {
  it('says faster or slower where the interval is on one side of 1×, and adds nothing', () => {
    expect(speedupEvidence([1.6, 1.9], 5)).toEqual({ verdict: 'faster', qualifier: '' })
    expect(speedupEvidence([0.7, 0.95], 5)).toEqual({ verdict: 'slower', qualifier: '' })
  })

  it('says "not clearly different from 1×" with the interval and the runs where it straddles 1×', () => {
    // the two per-run ratios of a real 2-run factorize: 1.53 and 0.71
    const ratios = summarize([1.53, 0.71])
    const evidence = speedupEvidence(ratios.ci95, ratios.n)
    expect(evidence.verdict).toBe('unclear')
    // Student's t with one degree of freedom: the interval is wide, and its low end below 0× is shown as 0×
    // mean 1.12, sd 0.58, t(0.975, 1) = 12.706: 1.12 ± 5.21
    expect(ratios.ci95[0]).toBeLessThan(0)
    expect(ratios.ci95[1]).toBeCloseTo(1.12 + 12.706 * 0.41, 1)
    expect(evidence.qualifier).toBe(`, not clearly different from 1× (95% interval 0.00×–${ratios.ci95[1].toFixed(2)}× over 2 runs)`)
  })

  it('warns that one run has no interval, and adds nothing for results saved before runs were kept', () => {
    expect(speedupEvidence([1.5, 1.5], 1)).toEqual({ verdict: 'one-run', qualifier: ' (one run, so no interval: it may be noise)' })
    expect(speedupEvidence([0.5, 2], undefined)).toEqual({ verdict: 'unclear', qualifier: '' })
  })
})

describe('factorize findings word a speedup as its interval allows', () => {
  const point = (workers: number, ratios: number[]): ScalingPoint => {
    const s = summarize(ratios)
    return { workers, speedup: s.median, speedupCi95: s.ci95, runs: s.n, efficiency: s.median / workers, karpFlatt: null, seriesId: `s${workers}` }
  }
  const curve = (runtime: 'node' | 'python', strategy: 'threads' | 'processes', points: ScalingPoint[]): ScalingCurve => ({ runtime, strategy, label: `${runtime} ${strategy}`, points, amdahl: null })
  const input = (curves: ScalingCurve[], gilEnabled: boolean): FindingsInput => ({
    cores: 2,
    tasks: 10,
    numbersPerTask: 1,
    poolTasks: 10,
    scale: 1,
    curves,
    serialMedianMs: { node: 100, python: 300 },
    split: { largestTaskShare: 0.1, bounds: [] },
    startup: {},
    includeStartup: false,
    eventLoop: { maxMs: 3, p99Ms: 2, meanMs: 1, resolutionMs: 1 },
    python: { ran: true, version: '3.13.1', implementation: 'CPython', gilEnabled, freeThreadedBuild: !gilEnabled, tasks: 10, scale: 1 },
    results: { comparedRuns: 2, referenceChecked: 0 },
  })
  const sentenceAbout = (findings: string[], words: string): string => findings.find((f) => f.includes(words)) ?? ''

  it('under the GIL, Python threads that were not clearly faster are "not clearly different from 1×", and the GIL explains it', () => {
    const findings = factorizeFindings(input([curve('node', 'threads', [point(2, [1.9, 1.95, 1.92])]), curve('python', 'threads', [point(2, [1.53, 0.71])])], true))
    const python = sentenceAbout(findings, '2 threads ran')
    expect(python).toMatch(/2 threads ran 1\.12× as fast as serial, not clearly different from 1× \(95% interval 0\.00×–[\d.]+× over 2 runs\): the GIL lets only one thread run Python code at a time/)
    // a clear Node speedup is stated plainly
    expect(sentenceAbout(findings, 'worker threads the work ran')).toMatch(/^With 2 worker threads the work ran 1\.92× as fast as serial \(efficiency/)
  })

  it('with the GIL off, only a clear speedup is put down to threads running in parallel', () => {
    const clear = sentenceAbout(factorizeFindings(input([curve('python', 'threads', [point(2, [1.8, 1.85, 1.9, 1.82])])], false)), '2 threads ran')
    expect(clear).toMatch(/2 threads ran 1\.8\d× as fast as serial: with the GIL off, threads run Python code in parallel\./)
    const unclear = sentenceAbout(factorizeFindings(input([curve('python', 'threads', [point(2, [1.4, 0.8])])], false)), '2 threads ran')
    expect(unclear).toMatch(/not clearly different from 1×.*the GIL was off, so threads could run Python code in parallel, yet this run does not show them faster\./)
  })

  it('under the GIL, a clear Python-threads speedup is not put down to parallel Python code', () => {
    const sentence = sentenceAbout(factorizeFindings(input([curve('python', 'threads', [point(2, [1.5, 1.52, 1.49])])], true)), '2 threads ran')
    expect(sentence).toMatch(/a clear speedup means part of the work ran outside it/)
  })
})
