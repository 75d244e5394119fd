import { expect, test } from '@playwright/test'
import { expectAccessible, expectAccessibleResult } from './accessibility-checks'
import { downloadBytes, expectDrawnPng, openExperiment, setParam } from './helpers'

test('Races: real threads race on a shared counter; the histogram and lost-update figures are shown and exported', async ({ page }) => {
  await openExperiment(page, 'races', 'race')
  await expectAccessible(page, 'race, before the run')
  await setParam(page, 'race', 'trials', '6')
  await page.getByTestId('run').click()
  await expect(page.getByTestId('result')).toBeVisible({ timeout: 60_000 })
  await expectAccessibleResult(page, 'race')

  const table = page.getByTestId('race-table')
  for (const exact of ['node-atomic', 'node-mutex']) {
    await expect(table.locator(`[data-variant="${exact}"] [data-cell="lossy"]`)).toHaveText('0/6')
    await expect(table.locator(`[data-variant="${exact}"] [data-cell="lost"]`)).toHaveText('0.0%')
  }
  await expect(table.locator('[data-variant="node-unsynchronised"] [data-cell="lossy"]')).toHaveText(/^\d+\/6$/)
  await expect(page.getByTestId('race-violation')).toHaveCount(0)
  await expect(page.getByTestId('race-explanations').locator('li').first()).toBeVisible()

  const histogram = page.getByTestId('chart-race-histogram')
  await expect(histogram.locator('canvas')).toBeVisible()
  const [download] = await Promise.all([page.waitForEvent('download'), histogram.getByRole('button', { name: 'Export PNG' }).click()])
  expect(download.suggestedFilename()).toMatch(/race-.*-histogram\.png$/)
  expectDrawnPng(await downloadBytes(download), 800)
})

test('Races: the measured trace of lost updates and the walkthrough appear after a run; stepping loses an update, the lock prevents it', async ({ page }) => {
  await openExperiment(page, 'races', 'race')
  await setParam(page, 'race', 'trials', '2')
  await page.getByTestId('run').click()
  await expect(page.getByTestId('result')).toBeVisible({ timeout: 90_000 })

  // the measured trace: one chart per traced variant, the mutex and Atomics.add checked
  const traces = page.getByTestId('race-traces')
  await expect(traces.getByTestId('chart-race-trace').first().locator('canvas')).toBeVisible()
  for (const exact of ['node-atomic', 'node-mutex']) {
    await expect(page.getByTestId(`race-trace-${exact}`)).toHaveAttribute('data-check', 'passed')
    await expect(page.getByTestId(`race-trace-${exact}`).getByTestId('race-trace-sentences')).toContainText('Check passed')
  }
  const unsynchronised = page.getByTestId('race-trace-node-unsynchronised')
  await expect(unsynchronised.getByTestId('race-trace-sentences').locator('li').first()).toContainText('traced: 2 workers × 100,000 increments')
  if ((await unsynchronised.getByTestId('race-trace-link').count()) > 0) {
    // picking another lost update re-centres the chart on it
    const chart = unsynchronised.getByTestId('chart-race-trace').locator('canvas')
    const before = await chart.getAttribute('aria-label')
    await unsynchronised.getByTestId('race-trace-link').selectOption({ index: 1 })
    await expect(unsynchronised.getByTestId('race-trace-links').locator('tbody tr').first()).toBeVisible()
    expect(await chart.getAttribute('aria-label')).toBe(before)
  }
  const [download] = await Promise.all([page.waitForEvent('download'), unsynchronised.getByTestId('chart-race-trace').getByRole('button', { name: 'Export PNG' }).click()])
  expect(download.suggestedFilename()).toMatch(/race-.*-trace-node-unsynchronised\.png$/)
  expectDrawnPng(await downloadBytes(download), 400)

  // the report carries the check sentences, the table of lost updates and the trace charts
  const [report] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-html').click()])
  const html = (await downloadBytes(report)).toString('utf8')
  expect(html).toContain('<h2>Lost updates, one by one</h2>')
  expect(html).toMatch(/<li>Check passed: no two of the 200,000 traced increments read the same value, and the counter ended at 200,000: Node: mutex let no update be lost\./)
  expect(html).toMatch(/<figcaption>Node: mutex, traced: no two increments read the same value/)
  expect(html).toMatch(/<figcaption>Node: unsynchronised, traced: /)

  // the walkthrough, by hand: Node's load, add and store
  const stepper = page.getByTestId('race-stepper')
  await expect(stepper).toContainText('Walkthrough of the steps')
  if ((await stepper.getByTestId('stepper-program').count()) > 0) await stepper.getByTestId('stepper-program').selectOption('node')
  const step = (thread: 0 | 1) => stepper.getByTestId(`stepper-step-${thread}`).click()
  for (const thread of [0, 1, 0, 1] as const) await step(thread) // both read 0, both add
  await expect(stepper.getByTestId('stepper-local-0')).toHaveText('1')
  await expect(stepper.getByTestId('stepper-local-1')).toHaveText('1')
  await step(0)
  await step(1)
  await expect(stepper.getByTestId('stepper-message')).toContainText('Lost update')
  await expect(stepper.getByTestId('stepper-counter')).toHaveText('1')
  await expect(stepper.getByTestId('stepper-expected')).toHaveText('2')
  await expect(stepper.getByTestId('stepper-lost')).toHaveText('1')

  // the lock on: the same order of clicks, and the second thread waits at the lock
  await stepper.getByTestId('stepper-lock').check()
  await expect(stepper.getByTestId('stepper-counter')).toHaveText('0')
  await step(0) // takes the lock
  await step(1)
  await expect(stepper.getByTestId('stepper-message')).toContainText('thread 2 waits: thread 1 holds the lock')
  await expect(stepper.getByTestId('stepper-blocked-1')).toBeVisible()
  for (const thread of [0, 1, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1] as const) await step(thread)
  await expect(stepper.getByTestId('stepper-counter')).toHaveText('2')
  await expect(stepper.getByTestId('stepper-expected')).toHaveText('2')
  await expect(stepper.getByTestId('stepper-lost')).toHaveText('0')
})
