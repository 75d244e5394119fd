import { existsSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, PointElement, ScatterController, Title, Tooltip, type ChartConfiguration } from 'chart.js'
import { CHART_FONT_FAMILY, labPlugins } from '../../../shared/charts/lab-plugins'
import { chartTitle } from '../../../shared/charts/result-charts'
import { reportChartBackground } from '../../../shared/charts/palette'
import { LabError } from '../../../shared/errors'
import { hostRuntime } from '../runtime'

type CanvasModule = typeof import('@napi-rs/canvas')

/** Where the packaged app keeps the canvas binary for this platform (electron-builder.yml copies it to resources/canvas/). */
export function packagedCanvasBinary(resourcesPath: string, platform: string, arch: string): string | undefined {
  const root = join(resourcesPath, 'canvas')
  if (!existsSync(root)) return undefined
  // canvas-linux-x64-gnu, canvas-darwin-arm64, canvas-win32-x64-msvc: the platform and architecture lead the name (arm is not arm64)
  const prefix = `canvas-${platform}-${arch}`
  const folder = readdirSync(root).find((name) => name === prefix || name.startsWith(`${prefix}-`))
  const binary = folder && readdirSync(join(root, folder)).find((name) => name.endsWith('.node'))
  return folder && binary ? join(root, folder, binary) : undefined
}
let canvasModule: CanvasModule | undefined

/**
 * @napi-rs/canvas, loaded on first use: its binary is a separate package per platform, and one
 * that is missing or fails to load must cost the reports their charts, not the app its start.
 */
export function loadCanvas(resourcesPath: string | undefined = hostRuntime().resourcesPath): CanvasModule {
  if (canvasModule) return canvasModule
  const load = (): CanvasModule => createRequire(import.meta.url)('@napi-rs/canvas') as CanvasModule
  try {
    canvasModule = load()
    return canvasModule
  } catch (error) {
    const packaged = resourcesPath === undefined ? undefined : packagedCanvasBinary(resourcesPath, process.platform, process.arch)
    if (packaged) {
      process.env.NAPI_RS_NATIVE_LIBRARY_PATH = packaged
      canvasModule = load()
      return canvasModule
    }
    throw new LabError('not-available', `Charts cannot be drawn without a page here: @napi-rs/canvas did not load for ${process.platform}-${process.arch} (${(error as Error).message.split('\n')[0]}).`)
  }
}

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, ScatterController, Filler, Legend, Title, Tooltip, ...labPlugins)

/** Sans-serif families a server may have, best first; the page's system-ui stack means nothing to Skia. */
const HEADLESS_FONTS = ['Liberation Sans', 'DejaVu Sans', 'Arial', 'Helvetica', 'Noto Sans']

/** The first of HEADLESS_FONTS this machine has, named explicitly so every text is drawn in it. */
export function headlessFontFamily(available: readonly string[] = loadCanvas().GlobalFonts.families.map((f) => f.family)): string {
  return HEADLESS_FONTS.find((family) => available.includes(family)) ?? CHART_FONT_FAMILY
}
/** The font is chosen at the first drawing, not at import: a canvas that does not load costs the charts, not the engine. */
let fontChosen = false
function chooseFontOnce(): void {
  if (fontChosen) return
  Chart.defaults.font.family = headlessFontFamily()
  fontChosen = true
}

export interface ChartSize {
  widthPx: number
  heightPx: number
}

/** The same configuration the page draws, made still and opaque: no animation, no resizing, no events. */
function headless(config: ChartConfiguration, scale: number): ChartConfiguration {
  return {
    ...config,
    options: {
      ...config.options,
      animation: false,
      responsive: false,
      devicePixelRatio: scale,
      events: [],
      plugins: { ...config.options?.plugins, labBackground: { color: reportChartBackground } },
    },
  } as ChartConfiguration
}

const isRegisteredType = (type: unknown): boolean => typeof type === 'string' && Chart.registry.controllers.get(type) !== undefined

/**
 * What chart.js would draw as an empty or half chart without a word (an unknown chart type, data
 * that is not a list): the reason, or undefined when the configuration can be drawn.
 */
export function configProblem(config: ChartConfiguration): string | undefined {
  if (!isRegisteredType(config.type)) return `"${String(config.type)}" is not a chart type the lab draws (bar, line, scatter)`
  const datasets: unknown = config.data?.datasets
  if (!Array.isArray(datasets)) return 'its data has no list of datasets'
  for (const [i, dataset] of (datasets as { type?: unknown; data?: unknown; label?: unknown }[]).entries()) {
    const name = typeof dataset?.label === 'string' ? `"${dataset.label}"` : `number ${i + 1}`
    if (!Array.isArray(dataset?.data)) return `dataset ${name} has no list of values`
    if (dataset.type !== undefined && !isRegisteredType(dataset.type)) return `dataset ${name} asks for the chart type "${String(dataset.type)}", which the lab does not draw`
  }
  return undefined
}

/**
 * Draws on a canvas of the given kind and reads the drawing before the chart is destroyed (which
 * clears the canvas); a configuration chart.js cannot draw fails with the chart's name and why.
 */
function draw<C extends { getContext(type: '2d'): unknown }, T>(canvas: C, config: ChartConfiguration, scale: number, read: (canvas: C) => T): T {
  chooseFontOnce()
  const problem = configProblem(config)
  if (problem) throw new LabError('internal', `The chart "${chartTitle(config, 'untitled chart').slice(0, 120)}" could not be drawn: ${problem}.`)
  let chart: Chart | undefined
  try {
    // without animation, chart.js draws once, at once
    chart = new Chart(canvas as unknown as HTMLCanvasElement, headless(config, scale))
    return read(canvas)
  } catch (error) {
    throw new LabError('internal', `The chart "${chartTitle(config, 'untitled chart').slice(0, 120)}" could not be drawn: ${(error as Error).message}`)
  } finally {
    chart?.destroy()
  }
}

/** The chart as a PNG at `scale`× resolution, drawn in Node (no browser, no display). */
export function renderChartPng(config: ChartConfiguration, size: ChartSize, scale = 2): Buffer {
  const canvas = loadCanvas().createCanvas(size.widthPx, size.heightPx)
  return draw(canvas, config, scale, (drawn) => drawn.toBuffer('image/png'))
}

/** The chart as SVG; its words stay text (searchable, read aloud), in the font named above. */
export function renderChartSvg(config: ChartConfiguration, size: ChartSize): string {
  const { createCanvas, SvgExportFlag } = loadCanvas()
  const canvas = createCanvas(size.widthPx, size.heightPx, SvgExportFlag.NoPrettyXML)
  return draw(canvas, config, 1, (drawn) => drawn.getContent().toString('utf8'))
}
