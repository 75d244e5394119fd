import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import { openExperiment, runAndWaitForResult, setParam } from './helpers'

/**
 * An automated accessibility check (axe-core, WCAG 2.1 A and AA rules) of every screen, before and
 * after a run: no serious or critical violation. It cannot judge everything (whether a chart's text
 * alternative says the right thing, a sensible focus order): those are checked by the other specs.
 */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((node) => `${v.impact} ${v.id}: ${v.help} — ${node.target.join(' ')}: ${node.failureSummary?.split('\n').slice(1).join(' ').trim()}`))
}

/** Every chart's text alternative carries the result's verdict (its headline). */
async function expectChartsSayTheVerdict(page: Page, id: string): Promise<void> {
  const panel = page.getByTestId(`experiment-${id}`)
  const headline = (await panel.getByTestId('headline').textContent())?.trim() ?? ''
  expect(headline.length).toBeGreaterThan(20)
  const labels = await panel.locator('canvas[role="img"]').evaluateAll((canvases) => canvases.map((c) => c.getAttribute('aria-label') ?? ''))
  expect(labels.length).toBeGreaterThan(0)
  for (const label of labels) expect(label).toContain(headline)
}

const EXPERIMENTS: { screen: string; id: string; quick: Record<string, string> }[] = [
  { screen: 'processes', id: 'capture', quick: {} },
  { screen: 'processes', id: 'fanout', quick: { children: '4', runs: '1', warmup: '0' } },
  { screen: 'processes', id: 'pipeline', quick: { pipelines: '2', runs: '1', warmup: '0' } },
  { screen: 'processes', id: 'timeout', quick: {} },
  { screen: 'processes', id: 'command', quick: { runs: '2', warmup: '0' } },
  { screen: 'threads', id: 'factorize', quick: { runs: '1', warmup: '0' } },
  { screen: 'threads', id: 'blocking-io', quick: { runs: '1', warmup: '0' } },
  { screen: 'races', id: 'race', quick: { trials: '2' } },
  { screen: 'threads', id: 'workload', quick: { runs: '1', warmup: '0', workers: '2' } },
]

test.describe('accessibility (axe-core): no serious or critical violation', () => {
  for (const { screen, id, quick } of EXPERIMENTS) {
    test(`${id}, before and after a run`, async ({ page }) => {
      test.setTimeout(180_000)
      await openExperiment(page, screen, id)
      expect(await seriousViolations(page), 'before the run').toEqual([])
      for (const [name, value] of Object.entries(quick)) await setParam(page, id, name, value)
      await runAndWaitForResult(page, id, 150_000)
      expect(await seriousViolations(page), 'after the run').toEqual([])
      await expectChartsSayTheVerdict(page, id)
    })
  }

  test('the dark theme: an experiment after a run, and the results', async ({ page }) => {
    test.setTimeout(120_000)
    await page.emulateMedia({ colorScheme: 'dark' })
    await openExperiment(page, 'processes', 'pipeline')
    for (const [name, value] of Object.entries({ pipelines: '2', runs: '1', warmup: '0', mode: 'book' })) await setParam(page, 'pipeline', name, value)
    await runAndWaitForResult(page, 'pipeline', 100_000)
    expect(await seriousViolations(page), 'pipeline, dark').toEqual([])
    await page.goto('./#/results')
    await expect(page.getByTestId('screen-results')).toBeVisible()
    expect(await seriousViolations(page), 'results, dark').toEqual([])
  })

  test('the lessons (home screen), before and after a run', async ({ page }) => {
    test.setTimeout(120_000)
    await page.goto('./')
    const card = page.getByTestId('lesson-processes')
    await expect(page.getByTestId('screen-lessons').getByTestId('lesson-code').first()).toBeVisible()
    expect(await seriousViolations(page), 'before the run').toEqual([])
    await card.getByTestId('run-lesson-processes').click()
    await expect(card.getByTestId('lesson-progress')).toBeVisible()
    await expect(card.getByTestId('lesson-progress')).toHaveCount(0, { timeout: 100_000 })
    await expect(card.getByTestId('lesson-chart').locator('canvas')).toBeVisible()
    expect(await seriousViolations(page), 'after the run').toEqual([])
    // the card's chart says the verdict in words
    const verdict = (await card.getByTestId('lesson-verdict').textContent())?.trim() ?? ''
    expect(await card.getByTestId('lesson-chart').locator('canvas').getAttribute('aria-label')).toContain(verdict)
  })

  test('results and settings', async ({ page }) => {
    await page.goto('./#/results')
    await expect(page.getByTestId('screen-results')).toBeVisible()
    expect(await seriousViolations(page), 'results').toEqual([])
    await page.goto('./#/settings')
    await expect(page.getByTestId('screen-settings')).toBeVisible()
    expect(await seriousViolations(page), 'settings').toEqual([])
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
