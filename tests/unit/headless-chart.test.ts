import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PNG } from 'pngjs'
import type { ChartConfiguration } from 'chart.js'
import { beforeAll, describe, expect, it } from 'vitest'
import { headlessFontFamily, packagedCanvasBinary, renderChartPng, renderChartSvg } from '../../src/main/lab/charts/headless-chart'
import { keyChartImage, reportChartImages } from '../../src/main/lab/charts/report-charts'
import { seriesColor } from '../../src/shared/charts/palette'
import { keyChartOf, reportCharts } from '../../src/shared/charts/result-charts'
import type { RaceData } from '../../src/shared/experiments/race'
import type { RunResult } from '../../src/shared/model/result'
import { factorizeRunWithLanes } from './fixtures/lanes-result'
import { runResult, useLabs } from './helpers/run-experiment'

const newLab = useLabs()
let race: RunResult<RaceData>

beforeAll(async () => {
  const lab = newLab()
  race = await runResult<RaceData>(lab, 'race', { workers: 2, increments: 2000, trials: 3, runtime: 'node' })
  await lab.shutdown()
}, 60_000)

/** The SVG's words in drawing order (Skia writes one <text> per word). */
const textOf = (svg: string): string =>
  [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)]
    .map((m) => m[1]!.replace(/&amp;/g, '&'))
    .filter(Boolean)
    .join(' ')

const hex = (color: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16)) as [number, number, number]

function pixelsOf(png: Buffer, color: string): number {
  const image = PNG.sync.read(png)
  const [r, g, b] = hex(color)
  let count = 0
  for (let i = 0; i < image.data.length; i += 4) if (image.data[i] === r && image.data[i + 1] === g && image.data[i + 2] === b) count++
  return count
}

describe('charts drawn headless, from the configurations the page draws', () => {
  it('the race result leads with its histogram: the SVG holds its title, outcome labels and every variant', () => {
    const histogram = keyChartOf(race)
    expect(histogram!.name).toBe('histogram')
    const svg = renderChartSvg(histogram!.config, { widthPx: 800, heightPx: histogram!.heightPx })
    expect(svg).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*<\/svg>\s*$/)
    const words = textOf(svg)
    expect(words).toContain(`Outcomes of 3 trials per mode: 2 workers × 2,000 increments`)
    expect(words).toContain('exact')
    expect(words).toContain('trials')
    for (const variant of race.data.variants) expect(words).toContain(variant.label)
    expect(svg).toContain(`font-family="${headlessFontFamily()}"`)
    // drawn once: the title appears once
    expect(words.split('Outcomes of').length).toBe(2)
  })

  it('the PNG is the size asked for at twice the resolution, painted with each series colour of the palette', () => {
    const histogram = keyChartOf(race)
    const png = renderChartPng(histogram!.config, { widthPx: 640, heightPx: 300 })
    const image = PNG.sync.read(png)
    expect([image.width, image.height]).toEqual([1280, 600])
    // opaque white background, then one bar colour per variant
    expect(pixelsOf(png, '#ffffff')).toBeGreaterThan(image.width * image.height * 0.3)
    race.data.variants.forEach((_, i) => expect(pixelsOf(png, seriesColor(i))).toBeGreaterThan(50))
  })

  it('a report gets every chart of the page as a captioned PNG, the key chart first', () => {
    const images = reportChartImages(race)
    expect(images.map((image) => image.title)).toEqual(reportCharts(race).map((chart) => chart.config.options?.plugins?.title?.text))
    expect(images[0]!.pngBase64.startsWith('iVBORw0KGgo')).toBe(true)
    expect(keyChartImage(race)!.title).toBe(images[0]!.title)
  })

  it('a configuration chart.js cannot draw fails with the chart\'s name and the reason', () => {
    const broken = { type: 'nonsense', data: { datasets: [] }, options: { plugins: { title: { display: true, text: 'Broken chart' } } } } as unknown as ChartConfiguration
    expect(() => renderChartPng(broken, { widthPx: 100, heightPx: 100 })).toThrow('The chart "Broken chart" could not be drawn: "nonsense" is not a chart type the lab draws (bar, line, scatter).')
    const noValues = { type: 'bar', data: { datasets: [{ label: 'median', data: 'many' }] } } as unknown as ChartConfiguration
    expect(() => renderChartSvg(noValues, { widthPx: 100, heightPx: 100 })).toThrow('The chart "untitled chart" could not be drawn: dataset "median" has no list of values.')
  })

  it('names a font this machine has, preferring the common sans-serif families', () => {
    expect(headlessFontFamily(['DejaVu Sans', 'Liberation Sans'])).toBe('Liberation Sans')
    expect(headlessFontFamily(['DejaVu Sans'])).toBe('DejaVu Sans')
    expect(headlessFontFamily([])).toMatch(/sans-serif/)
  })
})

