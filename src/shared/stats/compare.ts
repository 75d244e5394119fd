import jstat from 'jstat'
import { mean, sampleVariance } from 'simple-statistics'
import { LabError } from '../errors'
import type { MachineInfo } from '../model/machine'
import type { RunResult } from '../model/result'
import { formatDurationMs, formatPercent, formatSignedPercent } from '../units'

/** A change of the mean smaller than this share is noise, however small p is. */
export const DEFAULT_NOISE_THRESHOLD = 0.05
const DEFAULT_ALPHA = 0.05

export interface WelchTest {
  /** (mean a − mean b) / standard error of the difference. */
  t: number
  /** Welch–Satterthwaite degrees of freedom. */
  df: number
  /** Two-sided p-value. */
  p: number
}

/**
 * Welch's unequal-variances t-test (Welch 1947), two-sided. Needs at least two values on each side.
 * When neither side varies, equal means give p = 1 and different means p = 0.
 */
export function welchTTest(a: readonly number[], b: readonly number[]): WelchTest {
  if (a.length < 2 || b.length < 2) throw new LabError('invalid-params', `Welch's t-test needs at least 2 values on each side; got ${a.length} and ${b.length}.`)
  const varianceShareA = sampleVariance([...a]) / a.length
  const varianceShareB = sampleVariance([...b]) / b.length
  const difference = mean([...a]) - mean([...b])
  const standardError = Math.sqrt(varianceShareA + varianceShareB)
  if (standardError === 0) {
    return { t: difference === 0 ? 0 : Math.sign(difference) * Infinity, df: a.length + b.length - 2, p: difference === 0 ? 1 : 0 }
  }
  const t = difference / standardError
  const df = (varianceShareA + varianceShareB) ** 2 / (varianceShareA ** 2 / (a.length - 1) + varianceShareB ** 2 / (b.length - 1))
  // 2 · P(T ≤ −|t|): the lower tail keeps its precision where 1 − cdf would round to 0
  const p = Math.min(1, 2 * jstat.jStat.studentt.cdf(-Math.abs(t), df))
  return { t, df, p }
}

export interface CompareOptions {
  /** Relative change of the mean below which a difference counts as noise (0.05 = 5%). */
  noiseThreshold?: number
  /** Significance level of the t-test. */
  alpha?: number
}

type ChangeDirection = 'faster' | 'slower' | 'unchanged'

interface SideStats {
  n: number
  meanMs: number
  sdMs: number
  medianMs: number
}

/** One series (same id) of a candidate run against the baseline run. */
export interface SeriesChange {
  seriesId: string
  label: string
  baseline: SideStats
  candidate: SideStats
  /** The larger mean ÷ the smaller: how many times faster or slower (≥ 1). */
  factor: number
  /** One standard error of `factor` (delta method on the two means). */
  factorSe: number
  /** (candidate mean − baseline mean) ÷ baseline mean: −0.2 is 20% less time. */
  relativeChange: number
  /** Null when a side has fewer than two runs. */
  test: WelchTest | null
  significant: boolean
  direction: ChangeDirection
  /** "faster by 1.80× ± 0.10 (significant)", "slower by …", "no significant change". */
  verdict: string
  /** The numbers behind the verdict, in one sentence. */
  explanation: string
}

interface RunRef {
  runId: string
  name: string
  startedAt: string
  machine: string
}

interface CandidateComparison {
  run: RunRef
  changes: SeriesChange[]
  /** Series of the baseline this run does not have, and the other way round. */
  unmatched: string[]
  /** Differences that limit the comparison: other parameters, another machine. */
  notes: string[]
}

export interface RunsComparison {
  experimentId: string
  baseline: RunRef
  candidates: CandidateComparison[]
  noiseThreshold: number
  alpha: number
}

export const describeMachine = (m: MachineInfo): string => `${m.cpuModel}, ${m.logicalCores} logical cores, ${m.os.platform} ${m.os.release}, Node ${m.runtimes.node}`

const refOf = (result: RunResult): RunRef => ({ runId: result.runId, name: result.name, startedAt: result.startedAt, machine: describeMachine(result.machine) })

function sideStats(values: readonly number[]): SideStats {
  const sorted = [...values].sort((x, y) => x - y)
  const middle = Math.floor(sorted.length / 2)
  const medianMs = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
  return { n: values.length, meanMs: mean([...values]), sdMs: values.length > 1 ? Math.sqrt(sampleVariance([...values])) : 0, medianMs }
}

