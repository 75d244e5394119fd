import { spawnSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { expect, type Download, type Locator, type Page } from '@playwright/test'
import { PNG } from 'pngjs'
import { pythonCandidates } from '../../src/main/lab/python/discover'

/**
 * The version of the Python 3 the lab would use on this machine ("3.11.7"), asked apart from the
 * lab: the first of the lab's own candidate commands whose `--version` names a Python 3; undefined
 * where none does.
 */
export function localPython3Version(): string | undefined {
  for (const launch of pythonCandidates({ platform: process.platform, env: process.env })) {
    const answer = spawnSync(launch.file, [...launch.args, '--version'], { encoding: 'utf8', timeout: 10_000 })
    const version = `${answer.stdout ?? ''}${answer.stderr ?? ''}`.match(/^Python (3\.\S+)/m)?.[1]
    if (answer.status === 0 && version) return version
  }
  return undefined
}

/** Command lines (argv) of every living process on this machine, from /proc. */
export function processCommandLines(): string[][] {
  const lines: string[][] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue
      lines.push(readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean))
    } catch {
      // ended while we looked
    }
  }
  return lines
}

export async function downloadBytes(download: Download): Promise<Buffer> {
  const path = await download.path()
  return readFileSync(path)
}

/** A PNG that really shows a chart: decodes, and holds many pixels of several colours. */
export function expectDrawnPng(bytes: Buffer, minWidth: number): PNG {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  const png = PNG.sync.read(bytes)
  expect(png.width).toBeGreaterThanOrEqual(minWidth)
  const colours = new Map<number, number>()
  for (let i = 0; i < png.data.length; i += 4) {
    const key = (png.data[i]! << 16) | (png.data[i + 1]! << 8) | png.data[i + 2]!
    colours.set(key, (colours.get(key) ?? 0) + 1)
  }
  const pixels = png.width * png.height
  const background = Math.max(...colours.values())
  // something is drawn over the background, in more than a few colours (bars, axes, text)
  expect(pixels - background).toBeGreaterThan(pixels * 0.02)
  expect(colours.size).toBeGreaterThan(20)
  return png
}

export async function openExperiment(page: Page, screen: string, experimentId: string): Promise<void> {
  await page.goto(`./#/${screen}/${experimentId}`)
  await expect(page.getByTestId(`experiment-${experimentId}`)).toBeVisible()
}

export async function setParam(page: Page, experimentId: string, name: string, value: string): Promise<void> {
  const field = page.getByTestId(`experiment-${experimentId}`).locator(`[name="${name}"]`)
  if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value)
  else await field.fill(value)
}

/** Clicks Run and waits for the result of that run (not one still on screen from before). */
export async function runAndWaitForResult(page: Page, experimentId: string, timeoutMs = 60_000): Promise<void> {
  const panel = page.getByTestId(`experiment-${experimentId}`)
  const result = panel.getByTestId('result')
  const previous = (await result.count()) > 0 ? await result.getAttribute('data-run-id') : null
  await panel.getByTestId('run').click()
  await expect(result).toBeVisible({ timeout: timeoutMs })
  if (previous) await expect(result).not.toHaveAttribute('data-run-id', previous, { timeout: timeoutMs })
}

/** Opens a folded section of a result page (a closed <details>) with one click on its summary, as a reader does. */
export async function unfold(scope: Page | Locator, foldedTestId: string): Promise<Locator> {
  const section = scope.getByTestId(foldedTestId).first()
  await expect(section).toBeVisible()
  if (!(await section.evaluate((el) => (el as HTMLDetailsElement).open))) await section.locator(':scope > summary').click()
  await expect(section).toHaveJSProperty('open', true)
  return section
}
