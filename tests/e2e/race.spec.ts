import { expect, test } from '@playwright/test'
import { downloadBytes, expectDrawnPng, openExperiment, setParam } from './helpers'

test('Races: real threads race on a shared counter; the histogram and lost-update figures are shown and exported', async ({ page }) => {
  await openExperiment(page, 'races', 'race')
  await setParam(page, 'race', 'trials', '6')
  await page.getByTestId('run').click()
  await expect(page.getByTestId('result')).toBeVisible({ timeout: 60_000 })

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
