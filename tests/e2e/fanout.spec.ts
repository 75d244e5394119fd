import { expect, test } from '@playwright/test'
import type { FanoutData } from '../../src/shared/experiments/fanout'
import type { RunResult } from '../../src/shared/model/result'
import { expectAccessible, expectAccessibleResult } from './accessibility-checks'
import { downloadBytes, expectDrawnPng, localPython3Version, openExperiment, processCommandLines, runAndWaitForResult, setParam, unfold } from './helpers'

test.describe('Processes → Fan-out', () => {
  test('runs with the defaults: serial ≈ the sum, parallel ≈ the longest child, with a timeline and a speedup chart', async ({ page }) => {
    await openExperiment(page, 'processes', 'fanout')
    await expectAccessible(page, 'fanout, before the run')
    await page.getByTestId('run').click()
    await expect(page.getByTestId('progress')).toBeVisible()
    const result = page.getByTestId('result')
    await expect(result).toBeVisible({ timeout: 60_000 })
    await expectAccessibleResult(page, 'fanout')

    const seconds = (text: string): number => (text.endsWith(' ms') ? Number.parseFloat(text) / 1000 : Number.parseFloat(text))
    const serial = seconds((await page.getByTestId('serial-time').textContent()) ?? '')
    const parallel = seconds((await page.getByTestId('parallel-time').textContent()) ?? '')
    expect(serial).toBeGreaterThanOrEqual(1.0)
    expect(parallel).toBeGreaterThanOrEqual(0.1)
    expect(parallel).toBeLessThan(serial / 2)
    await expect(page.getByTestId('speedup')).toHaveText(/^\d+(\.\d+)?×$/)
    await expect(page.getByTestId('headline')).toContainText('10 × sleep 0.1 s')

    await expect(page.getByTestId('key-chart').getByTestId('chart-speedup').locator('canvas')).toBeVisible()
    await unfold(result, 'folded-timelines')
    await expect(page.getByTestId('chart-timeline-parallel').locator('canvas')).toBeVisible()
    await unfold(result, 'folded-statistics')
    await expect(page.getByTestId('series-table').locator('[data-series="parallel"]')).toBeVisible()
  })

  test('exports the timeline as a real PNG at 2× and the data as JSON, under one stamp', async ({ page }) => {
    await openExperiment(page, 'processes', 'fanout')
    await setParam(page, 'fanout', 'children', '4')
    await setParam(page, 'fanout', 'runs', '1')
    await page.getByTestId('run').click()
    await expect(page.getByTestId('result')).toBeVisible({ timeout: 60_000 })

    await unfold(page, 'folded-timelines')
    const chart = page.getByTestId('chart-timeline-parallel')
    const cssWidth = await chart.locator('canvas').evaluate((c) => (c as HTMLCanvasElement).clientWidth)
    const [pngDownload] = await Promise.all([page.waitForEvent('download'), chart.getByRole('button', { name: 'Export PNG' }).click()])
    expect(pngDownload.suggestedFilename()).toMatch(/^concurrency-lab-fanout-.*-timeline-parallel\.png$/)
    const png = expectDrawnPng(await downloadBytes(pngDownload), cssWidth * 2 - 2)
    expect(png.width).toBeLessThanOrEqual(cssWidth * 2 + 2)

    const [svgDownload] = await Promise.all([page.waitForEvent('download'), chart.getByRole('button', { name: 'Export SVG' }).click()])
    expect(svgDownload.suggestedFilename()).toMatch(/timeline-parallel\.svg$/)
    const svg = (await downloadBytes(svgDownload)).toString('utf8')
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
    // vector shapes for the bars and text for the labels, not an embedded bitmap
    expect((svg.match(/<path/g) ?? []).length).toBeGreaterThan(8)
    expect(svg).toContain('child 1')
    expect(svg).not.toContain('<image')

    const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()])
    const exported = JSON.parse((await downloadBytes(jsonDownload)).toString('utf8')) as RunResult<FanoutData>
    expect(exported.experimentId).toBe('fanout')
    expect(exported.params.children).toBe(4)
    expect(exported.series.map((s) => s.id)).toEqual(expect.arrayContaining(['serial', 'parallel']))
    expect(exported.timelines[0]!.spans).toHaveLength(4)
    // the chart's pictures and the run's data carry one stamp: the run's start
    const stamp = `concurrency-lab-fanout-${exported.startedAt.replace(/\.\d+Z$/, '').replace(/:/g, '-')}`
    expect([pngDownload, svgDownload, jsonDownload].map((d) => d.suggestedFilename())).toEqual([`${stamp}-timeline-parallel.png`, `${stamp}-timeline-parallel.svg`, `${stamp}.json`])
    // what the panel shows beside the measurements is in the data too
    expect(exported.data.limits.map((row) => row.rounds)).toEqual([4, 2, 1])
    expect(exported.data.sweepSentence).toContain('ceil(4 ÷ N)')
  })

  test('compares launchers in the same rounds: a row, a start cost and a ratio for each, with the chart', async ({ page }) => {
    await openExperiment(page, 'processes', 'fanout')
    await setParam(page, 'fanout', 'children', '4')
    await setParam(page, 'fanout', 'runs', '2')
    await setParam(page, 'fanout', 'launcher', 'app')
    const panel = page.getByTestId('experiment-fanout')
    await panel.locator('[name="sweep"]').uncheck()
    await panel.locator('[name="compareLaunchers"]').check()
    await runAndWaitForResult(page, 'fanout')
    await unfold(page, 'folded-launchers')
    const table = page.getByTestId('launcher-table')
    await expect(table.locator('[data-launcher="app"]')).toBeVisible()
    await expect(table.locator('[data-launcher="execa"]')).toBeVisible()
    await expect(table.locator('[data-launcher="helpers"]')).toBeVisible()
    // Python's subprocess takes part wherever this machine has a Python 3
    await expect(table.locator('[data-launcher="python"]')).toHaveCount(localPython3Version() ? 1 : 0)
    await expect(table.locator('[data-launcher="execa"] td').first()).toHaveText(/^\d+(\.\d+)? ms$/)
    await expect(page.getByTestId('launcher-sentence')).toContainText('Started at once, 4 children took')
    await expect(page.getByTestId('chart-launchers').locator('canvas')).toBeVisible()
    // every launcher's children on their own timeline
    await unfold(page, 'folded-timelines')
    await page.getByTestId('timeline-picker').selectOption('launcher-execa')
    await expect(page.getByTestId('chart-timeline-launcher-execa').locator('canvas')).toBeVisible()
  })

  test('cancel stops a long run at once and leaves no child behind', async ({ page }) => {
    await openExperiment(page, 'processes', 'fanout')
    await setParam(page, 'fanout', 'children', '6')
    await setParam(page, 'fanout', 'seconds', '29.5')
    await setParam(page, 'fanout', 'program', 'system')
    await setParam(page, 'fanout', 'warmup', '0')
    await page.getByTestId('run').click()
    const sleeping = (): number => processCommandLines().filter((argv) => argv.at(-1) === '29.5').length
    await expect.poll(sleeping, { timeout: 10_000 }).toBeGreaterThan(0)
    await page.getByTestId('cancel').click()
    await expect(page.getByTestId('progress')).toHaveAttribute('data-phase', 'cancelled', { timeout: 5_000 })
    await expect(page.getByTestId('progress')).toContainText('Cancelled')
    expect(sleeping()).toBe(0)
    await expect(page.getByTestId('run')).toBeEnabled()
  })

  test('invalid parameters are refused with a sentence, and the lab keeps working', async ({ page }) => {
    await openExperiment(page, 'processes', 'fanout')
    await setParam(page, 'fanout', 'children', '5000')
    await page.getByTestId('run').click()
    await expect(page.getByTestId('run-error')).toHaveText('Invalid parameters for fanout: children must be a whole number from 1 to 1000; got 5000.')
    await setParam(page, 'fanout', 'children', '2')
    await setParam(page, 'fanout', 'runs', '1')
    await page.getByTestId('run').click()
    await expect(page.getByTestId('result')).toBeVisible({ timeout: 60_000 })
  })

  test('a finished run is on the Results screen after a reload, with its charts', async ({ page }) => {
    await openExperiment(page, 'processes', 'fanout')
    await setParam(page, 'fanout', 'children', '3')
    await setParam(page, 'fanout', 'runs', '1')
    await page.getByTestId('run').click()
    await expect(page.getByTestId('result')).toBeVisible({ timeout: 60_000 })
    const headline = (await page.getByTestId('headline').textContent())!
    await page.goto('./#/results')
    await page.reload()
    const list = page.getByTestId('results-list')
    await expect(list).toContainText(headline)
    await list.getByRole('row', { name: headline }).getByRole('link').click()
    await unfold(page, 'folded-timelines')
    await expect(page.getByTestId('chart-timeline-parallel')).toBeVisible()
  })
})
