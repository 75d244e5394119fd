import { expect, test } from '@playwright/test'
import { expectAccessible } from './accessibility-checks'
import { unfold } from './helpers'

/**
 * The Lessons home screen, against the real engine: three claims with the code the lab runs, one
 * click to answer a claim on this machine, and the answer still there after a reload.
 */

test('the app opens on the lessons: three cards, each with its claim and its Python and Node code', async ({ page }) => {
  await page.goto('./')
  await expect(page.getByTestId('screen-lessons')).toBeVisible()
  const sidebar = page.getByRole('navigation', { name: 'Experiment screens' })
  await expect(sidebar.getByRole('link').first()).toHaveText(/Lessons/)
  await expect(sidebar.getByRole('link', { name: /Lessons/ })).toHaveAttribute('aria-current', 'page')
  const expected = { processes: 'subprocess.Popen(', threads: 'def factorize(number):', races: 'class LockingCounter:' }
  await expect(page.getByTestId('screen-lessons').locator('article')).toHaveCount(3)
  for (const [id, code] of Object.entries(expected)) {
    const card = page.getByTestId(`lesson-${id}`)
    await expect(card.getByTestId('lesson-claim')).toHaveText(/\w.{40,}\.$/)
    await expect(card.locator('[data-testid="lesson-code"][data-runtime="python"]').first()).toBeVisible()
    await expect(card.locator('[data-testid="lesson-code"][data-runtime="node"]').first()).toBeVisible()
    await expect(card.getByTestId('lesson-code').filter({ hasText: code })).toHaveCount(1)
    await expect(card.getByRole('button', { name: 'Run with defaults' })).toBeEnabled()
  }
  // the code is the lab's own file, named with the line it starts at
  await expect(page.getByTestId('lesson-threads').getByTestId('lesson-code').first()).toContainText(/resources\/python\/threads\.py:\d+/)
})

test('"Run with defaults" answers the processes lesson: live progress, a verdict, its chart and the full result', async ({ page }) => {
  test.setTimeout(120_000)
  await page.goto('./')
  const card = page.getByTestId('lesson-processes')
  await expect(card.getByTestId('lesson-claim')).toBeVisible()
  await expectAccessible(page, 'the lessons, before the run')
  // a run saved by an earlier test may be shown already: the answer must become this run's
  const previous = (await card.getByTestId('lesson-answer').count()) > 0 ? await card.getByTestId('lesson-answer').getAttribute('data-run-id') : null
  await card.getByTestId('run-lesson-processes').click()
  await expect(card.getByTestId('lesson-progress')).toBeVisible()
  await expect(card.getByTestId('run-lesson-processes')).toBeDisabled()
  const answer = card.getByTestId('lesson-answer')
  if (previous) await expect(answer).not.toHaveAttribute('data-run-id', previous, { timeout: 90_000 })
  await expect(card.getByTestId('lesson-progress')).toHaveCount(0, { timeout: 90_000 })
  const verdict = card.getByTestId('lesson-verdict')
  // the fan-out's defaults: 10 children of 0.1 s
  await expect(verdict).toHaveText(/^10 children in \d.* (ms|s) instead of \d.* (ms|s): \d+\.\d+× faster, ideal 10×$/)
  const verdictText = (await verdict.textContent())!
  const chart = card.getByTestId('lesson-chart')
  await expect(chart.locator('canvas')).toBeVisible()
  expect(await chart.locator('canvas').getAttribute('aria-label')).toContain(verdictText)
  await expectAccessible(page, 'the lessons, after the run')
  const runId = await answer.getAttribute('data-run-id')

  await card.getByTestId('lesson-link').click()
  await expect(page).toHaveURL(new RegExp(`#/results/${runId}$`))
  const result = page.getByTestId('screen-results').getByTestId('result')
  await expect(result).toHaveAttribute('data-run-id', runId!)
  await expect(result.getByTestId('verdict')).toHaveText(verdictText)
  await expect(result.getByTestId('key-chart').locator('canvas')).toBeVisible()

  // after a reload, the card shows the saved run's verdict
  await page.goto('./')
  await page.reload()
  await expect(card.getByTestId('lesson-answer')).toHaveAttribute('data-run-id', runId!)
  await expect(card.getByTestId('lesson-verdict')).toHaveText(verdictText)
  await expect(card.getByTestId('lesson-chart').locator('canvas')).toBeVisible()
})

test('a result page answers first and folds the rest: closed by default, one click opens a section', async ({ page }) => {
  test.setTimeout(120_000)
  await page.goto('./#/processes/fanout')
  const panel = page.getByTestId('experiment-fanout')
  for (const [name, value] of Object.entries({ children: '4', runs: '2', warmup: '0' })) await panel.locator(`[name="${name}"]`).fill(value)
  await panel.getByTestId('run').click()
  const result = panel.getByTestId('result')
  await expect(result).toBeVisible({ timeout: 60_000 })
  // the answer first: the verdict, then the key chart, before the figures
  await expect(result.getByTestId('verdict')).toHaveText(/^4 children in /)
  await expect(result.getByTestId('key-chart').getByTestId('chart-speedup').locator('canvas')).toBeVisible()
  const order = await result.evaluate((root) => ['verdict', 'key-chart', 'fanout-insight', 'folded-statistics'].map((id) => [...root.querySelectorAll('[data-testid]')].findIndex((el) => el.getAttribute('data-testid') === id)))
  expect(order.every((index) => index >= 0)).toBe(true)
  expect([...order].sort((a, b) => a - b)).toEqual(order)
  // everything else is folded: closed, its content out of view
  for (const folded of ['folded-statistics', 'folded-speedups', 'folded-timelines', 'folded-charts']) {
    await expect(result.getByTestId(folded)).toHaveJSProperty('open', false)
  }
  await expect(result.getByTestId('series-table')).toBeHidden()
  await expect(result.getByTestId('chart-times')).toBeHidden()
  // one click shows the statistics of every variant
  await unfold(result, 'folded-statistics')
  const table = result.getByTestId('series-table')
  await expect(table).toBeVisible()
  await expect(table.locator('tbody tr[data-series="serial"] [data-cell="median"]')).toHaveText(/\d/)
  await expect(table.locator('tbody tr[data-series="parallel"] [data-cell="median"]')).toHaveText(/\d/)
  // and one click draws the other charts
  await unfold(result, 'folded-charts')
  await expect(result.getByTestId('chart-times').locator('canvas')).toBeVisible()
  const drawn = await result.getByTestId('chart-times').locator('canvas').evaluate((canvas) => (canvas as HTMLCanvasElement).width)
  expect(drawn).toBeGreaterThan(100)
  // the export buttons are still there
  await expect(result.getByTestId('export-json')).toBeVisible()
})
