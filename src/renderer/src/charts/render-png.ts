import type { ChartConfiguration } from 'chart.js'
import { Chart } from './chart-setup'
import { chartBackground } from './palette'

/** Draws the chart again off screen at `scale`× resolution on an opaque background; PNG as base64. */
export function renderPngBase64(config: ChartConfiguration, widthPx: number, heightPx: number, scale = 2): string {
  const holder = document.createElement('div')
  holder.style.cssText = `position:fixed;left:-10000px;top:0;width:${widthPx}px;height:${heightPx}px`
  const canvas = document.createElement('canvas')
  holder.appendChild(canvas)
  document.body.appendChild(holder)
  const chart = new Chart(canvas, {
    ...config,
    options: {
      ...config.options,
      animation: false,
      responsive: false,
      devicePixelRatio: scale,
      plugins: { ...config.options?.plugins, labBackground: { color: chartBackground() } },
    },
  } as ChartConfiguration)
  chart.resize(widthPx, heightPx)
  chart.draw()
  const dataUrl = chart.toBase64Image('image/png')
  chart.destroy()
  holder.remove()
  return dataUrl.slice(dataUrl.indexOf(',') + 1)
}
