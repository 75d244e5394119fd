import type { ChartType, Plugin } from 'chart.js'

/*
 * The lab's own chart.js plugins, drawn with the 2D context only (no DOM): the page registers them
 * (src/renderer/src/charts/chart-setup.ts), and so does the engine's headless renderer for reports.
 */

declare module 'chart.js' {
  interface PluginOptionsByType<TType extends ChartType> {
    /** Paints the canvas background, so an exported PNG is not transparent. */
    labBackground?: { color: string }
    /** A dashed vertical marker, e.g. the machine's core count on a speedup chart. */
    labMarker?: { x: number; label: string; color: string } | false
    /** Whiskers per point: [low, high] in data units, index-aligned with each dataset that has them. */
    labWhiskers?: { datasets: Record<number, ([number, number] | null)[]> }
    labChartType?: TType
  }
}

export const backgroundPlugin: Plugin = {
  id: 'labBackground',
  beforeDraw(chart, _args, options: { color?: string }) {
    if (!options.color) return
    const { ctx } = chart
    ctx.save()
    ctx.fillStyle = options.color
    ctx.fillRect(0, 0, chart.width, chart.height)
    ctx.restore()
  },
}

export const markerPlugin: Plugin = {
  id: 'labMarker',
  afterDatasetsDraw(chart, _args, options: { x?: number; label?: string; color?: string }) {
    if (options.x === undefined) return
    const scale = chart.scales.x
    if (!scale) return
    const x = scale.getPixelForValue(options.x)
    if (x < chart.chartArea.left || x > chart.chartArea.right) return
    const { ctx } = chart
    ctx.save()
    ctx.strokeStyle = options.color ?? '#888'
    ctx.fillStyle = options.color ?? '#888'
    ctx.setLineDash([6, 4])
    ctx.beginPath()
    ctx.moveTo(x, chart.chartArea.top)
    ctx.lineTo(x, chart.chartArea.bottom)
    ctx.stroke()
    ctx.setLineDash([])
    ctx.font = `12px ${(chart.options.font as { family?: string } | undefined)?.family ?? CHART_FONT_FAMILY}`
    ctx.textAlign = 'right'
    ctx.fillText(options.label ?? '', x - 4, chart.chartArea.top + 14)
    ctx.restore()
  },
}

export const whiskersPlugin: Plugin = {
  id: 'labWhiskers',
  afterDatasetsDraw(chart, _args, options: { datasets?: Record<number, ([number, number] | null)[]> }) {
    const { ctx } = chart
    for (const [indexText, ranges] of Object.entries(options.datasets ?? {})) {
      const meta = chart.getDatasetMeta(Number(indexText))
      if (meta.hidden) continue
      const horizontal = chart.options.indexAxis === 'y'
      const valueScale = horizontal ? chart.scales.x : chart.scales.y
      if (!valueScale) continue
      ctx.save()
      ctx.strokeStyle = '#444'
      ctx.lineWidth = 1.5
      meta.data.forEach((element, i) => {
        const range = ranges[i]
        if (!range) return
        const center = horizontal ? element.y : element.x
        const [a, b] = range.map((v) => valueScale.getPixelForValue(v)) as [number, number]
        ctx.beginPath()
        if (horizontal) {
          ctx.moveTo(a, center)
          ctx.lineTo(b, center)
          for (const end of [a, b]) {
            ctx.moveTo(end, center - 5)
            ctx.lineTo(end, center + 5)
          }
        } else {
          ctx.moveTo(center, a)
          ctx.lineTo(center, b)
          for (const end of [a, b]) {
            ctx.moveTo(center - 5, end)
            ctx.lineTo(center + 5, end)
          }
        }
        ctx.stroke()
      })
      ctx.restore()
    }
  },
}

/** Every plugin of the lab, for Chart.register. */
export const labPlugins: Plugin[] = [backgroundPlugin, markerPlugin, whiskersPlugin]

/** The font stack of the app's charts; a headless renderer puts the fonts it has in front of it. */
export const CHART_FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'
