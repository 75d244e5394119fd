import type { ChartConfiguration } from 'chart.js'
import type { FanoutData } from '../experiments/fanout'
import type { RaceData } from '../experiments/race'
import type { BlockingIoData, FactorizeData, ScalingCurve, SplitBound } from '../experiments/threads'
import type { LanesFigure } from '../experiments/worker-lanes'
import type { WorkloadData } from '../experiments/workload'
import type { RunResult, Timeline } from '../model/result'
import type { InterpreterComparison } from '../experiments/interpreters'
import { interpretersConfig } from './interpreters-config'
import { launcherConfig } from './launcher-config'
import { raceFoundConfig, raceHistogramConfig } from './race-config'
import { raceTraceConfig } from './race-trace-config'
import { scalingEfficiencyConfig, scalingSpeedupConfig } from './scaling-config'
import { speedupConfig } from './speedup-config'
import { timelineConfig } from './timeline-config'
import { timesConfig } from './times-config'
import { lanesChartHeightPx, workerLanesConfig } from './worker-lanes-config'

/**
 * Every chart of a result, in one place: the page draws them, the command line's and the chapter's
 * reports draw the same ones headless, and the key chart (the one picture that answers the
 * experiment's question) is chosen here for both.
 */

/** One chart of a result. */
export interface ResultChart {
  /** Which chart of the run it is ("speedup", "timeline-parallel"): its file names end with it. */
  name: string
  testId: string
  config: ChartConfiguration
  /** Its text alternative: what it shows, in the result's own words. */
  alt: string
  heightPx: number
  /** Drawn by the experiment's own panel on the page (with controls of its own), so not again among the other charts. */
  drawnByPanel?: boolean
}

/** The chart's own title, as a caption or a file's alternative text; `fallback` where it has none. */
export function chartTitle(config: ChartConfiguration, fallback: string): string {
  const text = config.options?.plugins?.title?.text
  return typeof text === 'string' && text ? text : Array.isArray(text) ? text.join(' ') : fallback
}

/** The x axis of the speedup chart, where an experiment's comparisons form a curve over parallelism. */
const SPEEDUP_AXES: Record<string, string> = { fanout: 'at most N children at once', command: 'copies at once' }

/** A chart's name in the key-chart list: a chart of the result, or the first of its timelines. */
type KeyChartName = 'speedup' | 'times' | 'timeline' | 'histogram' | 'scaling'

/** Per experiment, the charts that show the answer, best first: the key chart is the first the result has. */
const KEY_CHARTS: Record<string, readonly KeyChartName[]> = {
  // one child, and children timed out one by one: nothing is compared, the timeline is the answer
  capture: ['timeline'],
  timeout: ['timeline'],
  fanout: ['speedup', 'times'],
  // one comparison (serial vs all K at once) is a point, not a curve
  pipeline: ['times'],
  command: ['speedup', 'times'],
  race: ['histogram'],
  factorize: ['scaling'],
  'blocking-io': ['times'],
  workload: ['scaling'],
}

const DEFAULT_HEIGHT_PX = 320

export const timelineChart = (result: RunResult, timeline: Timeline): ResultChart => ({
  name: `timeline-${timeline.id}`,
  testId: `chart-timeline-${timeline.id}`,
  config: timelineConfig(timeline) as unknown as ChartConfiguration,
  alt: `${timeline.title}. ${result.headline}`,
  heightPx: Math.min(520, Math.max(170, 90 + timeline.spans.length * 22)),
})

/** Who ran when, one chart per traced strategy: the Threads panels draw them beside their figures. */
const lanesCharts = (result: RunResult, lanes: readonly LanesFigure[] | undefined): ResultChart[] =>
  (lanes ?? []).map((figure) => ({
    name: `lanes-${figure.id}`,
    testId: `chart-lanes-${figure.id}`,
    config: workerLanesConfig(figure) as ChartConfiguration,
    alt: `${figure.sentence} ${result.headline}`,
    heightPx: lanesChartHeightPx(figure),
    drawnByPanel: true,
  }))

/** Every Python interpreter of the run side by side, where several ran: drawn by the page's side-by-side section. */
const interpreterCharts = (result: RunResult, comparison: InterpreterComparison | undefined): ResultChart[] =>
  comparison
    ? [{ name: 'interpreters', testId: 'chart-interpreters', config: interpretersConfig(comparison) as ChartConfiguration, alt: `${comparison.summary} ${result.headline}`, heightPx: DEFAULT_HEIGHT_PX, drawnByPanel: true }]
    : []