const formatFactor = (value: number): string => value.toFixed(value >= 10 ? 1 : 2)
export const formatP = (p: number): string => (p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`)

/** Candidate against baseline for one series: Welch's test, then the noise threshold, then the words. */
export function compareSamples(seriesId: string, label: string, baselineMs: readonly number[], candidateMs: readonly number[], options: CompareOptions = {}): SeriesChange {
  const noiseThreshold = options.noiseThreshold ?? DEFAULT_NOISE_THRESHOLD
  const alpha = options.alpha ?? DEFAULT_ALPHA
  const baseline = sideStats(baselineMs)
  const candidate = sideStats(candidateMs)
  const relativeChange = (candidate.meanMs - baseline.meanMs) / baseline.meanMs
  const faster = candidate.meanMs < baseline.meanMs
  const factor = faster ? baseline.meanMs / candidate.meanMs : candidate.meanMs / baseline.meanMs
  const relativeSe = (s: SideStats): number => (s.n > 0 && s.meanMs !== 0 ? s.sdMs / Math.sqrt(s.n) / s.meanMs : 0)
  const factorSe = factor * Math.hypot(relativeSe(baseline), relativeSe(candidate))
  const test = baseline.n >= 2 && candidate.n >= 2 ? welchTTest(baselineMs, candidateMs) : null

  const means = `mean ${formatDurationMs(baseline.meanMs)} → ${formatDurationMs(candidate.meanMs)} (${formatSignedPercent(relativeChange)})`
  const testText = test ? `Welch's t = ${test.t.toFixed(2)}, df = ${test.df.toFixed(1)}, ${formatP(test.p)}` : `no test: a t-test needs at least 2 runs on each side (${baseline.n} and ${candidate.n})`
  const beyondNoise = Math.abs(relativeChange) >= noiseThreshold
  const significant = test !== null && test.p < alpha && beyondNoise
  let reason = ''
  if (test && test.p >= alpha) reason = `; the difference could be chance (${formatP(test.p)} ≥ ${alpha})`
  else if (test && !beyondNoise) reason = `; the change is within the ${formatPercent(noiseThreshold, 0)} noise threshold`
  const direction: ChangeDirection = significant ? (faster ? 'faster' : 'slower') : 'unchanged'
  const verdict = significant ? `${direction} by ${formatFactor(factor)}× ± ${formatFactor(factorSe)} (significant)` : 'no significant change'
  return { seriesId, label, baseline, candidate, factor, factorSe, relativeChange, test, significant, direction, verdict, explanation: `${means}; ${testText}${reason}.` }
}

function parameterNotes(baseline: RunResult, candidate: RunResult): string[] {
  const names = [...new Set([...Object.keys(baseline.params), ...Object.keys(candidate.params)])]
  const differing = names.filter((name) => JSON.stringify(baseline.params[name]) !== JSON.stringify(candidate.params[name]))
  const measurementOnly = new Set(['runs', 'warmup'])
  const relevant = differing.filter((name) => !measurementOnly.has(name))
  const notes: string[] = []
  if (relevant.length > 0) {
    const listed = relevant.map((name) => `${name} ${JSON.stringify(baseline.params[name]) ?? 'unset'} → ${JSON.stringify(candidate.params[name]) ?? 'unset'}`).join(', ')
    notes.push(`The parameters differ (${listed}): a change may come from them, not from the machine or the code.`)
  }
  if (describeMachine(baseline.machine) !== describeMachine(candidate.machine)) {
    notes.push(`It ran on another machine or runtime (${describeMachine(candidate.machine)}; the baseline: ${describeMachine(baseline.machine)}).`)
  }
  return notes
}

/**
 * Compares every run with the first (the baseline), series by series (matched by id), as
 * criterion and benchstat do: a change counts only when Welch's test says p < alpha and the
 * means differ by at least the noise threshold. Runs of different experiments are refused.
 */
export function compareRuns(results: readonly RunResult[], options: CompareOptions = {}): RunsComparison {
  const [baseline, ...candidates] = results
  if (!baseline || candidates.length === 0) throw new LabError('invalid-params', `Comparing needs at least two runs; got ${results.length}.`)
  const experiments = [...new Set(results.map((r) => r.experimentId))]
  if (experiments.length > 1) {
    throw new LabError('invalid-params', `These runs come from different experiments (${experiments.join(', ')}); only runs of the same experiment can be compared.`)
  }
  return {
    experimentId: baseline.experimentId,
    baseline: refOf(baseline),
    noiseThreshold: options.noiseThreshold ?? DEFAULT_NOISE_THRESHOLD,
    alpha: options.alpha ?? DEFAULT_ALPHA,
    candidates: candidates.map((candidate) => {
      const changes: SeriesChange[] = []
      const unmatched: string[] = []
      for (const base of baseline.series) {
        const other = candidate.series.find((s) => s.id === base.id)
        if (!other || other.samples.length === 0 || base.samples.length === 0) {
          unmatched.push(base.label)
          continue
        }
        changes.push(compareSamples(base.id, base.label, base.samples.map((s) => s.valueMs), other.samples.map((s) => s.valueMs), options))
      }
      for (const other of candidate.series) if (!baseline.series.some((s) => s.id === other.id)) unmatched.push(other.label)
      return { run: refOf(candidate), changes, unmatched, notes: parameterNotes(baseline, candidate) }
    }),
  }
}
