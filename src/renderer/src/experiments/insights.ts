import type { Component } from 'vue'
import type { ChartConfiguration } from 'chart.js'
import type { RaceData } from '../../../shared/experiments/race'
import type { FactorizeData } from '../../../shared/experiments/threads'
import type { RunResult, Timeline } from '../../../shared/model/result'
import { raceFoundConfig, raceHistogramConfig } from '../charts/race-config'
import { scalingEfficiencyConfig, scalingSpeedupConfig } from '../charts/scaling-config'
import { speedupConfig } from '../charts/speedup-config'
import { timelineConfig } from '../charts/timeline-config'
import { timesConfig } from '../charts/times-config'
import CaptureInsight from './capture/CaptureInsight.vue'
import CommandInsight from './command/CommandInsight.vue'
import FanoutInsight from './fanout/FanoutInsight.vue'
import PipelineInsight from './pipeline/PipelineInsight.vue'
import RaceInsight from './race/RaceInsight.vue'
import BlockingIoInsight from './threads/BlockingIoInsight.vue'
import FactorizeInsight from './threads/FactorizeInsight.vue'
import TimeoutInsight from './timeout/TimeoutInsight.vue'

/** One chart of a result, as the page draws it and its exports name it. */
export interface ResultChart {
  /** Which chart of the run it is ("speedup", "timeline-parallel"): its file names end with it. */
  name: string
  testId: string
  config: ChartConfiguration
  /** Its text alternative: what it shows, in the result's own words. */
  alt: string
  heightPx?: number
}

/** A chart's name in the key-chart list: a chart of the result, or the first of its timelines. */
type ChartName = 'speedup' | 'times' | 'timeline' | 'histogram' | 'scaling'

export interface Insight {
  /** The words and pictures that explain *why*; the generic tables and charts come anyway. */
  component: Component
  /** The x axis of the generic speedup chart, or false where comparisons are not a speedup curve. */
  speedupAxis: string | false
  /** The chart that shows the answer, drawn next to the verdict: the first of these the result has. */
  keyChart: readonly ChartName[]
  /** Charts of this experiment's own data, beyond the generic ones. */
  charts?: (result: RunResult) => ResultChart[]
}

const raceCharts = (result: RunResult): ResultChart[] => {
  const data = result.data as RaceData
  return [
    { name: 'histogram', testId: 'chart-race-histogram', config: raceHistogramConfig(data), alt: result.headline },
    { name: 'found', testId: 'chart-race-found', config: raceFoundConfig(data), alt: result.headline },
  ]
}

const factorizeCharts = (result: RunResult): ResultChart[] => {
  const data = result.data as FactorizeData
  return [
    { name: 'scaling', testId: 'chart-scaling', config: scalingSpeedupConfig(data.scaling, data.split.bounds, data.logicalCores), alt: result.headline, heightPx: 380 },
    { name: 'efficiency', testId: 'chart-efficiency', config: scalingEfficiencyConfig(data.scaling, data.logicalCores), alt: result.headline },
  ]
}

const insights: Record<string, Insight> = {
  // one child, and children timed out one by one: nothing is compared
  capture: { component: CaptureInsight, speedupAxis: false, keyChart: ['timeline'] },
  timeout: { component: TimeoutInsight, speedupAxis: false, keyChart: ['timeline'] },
  // serial, every limit of the sweep and fully parallel: a speedup curve over the limit
  fanout: { component: FanoutInsight, speedupAxis: 'at most N children at once', keyChart: ['speedup', 'times'] },
  // one comparison (serial vs all K at once) is a point, not a curve: the speedup table and the panel say it
  pipeline: { component: PipelineInsight, speedupAxis: false, keyChart: ['times'] },
  command: { component: CommandInsight, speedupAxis: 'copies at once', keyChart: ['speedup', 'times'] },
  // the race's comparisons are costs of locking, not speedups over parallelism
  race: { component: RaceInsight, speedupAxis: false, keyChart: ['histogram'], charts: raceCharts },
  // factorize draws its own scaling charts (one curve per strategy, Amdahl fits, the split's bound)
  factorize: { component: FactorizeInsight, speedupAxis: false, keyChart: ['scaling'], charts: factorizeCharts },
  'blocking-io': { component: BlockingIoInsight, speedupAxis: false, keyChart: ['times'] },
}

export const insightFor = (experimentId: string): Insight | undefined => insights[experimentId]

export const timelineChart = (result: RunResult, timeline: Timeline): ResultChart => ({
  name: `timeline-${timeline.id}`,
  testId: `chart-timeline-${timeline.id}`,
  config: timelineConfig(timeline),
  alt: `${timeline.title}. ${result.headline}`,
  heightPx: Math.min(520, Math.max(170, 90 + timeline.spans.length * 22)),
})

/** Every chart of a result but its timelines: the generic ones, then the experiment's own. */
export function resultCharts(result: RunResult): ResultChart[] {
  const insight = insightFor(result.experimentId)
  const speedupAxis = insight ? insight.speedupAxis : 'parallelism'
  const charts: ResultChart[] = []
  if (result.comparisons.length && speedupAxis) charts.push({ name: 'speedup', testId: 'chart-speedup', config: speedupConfig(result.comparisons, result.machine.logicalCores, speedupAxis), alt: result.headline })
  if (result.series.length) charts.push({ name: 'times', testId: 'chart-times', config: timesConfig(result.series), alt: result.headline, heightPx: result.series.length > 6 ? 90 + result.series.length * 24 : 320 })
  return [...charts, ...(insight?.charts?.(result) ?? [])]
}

/** The chart that shows a result's answer: the first of its experiment's key charts that the result has. */
export function keyChartOf(result: RunResult): ResultChart | undefined {
  const charts = resultCharts(result)
  for (const name of insightFor(result.experimentId)?.keyChart ?? ['speedup', 'times']) {
    const chart = name === 'timeline' ? (result.timelines[0] && timelineChart(result, result.timelines[0])) : charts.find((c) => c.name === name)
    if (chart) return chart
  }
  return undefined
}
