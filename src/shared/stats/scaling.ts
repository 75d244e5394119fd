/**
 * How speedup scales with workers: Amdahl's law, the Karp–Flatt metric, the Universal
 * Scalability Law, and the bound that the split of the work into tasks puts on any number of
 * workers.
 */
import { sum, sumNthPowerDeviations } from 'simple-statistics'

export interface SpeedupPoint {
  workers: number
  speedup: number
}

/** Amdahl: S(p) = 1 / (f + (1 − f) / p) for serial fraction f. */
export const amdahlSpeedup = (serialFraction: number, workers: number): number => 1 / (serialFraction + (1 - serialFraction) / workers)

/**
 * Karp–Flatt experimentally determined serial fraction, e = (1/S − 1/p) / (1 − 1/p)
 * (Karp & Flatt, CACM 33(5), 1990). Undefined for p = 1. A value that grows with p points
 * at overhead or missing cores rather than at serial code.
 */
export function karpFlatt(speedup: number, workers: number): number | undefined {
  if (workers <= 1 || !(speedup > 0)) return undefined
  return (1 / speedup - 1 / workers) / (1 - 1 / workers)
}

export interface AmdahlFit {
  /** The fitted serial fraction f (intercept of 1/S against 1/p), clamped to [0, 1]. */
  serialFraction: number
  /** 1/f: the speedup no number of workers can pass; null when f is 0 (no limit found). */
  maxSpeedup: number | null
  /** The least-squares line 1/S = intercept + slope · (1/p); Amdahl predicts slope = 1 − intercept. */
  intercept: number
  slope: number
  /** Coefficient of determination; undefined with only two points (a line fits them exactly). */
  rSquared?: number
  /** The worker counts the fit used. */
  fittedWorkers: number[]
}

/**
 * Least squares of 1/S against 1/p: Amdahl's law makes 1/S = f + (1 − f)/p a straight line
 * whose intercept is the serial fraction. Needs two different worker counts.
 */
/** The points a fit can use: at least one worker and a finite, positive speedup. */
const usableSpeedups = (points: readonly SpeedupPoint[]): SpeedupPoint[] => points.filter((p) => p.workers >= 1 && p.speedup > 0 && Number.isFinite(p.speedup))

export function fitAmdahl(points: readonly SpeedupPoint[]): AmdahlFit | undefined {
  const usable = usableSpeedups(points)
  const xs = usable.map((p) => 1 / p.workers)
  const ys = usable.map((p) => 1 / p.speedup)
  if (new Set(xs).size < 2) return undefined
  const n = xs.length
  const meanX = xs.reduce((a, b) => a + b, 0) / n
  const meanY = ys.reduce((a, b) => a + b, 0) / n
  let sxx = 0
  let sxy = 0
  let syy = 0
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - meanX
    const dy = ys[i]! - meanY
    sxx += dx * dx
    sxy += dx * dy
    syy += dy * dy
  }
  const slope = sxy / sxx
  const intercept = meanY - slope * meanX
  const serialFraction = Math.min(1, Math.max(0, intercept))
  return {
    serialFraction,
    maxSpeedup: serialFraction > 0 ? 1 / serialFraction : null,
    intercept,
    slope,
    rSquared: n > 2 && syy > 0 ? (sxy * sxy) / (sxx * syy) : undefined,
    fittedWorkers: usable.map((p) => p.workers),
  }
}

/** Gunther's Universal Scalability Law: S(p) = p / (1 + σ(p − 1) + κ·p(p − 1)). */
export const uslSpeedup = (contention: number, coherency: number, workers: number): number => workers / (1 + contention * (workers - 1) + coherency * workers * (workers - 1))

export interface UslFit {
  /** σ: the share of the work that queues for something shared (a lock, a core, the memory bus); Amdahl's serial fraction plays this part. */
  contention: number
  /** κ: the cost of keeping workers in step with one another, growing with every pair of them; above 0, adding workers eventually makes it slower. */
  coherency: number
  /** Where the fitted curve peaks, sqrt((1 − σ) / κ) workers; null when κ is 0 (the curve only levels off). */
  peakWorkers: number | null
  /** The fitted speedup at that peak. */
  peakSpeedup: number | null
  /** Coefficient of determination of the fitted speedups against the measured ones; undefined with only two unknowns' worth of points. */
  rSquared?: number
  /** The worker counts the fit used. */
  fittedWorkers: number[]
}

