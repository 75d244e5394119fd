import { max, mean, median, medianAbsoluteDeviation, min, sampleStandardDeviation } from 'simple-statistics'
import jstat from 'jstat'

/** hyperfine's threshold: a modified z-score above this marks an outlier (Iglewicz & Hoaglin, 1993). */
export const OUTLIER_Z_THRESHOLD = 14.826
/** Consistency constant that makes the MAD estimate σ for normal data. */
const MAD_TO_SIGMA = 1.4826

export interface Summary {
  n: number
  mean: number
  /** Sample standard deviation (n − 1); 0 for a single sample. */
  sd: number
  median: number
  min: number
  max: number
  /** 95% confidence interval of the mean (Student's t); equal to the mean when n < 2. */
  ci95: [number, number]
  /** Indices of samples whose modified z-score exceeds OUTLIER_Z_THRESHOLD. */
  outliers: number[]
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('Cannot summarize an empty series.')
  const xs = [...values]
  const n = xs.length
  const mu = mean(xs)
  const sd = n > 1 ? sampleStandardDeviation(xs) : 0
  const half = n > 1 ? jstat.jStat.studentt.inv(0.975, n - 1) * (sd / Math.sqrt(n)) : 0
  return {
    n,
    mean: mu,
    sd,
    median: median(xs),
    min: min(xs),
    max: max(xs),
    ci95: [mu - half, mu + half],
    outliers: outlierIndices(xs),
  }
}

/** Modified z-scores: (x − median) / (1.4826 · MAD). All zero when the MAD is zero. */
export function modifiedZScores(values: readonly number[]): number[] {
  const xs = [...values]
  const m = median(xs)
  const mad = medianAbsoluteDeviation(xs) * MAD_TO_SIGMA
  return xs.map((x) => (mad === 0 ? 0 : (x - m) / mad))
}

export function outlierIndices(values: readonly number[]): number[] {
  if (values.length < 3) return []
  return modifiedZScores(values).flatMap((z, i) => (Math.abs(z) > OUTLIER_Z_THRESHOLD ? [i] : []))
}

/**
 * Speedup from paired samples: each trial's baseline divided by the same trial's candidate,
 * so a drift in machine speed between trials cancels out.
 */
export function pairedRatios(baseline: readonly number[], candidate: readonly number[]): number[] {
  const n = Math.min(baseline.length, candidate.length)
  const ratios: number[] = []
  for (let i = 0; i < n; i++) {
    const b = baseline[i]!
    const c = candidate[i]!
    if (c > 0) ratios.push(b / c)
  }
  return ratios
}