describe('the lanes and the lost-update traces reach the reports too', () => {
  it('a factorize result with lanes: one chart per traced strategy, after the key chart, each drawn with its lanes', () => {
    const run = factorizeRunWithLanes()
    const charts = reportCharts(run)
    expect(charts[0]!.name).toBe('scaling')
    const lanes = charts.filter((chart) => chart.name.startsWith('lanes-'))
    expect(lanes.map((chart) => chart.name)).toEqual(['lanes-threads-2', 'lanes-processes-2'])
    for (const chart of lanes) expect(chart.drawnByPanel).toBe(true) // the Threads panel draws them beside its table
    const svg = renderChartSvg(lanes[0]!.config, { widthPx: 900, heightPx: lanes[0]!.heightPx })
    expect(textOf(svg)).toContain('worker thread 1')
  })

  it('a race result with traces: one trace chart per traced mode', () => {
    const traces = (race.data.traces ?? []).map((trace) => `trace-${trace.variantId}`)
    expect(traces.length).toBeGreaterThan(0)
    expect(reportCharts(race).map((chart) => chart.name)).toEqual(expect.arrayContaining(traces))
  })
})

describe("where the packaged app's canvas binary is found, per system", () => {
  it('picks the folder of this platform and architecture under resources/canvas, and nothing where there is none', () => {
    const resources = mkdtempSync(join(tmpdir(), 'lab-resources-'))
    try {
      expect(packagedCanvasBinary(resources, 'linux', 'x64')).toBeUndefined()
      for (const [folder, file] of [
        ['canvas-darwin-arm64', 'skia.darwin-arm64.node'],
        ['canvas-darwin-x64', 'skia.darwin-x64.node'],
        ['canvas-linux-x64-gnu', 'skia.linux-x64-gnu.node'],
        ['canvas-linux-arm64-gnu', 'skia.linux-arm64-gnu.node'],
        ['canvas-win32-x64-msvc', 'skia.win32-x64-msvc.node'],
      ]) {
        mkdirSync(join(resources, 'canvas', folder!), { recursive: true })
        writeFileSync(join(resources, 'canvas', folder!, file!), '')
      }
      expect(packagedCanvasBinary(resources, 'darwin', 'arm64')).toBe(join(resources, 'canvas', 'canvas-darwin-arm64', 'skia.darwin-arm64.node'))
      expect(packagedCanvasBinary(resources, 'darwin', 'x64')).toBe(join(resources, 'canvas', 'canvas-darwin-x64', 'skia.darwin-x64.node'))
      expect(packagedCanvasBinary(resources, 'win32', 'x64')).toBe(join(resources, 'canvas', 'canvas-win32-x64-msvc', 'skia.win32-x64-msvc.node'))
      expect(packagedCanvasBinary(resources, 'linux', 'arm64')).toBe(join(resources, 'canvas', 'canvas-linux-arm64-gnu', 'skia.linux-arm64-gnu.node'))
      // 32-bit arm is not arm64
      expect(packagedCanvasBinary(resources, 'linux', 'arm')).toBeUndefined()
    } finally {
      rmSync(resources, { recursive: true, force: true })
    }
  })
})
