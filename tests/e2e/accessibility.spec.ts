import { expect, test } from '@playwright/test'
import { expectAccessible } from './accessibility-checks'
import { openExperiment, runAndWaitForResult, setParam } from './helpers'

/*
 * Accessibility (axe-core, WCAG 2.1 A and AA rules: no serious or critical violation) of what the
 * experiment specs do not reach: the dark theme, the results and settings screens. Every experiment
 * screen and the lessons are checked by their own specs, before and after a real run
 * (expectAccessible, expectAccessibleResult), and here the layout of each from 900 px to 4K.
 */

const EXPERIMENTS: { screen: string; id: string }[] = [
  { screen: 'processes', id: 'capture' },
  { screen: 'processes', id: 'fanout' },
  { screen: 'processes', id: 'pipeline' },
  { screen: 'processes', id: 'timeout' },
  { screen: 'processes', id: 'command' },
  { screen: 'threads', id: 'factorize' },
  { screen: 'threads', id: 'blocking-io' },
  { screen: 'races', id: 'race' },
  { screen: 'threads', id: 'workload' },
]

test.describe('accessibility (axe-core): no serious or critical violation', () => {
  test('the dark theme: an experiment after a run, and the results', async ({ page }) => {
    test.setTimeout(120_000)
    await page.emulateMedia({ colorScheme: 'dark' })
    await openExperiment(page, 'processes', 'pipeline')
    for (const [name, value] of Object.entries({ pipelines: '2', runs: '1', warmup: '0', mode: 'book' })) await setParam(page, 'pipeline', name, value)
    await runAndWaitForResult(page, 'pipeline', 100_000)
    await expectAccessible(page, 'pipeline, dark')
    await page.goto('./#/results')
    await expect(page.getByTestId('screen-results')).toBeVisible()
    await expectAccessible(page, 'results, dark')
  })

  test('results and settings', async ({ page }) => {
    await page.goto('./#/results')
    await expect(page.getByTestId('screen-results')).toBeVisible()
    await expectAccessible(page, 'results')
    await page.goto('./#/settings')
    await expect(page.getByTestId('screen-settings')).toBeVisible()
    await expectAccessible(page, 'settings')
  })
})

test.describe('the layout holds from 900 px wide to a 4K screen: nothing wider than the window', () => {
  for (const viewport of [{ width: 900, height: 700 }, { width: 3840, height: 2160 }]) {
    test(`${viewport.width} × ${viewport.height}`, async ({ page }) => {
      test.setTimeout(120_000)
      await page.setViewportSize(viewport)
      const overflow = async (): Promise<number> => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      for (const { screen, id } of EXPERIMENTS) {
        await openExperiment(page, screen, id)
        expect(await overflow(), `${id} at ${viewport.width} px`).toBeLessThanOrEqual(0)
      }
      // a result on screen: tables, charts and timelines
      await openExperiment(page, 'processes', 'fanout')
      for (const [name, value] of Object.entries({ children: '4', runs: '1', warmup: '0' })) await setParam(page, 'fanout', name, value)
      await runAndWaitForResult(page, 'fanout', 100_000)
      expect(await overflow(), `fan-out result at ${viewport.width} px`).toBeLessThanOrEqual(0)
      await page.goto('./#/results')
      await expect(page.getByTestId('screen-results')).toBeVisible()
      expect(await overflow(), `results at ${viewport.width} px`).toBeLessThanOrEqual(0)
      // the interpreter table: long paths wrap instead of widening the page
      await page.goto('./#/settings')
      await expect(page.getByTestId('interpreter-table')).toBeVisible({ timeout: 60_000 })
      expect(await overflow(), `settings at ${viewport.width} px`).toBeLessThanOrEqual(0)
      await page.goto('./')
      await expect(page.getByTestId('screen-lessons').getByTestId('lesson-code').first()).toBeVisible()
      expect(await overflow(), `lessons at ${viewport.width} px`).toBeLessThanOrEqual(0)
    })
  }
})
