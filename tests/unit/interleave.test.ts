import { describe, expect, it } from 'vitest'
import { DEFAULT_MAX_RUNS, measureInterleaved, type Variant } from '../../src/main/lab/measure/interleave'

/** Variants that report a fixed time at once and log the order they ran in: the plan's logic, not the clock. */
function fakeVariants(times: Record<string, number>, log: string[]): Variant<null>[] {
  return Object.entries(times).map(([id, valueMs]) => ({
    id,
    label: id.toUpperCase(),
    run: async () => {
      log.push(id)
      return { valueMs, detail: null }
    },
  }))
}

const plan = (extra: Partial<Parameters<typeof measureInterleaved>[1]> = {}): Parameters<typeof measureInterleaved>[1] => ({ warmup: 0, runs: 3, signal: new AbortController().signal, ...extra })

describe('interleaved measurement', () => {
  it('warms up, then runs the variants in rounds: A B C, A B C, …', async () => {
    const log: string[] = []
    const measured = await measureInterleaved(fakeVariants({ a: 1, b: 2, c: 3 }, log), plan({ warmup: 1, runs: 2 }))
    expect(log).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c'])
    expect(measured.map((m) => [m.warmupSamples.length, m.samples.length])).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ])
    expect(measured[1]!.samples.map((s) => s.trial)).toEqual([0, 1])
    expect(measured[1]!.samples.every((s) => s.valueMs === 2 && s.startedAtMs > 1.6e12)).toBe(true)
  })

  it('without a minimum time runs exactly the count asked for (as before)', async () => {
    const measured = await measureInterleaved(fakeVariants({ a: 0.01 }, []), plan({ runs: 4 }))
    expect(measured[0]!.samples).toHaveLength(4)
  })

  it('with a minimum time keeps going until every variant has used it', async () => {
    // a uses 10 ms a run, b 30 ms: a needs 10 runs for 100 ms, and b runs alongside it
    const measured = await measureInterleaved(fakeVariants({ a: 10, b: 30 }, []), plan({ runs: 2, minTimeMs: 100 }))
    expect(measured.map((m) => m.samples.length)).toEqual([10, 10])
  })

  it('never fewer than the minimum count, even when the time is met sooner', async () => {
    const measured = await measureInterleaved(fakeVariants({ a: 500 }, []), plan({ runs: 5, minTimeMs: 100 }))
    expect(measured[0]!.samples).toHaveLength(5)
  })

  it('stops at maxRuns, or at DEFAULT_MAX_RUNS when only a time is given', async () => {
    expect((await measureInterleaved(fakeVariants({ a: 1 }, []), plan({ runs: 2, minTimeMs: 1000, maxRuns: 7 })))[0]!.samples).toHaveLength(7)
    expect((await measureInterleaved(fakeVariants({ a: 0.001 }, []), plan({ runs: 2, minTimeMs: 60_000 })))[0]!.samples).toHaveLength(DEFAULT_MAX_RUNS)
  })

  it('reports progress whose total grows with the rounds the time needs, never below what is done', async () => {
    const reports: [number, number][] = []
    await measureInterleaved(fakeVariants({ a: 10, b: 10 }, []), plan({ warmup: 1, runs: 2, minTimeMs: 60, onProgress: (_m, done, total) => reports.push([done, total]) }))
    expect(reports.every(([done, total]) => done <= total)).toBe(true)
    expect(reports.at(-1)).toEqual([14, 14]) // (1 warm-up + 6 rounds) × 2 variants
    expect(reports.at(-2)![1]).toBe(14)
  })

  it('stops when cancelled, starting no further run', async () => {
    const controller = new AbortController()
    const log: string[] = []
    const variants = fakeVariants({ a: 1, b: 1 }, log)
    variants[1]!.run = async () => {
      log.push('b')
      controller.abort()
      return { valueMs: 1, detail: null }
    }
    await expect(measureInterleaved(variants, plan({ runs: 5, signal: controller.signal }))).rejects.toMatchObject({ code: 'cancelled' })
    expect(log).toEqual(['a', 'b'])
  })
})
