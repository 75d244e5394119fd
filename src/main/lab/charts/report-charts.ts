import { chartTitle, keyChartOf, reportCharts, type ResultChart } from '../../../shared/charts/result-charts'
import type { ChartImage } from '../../../shared/export/exporter'
import type { RunResult } from '../../../shared/model/result'
import { loadCanvas, renderChartPng } from './headless-chart'

/** A report's page is about this wide; the PNG is drawn at twice that for sharp print. */
const REPORT_CHART_WIDTH_PX = 900

function chartImage(chart: ResultChart): ChartImage {
  return { title: chartTitle(chart.config, chart.name), pngBase64: renderChartPng(chart.config, { widthPx: REPORT_CHART_WIDTH_PX, heightPx: chart.heightPx }).toString('base64') }
}

/** Whether this process can draw charts headless at all (the canvas binary for this platform loads). */
function canDraw(): boolean {
  try {
    loadCanvas()
    return true
  } catch {
    return false
  }
}

/** Every chart of the result's page, drawn headless for a report written without a page; none where charts cannot be drawn here (the report keeps its tables). */
export function reportChartImages(result: RunResult): ChartImage[] {
  return canDraw() ? reportCharts(result).map(chartImage) : []
}

/** The one chart that answers the experiment's question, or none where it has no chart. */
export function keyChartImage(result: RunResult): ChartImage | undefined {
  const chart = keyChartOf(result)
  return chart && canDraw() ? chartImage(chart) : undefined
}
