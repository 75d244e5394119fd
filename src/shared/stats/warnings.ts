import { median } from 'simple-statistics'
import type { RunWarning, Series } from '../model/result'
import { formatDurationMs, formatPercent } from '../units'
import { modifiedZScores, OUTLIER_Z_THRESHOLD } from './summary'

/** Above this σ ÷ mean (after setting outliers aside) a series varies too much to compare closely. */
const HIGH_SPREAD_CV = 0.2
/** A first run this many times the median of the others is "much slower", even when few runs make the z-score blunt. */
const SLOW_FIRST_RUN_RATIO = 1.5
/**
 * An outlier by the z-score that lies this close to the median is not worth a warning: when most runs
 * are nearly identical the MAD is tiny, and a run 1% off scores as an outlier.
 */
const MIN_OUTLIER_DEVIATION = 0.05
/** Fewer measured runs than this give no usable 95% interval. */
const MIN_RUNS_FOR_INTERVAL = 3

const times = (ratio: number): string => `${ratio.toFixed(1)}×`
const runList = (runs: readonly number[]): string => (runs.length === 1 ? `Run ${runs[0]}` : `Runs ${runs.slice(0, -1).join(', ')} and ${runs.at(-1)}`)
const andList = (items: readonly string[]): string => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`)

function slowFirstRun(series: Series): RunWarning | undefined {
  const values = series.samples.map((s) => s.valueMs)
  const [first, ...rest] = values
  if (first === undefined || rest.length < 2 || first <= Math.max(...rest)) return undefined
  const restMedian = median(rest)
  const z = modifiedZScores(values)[0] ?? 0
  if (z <= OUTLIER_Z_THRESHOLD && first < restMedian * SLOW_FIRST_RUN_RATIO) return undefined
  const warmups = series.warmupSamples.length
  const advice = warmups === 0 ? 'Add a warm-up run or two' : `Try more warm-up runs (this one had ${warmups})`
  return {
    code: 'slow-first-run',
    message: `The first run of ${series.label} was much slower than the rest: ${formatDurationMs(first)} against a median of ${formatDurationMs(restMedian)} (${times(first / restMedian)}). Caches, a cold disk or a runtime still starting up? ${advice}.`,
  }
}

function outliers(series: Series, skipFirst: boolean): RunWarning | undefined {
  const values = series.samples.map((s) => s.valueMs)
  const middle = median(values)
  const indices = series.summary.outliers.filter((i) => !(skipFirst && i === 0) && values[i] !== undefined && Math.abs(values[i]! - middle) > middle * MIN_OUTLIER_DEVIATION)
  if (indices.length === 0) return undefined
  const runs = indices.map((i) => (series.samples[i]?.trial ?? i) + 1)
  const ratios = indices.map((i) => times(values[i]! / middle))
  const slow = indices.some((i) => values[i]! > middle)
  const cause = slow ? 'the machine was probably busy then' : 'something made them unusually fast (a cached answer, a skipped step?)'
  return {
    code: 'outliers',
    message: `${runList(runs)} of ${series.label} took ${andList(ratios)} the median of ${formatDurationMs(middle)}: ${cause}. Close other programs, or use more runs so a single run weighs less.`,
  }
}

function highSpread(series: Series): RunWarning | undefined {
  const outlierSet = new Set(series.summary.outliers)
  const kept = series.samples.filter((_, i) => !outlierSet.has(i)).map((s) => s.valueMs)
  if (kept.length < 2) return undefined
  const mu = kept.reduce((sum, v) => sum + v, 0) / kept.length
  const sd = Math.sqrt(kept.reduce((sum, v) => sum + (v - mu) ** 2, 0) / (kept.length - 1))
  if (!(mu > 0) || sd / mu <= HIGH_SPREAD_CV) return undefined
  return {
    code: 'high-spread',
    message: `The times of ${series.label} vary a lot from run to run: σ is ${formatPercent(sd / mu, 0)} of the mean (${formatDurationMs(mu)} ± ${formatDurationMs(sd)}). Small differences cannot be trusted; close other programs and use more runs, or compare medians.`,
  }
}

function fewRuns(all: readonly Series[]): RunWarning | undefined {
  const short = all.filter((s) => s.samples.length > 0 && s.samples.length < MIN_RUNS_FOR_INTERVAL)
  if (short.length === 0) return undefined
  const counts = [...new Set(short.map((s) => s.samples.length))].sort((a, b) => a - b)
  const what = counts.length === 1 && counts[0] === 1 ? 'one measured run, so there is no 95% interval' : `only ${andList(counts.map(String))} measured runs, so the 95% interval is very wide`
  return {
    code: 'few-runs',
    message: `${andList(short.map((s) => s.label))} had ${what}. Use at least 5 runs for numbers you can compare.`,
  }
}

/**
 * Advice about the quality of a run's measurements, as hyperfine gives it: outliers by the
 * modified z-score, a first run much slower than the rest, a large spread, too few runs.
 * Each warning names the series and says what to do.
 */
export function measurementWarnings(series: readonly Series[]): RunWarning[] {
  const warnings: RunWarning[] = []
  for (const s of series) {
    const first = slowFirstRun(s)
    const outlier = outliers(s, first !== undefined)
    const spread = first || outlier ? undefined : highSpread(s)
    for (const warning of [first, outlier, spread]) if (warning) warnings.push(warning)
  }
  const few = fewRuns(series)
  if (few) warnings.push(few)
  return warnings
}
