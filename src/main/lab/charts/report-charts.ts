import { chartTitle, keyChartOf, reportCharts, type ResultChart } from '../../../shared/charts/result-charts'
import type { ChartImage } from '../../../shared/export/exporter'
import type { RunResult } from '../../../shared/model/result'
import { renderChartPng } from './headless-chart'

/** A report's page is about this wide; the PNG is drawn at twice that for sharp print. */
const REPORT_CHART_WIDTH_PX = 900

function chartImage(chart: ResultChart): ChartImage {
  return { title: chartTitle(chart.config, chart.name), pngBase64: renderChartPng(chart.config, { widthPx: REPORT_CHART_WIDTH_PX, heightPx: chart.heightPx }).toString('base64') }
}

/** Every chart of the result's page, drawn headless for a report written without a page (the command line). */
export function reportChartImages(result: RunResult): ChartImage[] {
  return reportCharts(result).map(chartImage)
}

/** The one chart that answers the experiment's question, or none where it has no chart. */
export function keyChartImage(result: RunResult): ChartImage | undefined {
  const chart = keyChartOf(result)
  return chart && chartImage(chart)
}
