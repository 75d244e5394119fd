import { describe, expect, it } from 'vitest'
import type { ScalingPoint } from '../../src/shared/experiments/threads'
import { concurrentSentence } from '../../src/main/lab/workload/findings'

const point = (speedup: number, ci95: [number, number], runs: number): ScalingPoint => ({ workers: 8, speedup, speedupCi95: ci95, runs, efficiency: speedup / 8, karpFlatt: null, seriesId: 'concurrent' })

describe('what async tasks on one thread say about a workload', () => {
  it('a clear gain: the work waits, and one thread overlaps the waits', () => {
    expect(concurrentSentence(point(8.4, [7.9, 8.9], 5))).toMatch(/ran 8\.40× as fast as serial: your work waits/)
  })

  it('no gain, with runs that rule out one as large as waiting gives: the work keeps the thread busy', () => {
    expect(concurrentSentence(point(1.01, [0.97, 1.05], 5))).toMatch(/Your work keeps the thread busy \(CPU\)/)
    expect(concurrentSentence(point(0.9, [0.85, 0.95], 5))).toMatch(/keeps the thread busy/)
  })

  it('runs too few or too spread to tell (two runs, 9× and 3.8×): says so, and claims neither', () => {
    const sentence = concurrentSentence(point(6.43, [0, 14.7], 2))
    expect(sentence).toMatch(/not clearly different from 1× \(95% interval 0\.00×–14\.7× over 2 runs\)/)
    expect(sentence).toMatch(/too uncertain to tell whether your work waits or keeps the thread busy/)
    expect(sentence).not.toMatch(/keeps the thread busy \(CPU\)|one thread overlaps the waits/)
    expect(concurrentSentence(point(7.5, [7.5, 7.5], 1))).toMatch(/one run, so no interval.*too uncertain/)
  })
})
