import { randomUUID } from 'node:crypto'
import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import { downloadBytes, processCommandLines } from './helpers'

/*
 * The host runs a short chapter (see playwright.config.ts): Timeouts, Races, and a Fan-out of two
 * children sleeping 1.25 s each, whose sleeps the cancel test looks for among the machine's processes.
 */
const sleeping = (): number => processCommandLines().filter((argv) => argv.at(-1) === '1.25').length

/** The ids of serious or critical WCAG 2.1 A/AA violations axe-core finds on the page. */
async function seriousViolationIds(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

async function openChapter(page: Page): Promise<void> {
  await page.goto('./#/chapter')
  await expect(page.getByTestId('screen-chapter')).toBeVisible()
}

test.describe('Chapter', () => {
  test('runs the whole chapter with one progress and the time left, then shows the verdicts, links and exports', async ({ page }) => {
    await openChapter(page)
    expect(await seriousViolationIds(page), 'before a run').toEqual([])
    await page.getByRole('navigation', { name: 'Experiment screens' }).getByText('Chapter', { exact: true }).click()
    await page.getByTestId('chapter-start').click()
    const progress = page.getByTestId('chapter-progress')
    await expect(progress).toHaveAttribute('data-state', 'running')
    await expect(progress).toContainText(/of 3: (Timeouts|Races|Fan-out)/)
    await expect(progress).toContainText(/about \d+ s left/, { timeout: 30_000 })
    await expect(page.getByTestId('chapter-start')).toBeDisabled()
    await expect(progress).toHaveAttribute('data-state', 'completed', { timeout: 60_000 })
    await expect(progress).toContainText('Done: 3 experiments')
    await expect(progress.locator('progress')).toHaveAttribute('value', '100')

    await expect(page.getByTestId('chapter-title')).toHaveText(/^Concurrency on .+ logical cores/)
    await expect(page.getByTestId('lesson-processes').getByTestId('lesson-verdict')).toHaveText(/^2 children at once took .+ instead of .+ one after another/)
    await expect(page.getByTestId('lesson-threads')).toHaveAttribute('data-status', 'not-measured')
    await expect(page.getByTestId('lesson-races').getByTestId('lesson-verdict')).toContainText('Atomics.add')
    await expect(page.getByTestId('chapter-steps').locator('tbody tr')).toHaveCount(3)
    await expect(page.getByTestId('chapter-save-pdf')).toHaveCount(0) // the desktop app only
    expect(await seriousViolationIds(page), 'after a run').toEqual([])

    const [report] = await Promise.all([page.waitForEvent('download'), page.getByTestId('chapter-save-html').click()])
    expect(report.suggestedFilename()).toMatch(/^concurrency-lab-chapter-.+\.html$/)
    const html = (await downloadBytes(report)).toString('utf8')
    expect(html).toMatch(/<h1>Concurrency on /)
    expect(html).toContain('Appendix C: Fan-out')
    expect(html).toContain('src="data:image/png;base64,')

    const [bundleDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('chapter-save-json').click()])
    const bundle = JSON.parse((await downloadBytes(bundleDownload)).toString('utf8'))
    expect(bundle.kind).toBe('concurrency-lab-chapter')
    expect(bundle.results).toHaveLength(3)

    // a saved result is one click away
    await page.getByTestId('lesson-races').getByRole('link', { name: 'Races' }).click()
    await expect(page.getByTestId('screen-results')).toBeVisible()
    await expect(page.getByTestId('result')).toHaveAttribute('data-run-id', bundle.results[1].runId)

    // the same set from another machine (new run ids) is added as one set by Import bundle
    let text = JSON.stringify(bundle)
    for (const result of bundle.results) text = text.replaceAll(result.runId, randomUUID())
    await page.getByTestId('import-bundle').setInputFiles({ name: 'bundle.json', mimeType: 'application/json', buffer: Buffer.from(text) })
    await expect(page.getByRole('status').filter({ hasText: 'Imported "Concurrency on' })).toContainText('3 results added')
    await page.getByTestId('import-bundle').setInputFiles({ name: 'bundle.json', mimeType: 'application/json', buffer: Buffer.from(text) })
    await expect(page.getByRole('status').filter({ hasText: 'Imported "Concurrency on' })).toContainText('0 results added, 3 already here')
  })

  test('cancel ends the current run and its children, and says so', async ({ page }) => {
    await openChapter(page)
    await page.getByTestId('chapter-start').click()
    await expect.poll(sleeping, { timeout: 30_000 }).toBeGreaterThan(0)
    await page.getByTestId('chapter-cancel').click()
    const progress = page.getByTestId('chapter-progress')
    await expect(progress).toHaveAttribute('data-state', 'cancelled', { timeout: 5_000 })
    await expect(progress).toContainText('Cancelled: 2 of 3 experiments had finished; their results stay saved.')
    expect(sleeping()).toBe(0)
    await expect(page.getByTestId('chapter-start')).toBeEnabled()
    await expect(page.getByTestId('chapter-steps').locator('tbody tr').nth(2)).toContainText('cancelled')
  })

  test('the Lessons screen answers all three with one click: the chapter starts and its screen shows the progress', async ({ page }) => {
    await page.goto('./')
    await expect(page.getByTestId('screen-lessons')).toBeVisible()
    await page.getByTestId('lessons-run-chapter').click()
    await expect(page.getByTestId('screen-chapter')).toBeVisible()
    const progress = page.getByTestId('chapter-progress')
    await expect(progress).toHaveAttribute('data-state', 'running')
    await page.getByTestId('chapter-cancel').click()
    await expect(progress).toHaveAttribute('data-state', 'cancelled', { timeout: 15_000 })
    expect(sleeping()).toBe(0)
  })
})
