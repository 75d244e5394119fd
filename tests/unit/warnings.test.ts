import { describe, expect, it } from 'vitest'
import type { Series } from '../../src/shared/model/result'
import { summarize } from '../../src/shared/stats/summary'
import { measurementWarnings } from '../../src/shared/stats/warnings'

function series(label: string, values: number[], warmups = 1): Series {
  return {
    id: label.toLowerCase(),
    label,
    samples: values.map((valueMs, trial) => ({ trial, startedAtMs: trial * 1000, valueMs })),
    warmupSamples: Array.from({ length: warmups }, (_, trial) => ({ trial, startedAtMs: -1000, valueMs: values[0]! })),
    summary: summarize(values),
  }
}

const codes = (s: Series[]): string[] => measurementWarnings(s).map((w) => w.code)

describe('measurement warnings', () => {
  it('says nothing about steady measurements', () => {
    expect(measurementWarnings([series('Serial', [1050, 1055, 1048, 1052, 1051]), series('Parallel', [170, 172, 169, 171, 173])])).toEqual([])
  })

  it('names the outlier run, how far off it is, and what to do', () => {
    // median 104, MAD 1: run 3 is (250 − 104) / 1.4826 ≈ 98 robust σ away
    const [warning] = measurementWarnings([series('Parallel', [104, 105, 250, 103, 104, 105, 103])])
    expect(warning).toEqual({
      code: 'outliers',
      message: 'Run 3 of Parallel took 2.4× the median of 104 ms: the machine was probably busy then. Close other programs, or use more runs so a single run weighs less.',
    })
  })

  it('lists several outliers together', () => {
    const [warning] = measurementWarnings([series('Serial', [100, 101, 99, 300, 100, 101, 99, 250, 100])])
    expect(warning!.message).toMatch(/^Runs 4 and 8 of Serial took 3\.0× and 2\.5× the median of 100 ms/)
  })

  it('warns when the first run was much slower: caches? more warm-up runs', () => {
    const [warning, ...rest] = measurementWarnings([series('Serial', [190, 105, 104, 106, 105], 0)])
    expect(warning!.code).toBe('slow-first-run')
    expect(warning!.message).toBe('The first run of Serial was much slower than the rest: 190 ms against a median of 105 ms (1.8×). Caches, a cold disk or a runtime still starting up? Add a warm-up run or two.')
    // the same run is not reported a second time as an outlier
    expect(rest).toEqual([])
    expect(measurementWarnings([series('Serial', [190, 105, 104, 106, 105], 2)])[0]!.message).toMatch(/Try more warm-up runs \(this one had 2\)\.$/)
  })

  it('does not call a first run slow when the rest vary as much', () => {
    expect(codes([series('Serial', [120, 105, 125, 100, 110])])).not.toContain('slow-first-run')
  })

  it('warns about a large spread (coefficient of variation), apart from outliers', () => {
    // mean 110, σ = √(7000 / 5) = 37.4
    const [warning] = measurementWarnings([series('Parallel', [100, 160, 80, 140, 60, 120])])
    expect(warning!.code).toBe('high-spread')
    expect(warning!.message).toMatch(/^The times of Parallel vary a lot from run to run: σ is 34% of the mean \(110 ms ± 37\.4 ms\)\./)
  })

  it('warns once about too few runs for an interval, naming the series', () => {
    const warnings = measurementWarnings([series('Serial', [1050, 1049]), series('Parallel', [170])])
    expect(warnings).toEqual([
      { code: 'few-runs', message: 'Serial and Parallel had only 1 and 2 measured runs, so the 95% interval is very wide. Use at least 5 runs for numbers you can compare.' },
    ])
    expect(measurementWarnings([series('Parallel', [170])])[0]!.message).toBe('Parallel had one measured run, so there is no 95% interval. Use at least 5 runs for numbers you can compare.')
  })
})

describe('outliers that barely differ', () => {
  it('are not worth a warning when they lie within 5% of the median', () => {
    const values = [1059, 1060, 1060.01, 1060.02, 1060]
    const series: Series = { id: 's', label: 'Serial', samples: values.map((valueMs, trial) => ({ trial, startedAtMs: trial, valueMs })), warmupSamples: [], summary: summarize(values) }
    expect(series.summary.outliers.length).toBeGreaterThan(0)
    expect(measurementWarnings([series]).filter((w) => w.code === 'outliers')).toEqual([])
  })
})
