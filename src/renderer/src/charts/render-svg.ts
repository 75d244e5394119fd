import type { ChartConfiguration } from 'chart.js'
import { Context } from 'svgcanvas'
import { drawOffscreen } from './offscreen'

/**
 * Draws the chart into svgcanvas's recording context instead of a bitmap, so the export is vector
 * SVG: chart.js gets a real (hidden) canvas element for its layout, whose 2D context is the recorder.
 */
export function renderSvg(config: ChartConfiguration, widthPx: number, heightPx: number): string {
  const recorder = new Context({ width: widthPx, height: heightPx })
  return drawOffscreen(
    config,
    { widthPx, heightPx, scale: 1 },
    () => recorder.getSerializedSvg(true),
    (canvas) => {
      canvas.getContext = (() => recorder) as unknown as HTMLCanvasElement['getContext']
      // chart.js accepts a context only if it points back at the canvas it came from
      Object.assign(recorder, { canvas })
    },
  )
}
