import AxeBuilder from '@axe-core/playwright'
import { expect, type Page } from '@playwright/test'

/**
 * An automated accessibility check (axe-core, WCAG 2.1 A and AA rules): the serious and critical
 * violations on the page now, one line each. It cannot judge everything (whether a chart's text
 * alternative says the right thing, a sensible focus order): the specs check those themselves.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((node) => `${v.impact} ${v.id}: ${v.help} — ${node.target.join(' ')}: ${node.failureSummary?.split('\n').slice(1).join(' ').trim()}`))
}

/** No serious or critical violation on the page now; `when` names the moment in the failure. */
export async function expectAccessible(page: Page, when: string): Promise<void> {
  expect(await seriousViolations(page), when).toEqual([])
}

/**
 * An experiment's result as a person using a screen reader meets it: no serious or critical
 * violation, and every chart's text alternative carries the result's verdict (its headline).
 */
export async function expectAccessibleResult(page: Page, experimentId: string): Promise<void> {
  await expectAccessible(page, `${experimentId}, after the run`)
  const panel = page.getByTestId(`experiment-${experimentId}`)
  const headline = (await panel.getByTestId('headline').textContent())?.trim() ?? ''
  expect(headline.length).toBeGreaterThan(20)
  const labels = await panel.locator('canvas[role="img"]').evaluateAll((canvases) => canvases.map((c) => c.getAttribute('aria-label') ?? ''))
  expect(labels.length).toBeGreaterThan(0)
  for (const label of labels) expect(label).toContain(headline)
}
