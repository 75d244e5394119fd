import type { ChartConfiguration } from 'chart.js'
import type { FanoutData } from '../experiments/fanout'
import type { RaceData } from '../experiments/race'
import type { FactorizeData } from '../experiments/threads'
import type { RunResult } from '../model/result'
import { launcherConfig } from './launcher-config'
import { raceFoundConfig, raceHistogramConfig } from './race-config'
import { scalingEfficiencyConfig, scalingSpeedupConfig } from './scaling-config'
import { speedupConfig } from './speedup-config'
import { timelineConfig } from './timeline-config'
import { timesConfig } from './times-config'

/** One chart of a result, as a report draws it: its file-name part, its size and its chart.js configuration. */
export interface ResultChart {
  name: string
  heightPx: number
  config: ChartConfiguration
}

/** The chart's own title, as a caption or a file's alternative text; `fallback` where it has none. */
export function chartTitle(config: ChartConfiguration, fallback: string): string {
  const text = config.options?.plugins?.title?.text
  return typeof text === 'string' && text ? text : Array.isArray(text) ? text.join(' ') : fallback
}

/** The x axis of the speedup chart, where an experiment's comparisons form a curve (as on its page). */
const SPEEDUP_AXES: Record<string, string> = { fanout: 'at most N children at once', command: 'copies at once' }
/** A report shows as many timelines as the page does at first. */
const TIMELINES_SHOWN = 2

const timelineHeightPx = (spans: number): number => Math.min(520, Math.max(170, 90 + spans * 22))

function genericCharts(result: RunResult): ResultChart[] {
  const charts: ResultChart[] = []
  const axis = SPEEDUP_AXES[result.experimentId]
  if (axis && result.comparisons.length > 0) charts.push({ name: 'speedup', heightPx: 320, config: speedupConfig(result.comparisons, result.machine.logicalCores, axis) as ChartConfiguration })
  for (const timeline of result.timelines.slice(0, TIMELINES_SHOWN)) charts.push({ name: `timeline-${timeline.id}`, heightPx: timelineHeightPx(timeline.spans.length), config: timelineConfig(timeline) as unknown as ChartConfiguration })
  if (result.series.length > 0) charts.push({ name: 'times', heightPx: result.series.length > 6 ? 90 + result.series.length * 24 : 320, config: timesConfig(result.series) as ChartConfiguration })
  return charts
}

function experimentCharts(result: RunResult): ResultChart[] {
  switch (result.experimentId) {
    case 'race': {
      const data = result.data as RaceData
      return [
        { name: 'histogram', heightPx: 320, config: raceHistogramConfig(data) as ChartConfiguration },
        { name: 'found', heightPx: 320, config: raceFoundConfig(data) as ChartConfiguration },
      ]
    }
    case 'factorize': {
      const data = result.data as FactorizeData
      return [
        { name: 'scaling', heightPx: 380, config: scalingSpeedupConfig(data.scaling, data.split.bounds, data.logicalCores) as ChartConfiguration },
        { name: 'efficiency', heightPx: 320, config: scalingEfficiencyConfig(data.scaling, data.logicalCores) as ChartConfiguration },
      ]
    }
    case 'fanout': {
      const data = result.data as FanoutData
      const children = (result.params as { children?: number }).children ?? 0
      return data.launchers?.length ? [{ name: 'launchers', heightPx: 320, config: launcherConfig(data.launchers, data.launcherIdealMs ?? data.longestChildMs, children) as ChartConfiguration }] : []
    }
    default:
      return []
  }
}

/** The experiment's own charts lead where it has them (fan-out: the speedup curve first). */
const KEY_FIRST: Record<string, (charts: ResultChart[]) => ResultChart[]> = {
  fanout: (charts) => [...charts.filter((c) => c.name === 'speedup'), ...charts.filter((c) => c.name !== 'speedup')],
}

/**
 * Every chart the result's page draws, for a report; the first is the key chart, the one picture
 * that answers the experiment's question.
 */
export function resultCharts(result: RunResult): ResultChart[] {
  const charts = [...experimentCharts(result), ...genericCharts(result)]
  return (KEY_FIRST[result.experimentId] ?? ((c: ResultChart[]) => c))(charts)
}

export function keyChart(result: RunResult): ResultChart | undefined {
  return resultCharts(result)[0]
}
