import type { ChartConfiguration } from 'chart.js'
import { Context } from 'svgcanvas'
import { Chart } from './chart-setup'
import { chartBackground } from './palette'

/**
 * Draws the chart into svgcanvas's recording context instead of a bitmap, so the export is vector
 * SVG: chart.js gets a real (hidden) canvas element for its layout, whose 2D context is the recorder.
 */
export function renderSvg(config: ChartConfiguration, widthPx: number, heightPx: number): string {
  const holder = document.createElement('div')
  holder.style.cssText = `position:fixed;left:-10000px;top:0;width:${widthPx}px;height:${heightPx}px`
  const canvas = document.createElement('canvas')
  const recorder = new Context({ width: widthPx, height: heightPx })
  canvas.getContext = (() => recorder) as unknown as HTMLCanvasElement['getContext']
  // chart.js accepts a context only if it points back at the canvas it came from
  Object.assign(recorder, { canvas })
  holder.appendChild(canvas)
  document.body.appendChild(holder)
  try {
    const chart = new Chart(canvas, {
      ...config,
      options: {
        ...config.options,
        animation: false,
        responsive: false,
        devicePixelRatio: 1,
        events: [],
        plugins: { ...config.options?.plugins, labBackground: { color: chartBackground() } },
      },
    } as ChartConfiguration)
    chart.resize(widthPx, heightPx)
    chart.draw()
    const svg = recorder.getSerializedSvg(true)
    chart.destroy()
    return svg
  } finally {
    holder.remove()
  }
}
