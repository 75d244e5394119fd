import { expect, test, type Page } from '@playwright/test'
import { openExperiment, runAndWaitForResult, setParam } from './helpers'

/**
 * Every control is reachable with the Tab key, in the order a reader meets them (the screens, then
 * the form, then its Run button, then the result), and the focused control shows it.
 */

interface Focused {
  /** Where on the page the focused element is: sidebar, tabs, form, run, result, lesson-<id>, … */
  region: string
  label: string
  /** Its focus ring: an outline of some width, in a style other than none. */
  outlineVisible: boolean
}

async function tabThrough(page: Page, presses: number, stopAt?: string): Promise<Focused[]> {
  const seen: Focused[] = []
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press('Tab')
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null
      if (!el || el === document.body) return undefined
      const within = (selector: string): boolean => el.closest(selector) !== null
      const lesson = el.closest('article.lesson')?.getAttribute('data-testid')
      const region = within('nav.sidebar')
        ? 'sidebar'
        : within('[role="tablist"]')
          ? 'tabs'
          : within('.experiment__actions')
            ? 'run'
            : within('.experiment__form')
              ? 'form'
              : within('[data-testid="result"]')
                ? 'result'
                : within('.lessons__all')
                  ? 'chapter'
                  : (lesson ?? 'other')
      const style = getComputedStyle(el)
      return {
        region,
        label: `${el.tagName.toLowerCase()} ${(el.getAttribute('data-testid') ?? el.getAttribute('name') ?? el.textContent ?? '').trim().slice(0, 40)}`,
        outlineVisible: style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) >= 1,
      }
    })
    if (!focused) continue
    seen.push(focused)
    if (stopAt && focused.region === stopAt) break
  }
  return seen
}

/** The regions in the order focus first entered them. */
const regionOrder = (seen: readonly Focused[]): string[] => [...new Set(seen.map((f) => f.region))]

test('the home screen: the screens in the sidebar, the one-click chapter, then each lesson card in turn, every focus visible', async ({ page }) => {
  await page.goto('./')
  await expect(page.getByTestId('screen-lessons').getByTestId('lesson-code').first()).toBeVisible()
  const seen = await tabThrough(page, 40, 'lesson-races')
  expect(regionOrder(seen)).toEqual(['sidebar', 'chapter', 'lesson-processes', 'lesson-threads', 'lesson-races'])
  expect(seen.filter((f) => f.region === 'chapter').map((f) => f.label)).toEqual(['button lessons-run-chapter'])
  const sidebar = seen.filter((f) => f.region === 'sidebar').map((f) => f.label)
  expect(sidebar).toHaveLength(7)
  ;['Lessons', 'Processes', 'Threads', 'Races', 'Results', 'Chapter', 'Settings'].forEach((screen, i) => expect(sidebar[i]).toMatch(new RegExp(`^a ${screen}`)))
  // within a card: its code excerpts (they scroll), then its Run with defaults button, then its answer (when it has one)
  const processes = seen.filter((f) => f.region === 'lesson-processes').map((f) => f.label)
  const run = processes.indexOf('button run-lesson-processes')
  expect(run).toBeGreaterThan(1)
  expect(processes.slice(0, run).every((label) => label.startsWith('pre '))).toBe(true)
  expect(processes.slice(run + 1).every((label) => /^(button Export (PNG|SVG)|a lesson-link)/.test(label))).toBe(true)
  expect(seen.filter((f) => !f.outlineVisible).map((f) => f.label)).toEqual([])
})

test('an experiment screen: sidebar, the experiment tabs, the form, Run, then the result, every focus visible', async ({ page }) => {
  test.setTimeout(120_000)
  await openExperiment(page, 'processes', 'fanout')
  for (const [name, value] of Object.entries({ children: '3', runs: '1', warmup: '0' })) await setParam(page, 'fanout', name, value)
  await runAndWaitForResult(page, 'fanout')
  // from the top of the page, as after loading it
  await page.evaluate(() => {
    document.body.tabIndex = -1
    document.body.focus()
    document.body.removeAttribute('tabindex')
  })
  const seen = await tabThrough(page, 80, 'result')
  expect(regionOrder(seen)).toEqual(['sidebar', 'tabs', 'form', 'run', 'result'])
  expect(seen.find((f) => f.region === 'run')!.label).toBe('button run')
  // the form's fields are each reached: a field for every parameter on screen
  const fields = await page.getByTestId('experiment-fanout').locator('.experiment__form :is(input, select, textarea):not([disabled])').count()
  expect(seen.filter((f) => f.region === 'form')).toHaveLength(fields)
  expect(seen.filter((f) => !f.outlineVisible).map((f) => f.label)).toEqual([])
})
