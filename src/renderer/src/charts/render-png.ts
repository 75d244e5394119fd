import type { ChartConfiguration } from 'chart.js'
import { drawOffscreen } from './offscreen'

/** Draws the chart again off screen at `scale`× resolution on an opaque background; PNG as base64. */
export function renderPngBase64(config: ChartConfiguration, widthPx: number, heightPx: number, scale = 2): string {
  const dataUrl = drawOffscreen(config, { widthPx, heightPx, scale }, (chart) => chart.toBase64Image('image/png'))
  return dataUrl.slice(dataUrl.indexOf(',') + 1)
}
