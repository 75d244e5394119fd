import type { MachineInfo } from '../../../shared/model/machine'
import type { Comparison, RunResult, Series } from '../../../shared/model/result'
import { pairedRatios, summarize } from '../../../shared/stats/summary'
import type { Measured } from '../measure/interleave'
import { measuredRatio } from './explain/measured'
import type { LabPaths } from '../paths'
import type { SpawnerHelpers } from '../processes/spawner-helpers'
import type { AnalysisThread } from '../analysis/analysis-thread'

export interface ExperimentContext {
  signal: AbortSignal
  progress(message: string, done: number, total: number): void
  paths: LabPaths
  /** The machine the run is on; `python` says whether and which Python 3 was found. */
  machine: MachineInfo
  /** Start the run's children here rather than in the lab's own process (see spawner-helpers.ts). */
  spawners: SpawnerHelpers
  /** Read long reports and traces, and summarise, here: off the main thread. */
  analysis: AnalysisThread
}

export type ExperimentOutput<Data = unknown> = Pick<RunResult<Data>, 'series' | 'comparisons' | 'timelines' | 'warnings' | 'data' | 'headline'>

export interface ExperimentRunner<Params, Data = unknown> {
  id: string
  run(params: Params, context: ExperimentContext): Promise<ExperimentOutput<Data>>
}

export function toSeries(measured: Measured<unknown>): Series {
  return {
    id: measured.id,
    label: measured.label,
    samples: measured.samples,
    warmupSamples: measured.warmupSamples,
    summary: summarize(measured.samples.map((s) => s.valueMs)),
  }
}

export function compare(baseline: Series, candidate: Series, parallelism: number, ideal: number): Comparison {
  return withEfficiency(pairedComparison(baseline, candidate, parallelism, ideal))
}

/** How many times faster one guarantee is than another, round by round: no ideal, so no efficiency. */
export function compareCost(slower: Series, faster: Series, parallelism: number): Comparison {
  return { ...pairedComparison(slower, faster, parallelism, 1), kind: 'cost' }
}

function pairedComparison(baseline: Series, candidate: Series, parallelism: number, ideal: number): Comparison {
  const ratios = pairedRatios(
    baseline.samples.map((s) => s.valueMs),
    candidate.samples.map((s) => s.valueMs),
  )
  return {
    baselineId: baseline.id,
    candidateId: candidate.id,
    label: `${candidate.label} vs ${baseline.label}`,
    parallelism,
    ideal,
    ratios,
    summary: summarize(ratios.length > 0 ? ratios : [Number.NaN]),
  }
}

/** The comparison with its efficiency: the median speedup ÷ the ideal. */
export const withEfficiency = (comparison: Comparison): Comparison => ({ ...comparison, efficiency: measuredRatio(comparison.summary.median, comparison.ideal) })