/**
 * Least squares of the Universal Scalability Law (N. J. Gunther, Guerrilla Capacity Planning,
 * 2007, ch. 5): p/S − 1 = σ(p − 1) + κ·p(p − 1) is linear in σ and κ with no intercept, so two
 * regressors through the origin. σ and κ cannot be negative: where one comes out below zero, the
 * other is fitted alone (and both are 0 when neither fits). Needs two worker counts above 1.
 */
export function fitUsl(points: readonly SpeedupPoint[]): UslFit | undefined {
  const usable = usableSpeedups(points)
  const rows = usable.filter((p) => p.workers > 1).map((p) => ({ x1: p.workers - 1, x2: p.workers * (p.workers - 1), y: p.workers / p.speedup - 1 }))
  if (new Set(rows.map((r) => r.x1)).size < 2) return undefined
  const sumRows = (f: (r: (typeof rows)[number]) => number): number => sum(rows.map(f))
  const s11 = sumRows((r) => r.x1 * r.x1)
  const s12 = sumRows((r) => r.x1 * r.x2)
  const s22 = sumRows((r) => r.x2 * r.x2)
  const s1y = sumRows((r) => r.x1 * r.y)
  const s2y = sumRows((r) => r.x2 * r.y)
  const determinant = s11 * s22 - s12 * s12
  let contention = (s1y * s22 - s2y * s12) / determinant
  let coherency = (s2y * s11 - s1y * s12) / determinant
  // a κ within rounding of 0 is 0 (Amdahl's curve, exactly), not a peak at a billion workers
  if (coherency < 1e-9) [contention, coherency] = [Math.max(0, s1y / s11), 0]
  else if (contention < 0) [contention, coherency] = [0, Math.max(0, s2y / s22)]
  const peakWorkers = coherency > 0 && contention < 1 ? Math.sqrt((1 - contention) / coherency) : null
  const residual = sum(usable.map((p) => (p.speedup - uslSpeedup(contention, coherency, p.workers)) ** 2))
  const spread = sumNthPowerDeviations(usable.map((p) => p.speedup), 2)
  return {
    contention,
    coherency,
    peakWorkers,
    peakSpeedup: peakWorkers === null ? null : uslSpeedup(contention, coherency, peakWorkers),
    rSquared: rows.length > 2 && spread > 0 ? 1 - residual / spread : undefined,
    fittedWorkers: usable.map((p) => p.workers),
  }
}

/** total ÷ max(total/p, longest task): no schedule of these tasks on p workers does better. */
export function longestTaskBound(taskWork: readonly number[], workers: number): number {
  const total = taskWork.reduce((a, b) => a + b, 0)
  const longest = taskWork.reduce((a, b) => Math.max(a, b), 0)
  if (total === 0) return 1
  return total / Math.max(total / workers, longest)
}

/**
 * The speedup of handing tasks out in order to whichever of p workers is free first,
 * with no overhead at all: what a perfect pool would reach with this split of the work.
 */
export function inOrderScheduleBound(taskWork: readonly number[], workers: number): number {
  const total = taskWork.reduce((a, b) => a + b, 0)
  if (total === 0) return 1
  const finish = new Float64Array(Math.max(1, Math.min(workers, taskWork.length)))
  for (const work of taskWork) {
    let earliest = 0
    for (let w = 1; w < finish.length; w++) if (finish[w]! < finish[earliest]!) earliest = w
    finish[earliest]! += work
  }
  return total / finish.reduce((a, b) => Math.max(a, b), 0)
}

/**
 * Splits tasks between `parts` workers that each get a fixed share up front, each task going
 * to the least-loaded part so far (in list order). Returns the task indices of each part.
 */
export function balancedShares(taskWork: readonly number[], parts: number): number[][] {
  const shares: number[][] = Array.from({ length: Math.max(1, parts) }, () => [])
  const load = new Float64Array(shares.length)
  taskWork.forEach((work, index) => {
    let lightest = 0
    for (let s = 1; s < load.length; s++) if (load[s]! < load[lightest]!) lightest = s
    shares[lightest]!.push(index)
    load[lightest]! += work
  })
  return shares
}
