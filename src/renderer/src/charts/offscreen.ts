import type { ChartConfiguration } from 'chart.js'
import { Chart } from './chart-setup'
import { chartBackground } from './background'

/**
 * Draws a chart once more off screen, at a fixed size, without animation and on an opaque
 * background (for exports); `prepare` may swap the canvas's context, `read` takes the drawing.
 */
export function drawOffscreen<T>(config: ChartConfiguration, size: { widthPx: number; heightPx: number; scale: number }, read: (chart: Chart) => T, prepare?: (canvas: HTMLCanvasElement) => void): T {
  const holder = document.createElement('div')
  holder.style.cssText = `position:fixed;left:-10000px;top:0;width:${size.widthPx}px;height:${size.heightPx}px`
  const canvas = document.createElement('canvas')
  prepare?.(canvas)
  holder.appendChild(canvas)
  document.body.appendChild(holder)
  try {
    const chart = new Chart(canvas, {
      ...config,
      options: {
        ...config.options,
        animation: false,
        responsive: false,
        devicePixelRatio: size.scale,
        events: [],
        plugins: { ...config.options?.plugins, labBackground: { color: chartBackground() } },
      },
    } as ChartConfiguration)
    try {
      chart.resize(size.widthPx, size.heightPx)
      chart.draw()
      return read(chart)
    } finally {
      chart.destroy()
    }
  } finally {
    holder.remove()
  }
}