/** Speedup and efficiency against workers, with the ideal, the cores and the bound the split sets. */
const scalingCharts = (scaling: ScalingCurve[], bounds: SplitBound[], cores: number, alt: string): ResultChart[] => [
  { name: 'scaling', testId: 'chart-scaling', config: scalingSpeedupConfig(scaling, bounds, cores) as ChartConfiguration, alt, heightPx: 380 },
  { name: 'efficiency', testId: 'chart-efficiency', config: scalingEfficiencyConfig(scaling, cores) as ChartConfiguration, alt, heightPx: DEFAULT_HEIGHT_PX },
]

function experimentCharts(result: RunResult): ResultChart[] {
  const alt = result.headline
  switch (result.experimentId) {
    case 'race': {
      const data = result.data as RaceData
      return [
        { name: 'histogram', testId: 'chart-race-histogram', config: raceHistogramConfig(data) as ChartConfiguration, alt, heightPx: DEFAULT_HEIGHT_PX },
        { name: 'found', testId: 'chart-race-found', config: raceFoundConfig(data) as ChartConfiguration, alt, heightPx: DEFAULT_HEIGHT_PX },
        ...(data.traces ?? []).map((trace) => ({
          name: `trace-${trace.variantId}`,
          testId: 'chart-race-trace',
          config: raceTraceConfig(trace, trace.links.length > 0 ? Math.max(0, trace.links.findIndex((l) => l.crossWorker)) : undefined) as ChartConfiguration,
          alt: `${alt}. ${trace.sentences.join(' ')}`,
          heightPx: 260,
          drawnByPanel: true,
        })),
        ...interpreterCharts(result, data.interpreters),
      ]
    }
    case 'factorize': {
      const data = result.data as FactorizeData
      return [
        ...scalingCharts(data.scaling, data.split.bounds, data.logicalCores, alt),
        ...lanesCharts(result, data.lanes),
        ...interpreterCharts(result, data.interpreters),
      ]
    }
    case 'workload': {
      const data = result.data as WorkloadData
      return [...scalingCharts(data.scaling, data.split.bounds, data.logicalCores, alt), ...interpreterCharts(result, data.interpreters)]
    }
    case 'blocking-io': {
      const data = result.data as BlockingIoData
      return [...lanesCharts(result, data.lanes), ...interpreterCharts(result, data.interpreters)]
    }
    case 'fanout': {
      const data = result.data as FanoutData
      const children = (result.params as { children?: number }).children ?? 0
      if (!data.launchers?.length) return []
      return [{ name: 'launchers', testId: 'chart-launchers', config: launcherConfig(data.launchers, data.launcherIdealMs ?? data.longestChildMs, children) as ChartConfiguration, alt, heightPx: DEFAULT_HEIGHT_PX, drawnByPanel: true }]
    }
    default:
      return []
  }
}

/** Every chart of a result but its timelines: the generic ones (speedup curve, times), then the experiment's own. */
export function resultCharts(result: RunResult): ResultChart[] {
  const charts: ResultChart[] = []
  const axis = SPEEDUP_AXES[result.experimentId]
  if (axis && result.comparisons.length > 0) charts.push({ name: 'speedup', testId: 'chart-speedup', config: speedupConfig(result.comparisons, result.machine.logicalCores, axis) as ChartConfiguration, alt: result.headline, heightPx: DEFAULT_HEIGHT_PX })
  if (result.series.length > 0) charts.push({ name: 'times', testId: 'chart-times', config: timesConfig(result.series) as ChartConfiguration, alt: result.headline, heightPx: result.series.length > 6 ? 90 + result.series.length * 24 : DEFAULT_HEIGHT_PX })
  return [...charts, ...experimentCharts(result)]
}

/** The chart that shows a result's answer: the first of its experiment's key charts that the result has. */
export function keyChartOf(result: RunResult): ResultChart | undefined {
  const charts = resultCharts(result)
  for (const name of KEY_CHARTS[result.experimentId] ?? ['speedup', 'times']) {
    const chart = name === 'timeline' ? result.timelines[0] && timelineChart(result, result.timelines[0]) : charts.find((c) => c.name === name)
    if (chart) return chart
  }
  return undefined
}

/** A report shows as many timelines as the page does at first. */
const TIMELINES_IN_REPORT = 2

/** Every chart a report of the result draws, the key chart first, then the others and the first timelines. */
export function reportCharts(result: RunResult): ResultChart[] {
  const key = keyChartOf(result)
  const timelines = result.timelines.slice(0, TIMELINES_IN_REPORT).map((t) => timelineChart(result, t))
  const all = [...resultCharts(result), ...timelines]
  return key ? [key, ...all.filter((c) => c.name !== key.name)] : all
}
