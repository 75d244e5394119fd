import { expect, test, type Locator, type Page } from '@playwright/test'
import type { CaptureData } from '../../src/shared/experiments/capture'
import type { RunResult } from '../../src/shared/model/result'
import { existsSync } from 'node:fs'
import { expectAccessible, expectAccessibleResult } from './accessibility-checks'
import { downloadBytes, expectDrawnPng, setParam, unfold } from './helpers'

/** Where the lab's vfork addon is built (Linux, x64 or arm64), its launcher starts children from the app's own process. */
const vforkAddonBuilt = process.platform === 'linux' && existsSync(`resources/native/lab-spawn-linux-${process.arch}.node`)

/** Every experiment of the Processes screen, reached the way a user does: the screen, then its tab. */
async function openFromTab(page: Page, experimentId: string): Promise<Locator> {
  await page.goto('./#/processes')
  await expect(page.getByTestId('screen-processes')).toBeVisible()
  await page.getByTestId(`tab-${experimentId}`).click()
  await expect(page.getByTestId(`tab-${experimentId}`)).toHaveAttribute('aria-selected', 'true')
  const panel = page.getByTestId(`experiment-${experimentId}`)
  await expect(panel).toBeVisible()
  return panel
}

async function setChecked(page: Page, experimentId: string, name: string, on: boolean): Promise<void> {
  await page.getByTestId(`experiment-${experimentId}`).locator(`input[type="checkbox"][name="${name}"]`).setChecked(on)
}

async function runAndWait(page: Page): Promise<Locator> {
  await page.getByTestId('run').click()
  const result = page.getByTestId('result')
  await expect(result).toBeVisible({ timeout: 60_000 })
  await expect(page.getByTestId('run-error')).toHaveCount(0)
  return result
}

/** Exports one chart of the result as PNG (opening its folded section first, if it is in one) and checks that it holds a drawn chart at 2×. */
async function exportChartPng(page: Page, testId: string, fileName: RegExp): Promise<void> {
  const chart = page.getByTestId(testId)
  const folded = await chart.evaluate((el) => el.closest('details[data-testid]')?.getAttribute('data-testid'))
  if (folded) await unfold(page, folded)
  await expect(chart.locator('canvas')).toBeVisible()
  const cssWidth = await chart.locator('canvas').evaluate((c) => (c as HTMLCanvasElement).clientWidth)
  const [download] = await Promise.all([page.waitForEvent('download'), chart.getByRole('button', { name: 'Export PNG' }).click()])
  expect(download.suggestedFilename()).toMatch(fileName)
  expectDrawnPng(await downloadBytes(download), cssWidth * 2 - 2)
}

const cellNumber = async (cell: Locator): Promise<number> => Number.parseInt((await cell.textContent()) ?? '', 10)

test.describe('Processes screen', () => {
  const pageErrors: string[] = []
  test.beforeEach(({ page }) => {
    pageErrors.length = 0
    page.on('pageerror', (error) => pageErrors.push(error.message))
  })
  test.afterEach(() => {
    expect(pageErrors).toEqual([])
  })

  test('capture: the child\'s stdout, its exit code 0, and its life from spawn to the streams closing; JSON export', async ({ page }) => {
    await openFromTab(page, 'capture')
    await expectAccessible(page, 'capture, before the run')
    await runAndWait(page)
    await expectAccessibleResult(page, 'capture')

    const insight = page.getByTestId('capture-insight')
    await expect(insight.getByTestId('capture-stdout').locator('pre')).toHaveText('Hello from the child')
    await expect(insight.getByTestId('capture-stdout-bytes')).toHaveText('21 B')
    await expect(insight.getByTestId('capture-stderr')).toContainText('(empty)')
    await expect(insight.getByTestId('capture-exit-code')).toHaveText('0')
    await expect(insight.getByTestId('capture-python-status')).toHaveText('0')
    await expect(insight.getByTestId('capture-end')).toContainText('exited with code 0')
    const phases = insight.getByTestId('capture-phases').locator('tbody tr')
    await expect(phases.first()).toHaveAttribute('data-phase', 'requested')
    await expect(phases.last()).toHaveAttribute('data-phase', 'closed')
    await expect(insight.getByTestId('capture-phases').locator('[data-phase="exited"]')).toBeVisible()
    await expect(insight.getByTestId('capture-waiting')).not.toBeEmpty()
    await expect(page.getByTestId('chart-timeline-child').locator('canvas')).toBeVisible()

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()])
    const exported = JSON.parse((await downloadBytes(download)).toString('utf8')) as RunResult<CaptureData>
    expect(exported.experimentId).toBe('capture')
    expect(exported.data.stdout.text).toBe('Hello from the child\n')
    expect(exported.data.end.exitCode).toBe(0)
    const p = exported.data.phases
    expect(p.spawnReturnedMs).toBeLessThanOrEqual(p.exitedMs)
    expect(p.exitedMs).toBeLessThanOrEqual(p.streamsClosedMs)
  })

  test('fan-out: a concurrency-limit sweep from serial to all at once, with the speedup chart exported', async ({ page }) => {
    await openFromTab(page, 'fanout')
    // the defaults (10 children, sweep on) with one measured run instead of three: the same table, a third of the time
    await setParam(page, 'fanout', 'runs', '1')
    await setParam(page, 'fanout', 'warmup', '0')
    await runAndWait(page)

    const insight = page.getByTestId('fanout-insight')
    const limits = insight.getByTestId('fanout-limits-table').locator('tbody tr')
    await expect(limits).toHaveCount(5)
    expect(await limits.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-limit')))).toEqual(['1', '2', '4', '8', '10'])
    expect(await limits.locator('[data-cell="rounds"]').allTextContents()).toEqual(['10', '5', '3', '2', '1'])
    await expect(limits.locator('[data-cell="ideal"]').nth(2)).toHaveText('3.33×')
    await expect(insight.getByTestId('fanout-bound')).toContainText('the longest child')
    await expect(insight.getByTestId('fanout-sweep-sentence')).toContainText('With at most 4 at once, 10 children need 3 rounds')
    // the sentence says who started the children: the app itself with vfork where the addon is built, else the helpers
    await expect(insight).toContainText(vforkAddonBuilt ? "started by vfork from the app (the lab's addon)" : 'started by spawner helpers')
    await expect(insight.getByTestId('fanout-spawn')).toContainText(
      vforkAddonBuilt ? /Parallel: Starting the 10 children kept the app busy for .+ \(median .+ each, one after another\)/ : /spawner helper process(es)? started the 10 children, so the app's own thread never waited on a fork/,
    )
    await expect(insight.getByTestId('speedup')).toHaveText(/^\d+(\.\d+)?×$/)
    // ten sleeps of 0.1 s side by side must beat the same ten one after another
    const seconds = (text: string | null): number => (text?.endsWith(' ms') ? Number.parseFloat(text) / 1000 : Number.parseFloat(text ?? ''))
    expect(seconds(await insight.getByTestId('parallel-time').textContent())).toBeLessThan(seconds(await insight.getByTestId('serial-time').textContent()) / 2)

    await exportChartPng(page, 'chart-speedup', /^concurrency-lab-fanout-.*-speedup\.png$/)
  })

  test('pipeline, fixed mode: every hash verified against the app\'s own; the password stays off the command line', async ({ page }) => {
    const panel = await openFromTab(page, 'pipeline')
    await expectAccessible(page, 'pipeline, before the run')
    const runs = Number(await panel.locator('[name="runs"]').inputValue())
    const pipelines = Number(await panel.locator('[name="pipelines"]').inputValue())
    await runAndWait(page)
    await expectAccessibleResult(page, 'pipeline')

    const insight = page.getByTestId('pipeline-insight')
    await expect(insight).toHaveAttribute('data-mode', 'fixed')
    const counts = insight.getByTestId('pipeline-counts')
    const total = await cellNumber(counts.locator('[data-cell="total"]'))
    expect(total).toBe(pipelines * runs * 2) // serial and parallel
    await expect(counts.locator('[data-cell="verified"]')).toHaveText(String(total))
    await expect(counts.locator('[data-cell="empty-input"]')).toHaveText('0')
    await unfold(insight, 'folded-pipelines')
    const rows = insight.getByTestId('pipeline-table').locator('tbody tr[data-status]')
    await expect(rows.first()).toBeVisible()
    expect(new Set(await rows.evaluateAll((all) => all.map((r) => r.getAttribute('data-status'))))).toEqual(new Set(['verified']))
    await expect(insight.getByTestId('pipeline-verification')).toContainText(`All ${total} hashes were verified`)
    await expect(insight.getByTestId('pipeline-stderr')).toContainText('not a failure')
    const command = insight.getByTestId('pipeline-command')
    await expect(command).toContainText('-pass env:')
    // the password itself never appears: only the variable's name, its value elided
    await expect(command).toContainText('=…')

    await exportChartPng(page, 'chart-timeline-parallel', /^concurrency-lab-pipeline-.*-timeline-parallel\.png$/)
  })

  test('pipeline, the book\'s code: the parent races the hash stage, and verification flags the empty-input hashes', async ({ page }) => {
    await openFromTab(page, 'pipeline')
    await setParam(page, 'pipeline', 'mode', 'book')
    // 10 pipelines × 3 runs × 2 variants = 60 hashes; measured here about half of them are of empty input
    await setParam(page, 'pipeline', 'pipelines', '10')
    await setParam(page, 'pipeline', 'runs', '3')
    await runAndWait(page)

    const insight = page.getByTestId('pipeline-insight')
    await expect(insight).toHaveAttribute('data-mode', 'book')
    const counts = insight.getByTestId('pipeline-counts')
    const total = await cellNumber(counts.locator('[data-cell="total"]'))
    const verified = await cellNumber(counts.locator('[data-cell="verified"]'))
    const empty = await cellNumber(counts.locator('[data-cell="empty-input"]'))
    const mismatch = await cellNumber(counts.locator('[data-cell="mismatch"]'))
    const failed = await cellNumber(counts.locator('[data-cell="failed"]'))
    expect(total).toBe(60)
    expect(verified + empty + mismatch + failed).toBe(total)
    expect(failed).toBe(0)
    expect(empty).toBeGreaterThan(0)
    await expect(insight.getByTestId('pipeline-fix')).toContainText('lets go of its copy')
    await expect(insight.getByTestId('pipeline-verification')).toContainText(`Only ${verified} of ${total} were verified`)
    await expect(page.getByTestId('warnings')).toContainText(`${total - verified} of ${total} hashes did not match`)

    // the flagged rows, and only them, when the table is asked for the problems
    await unfold(insight, 'folded-pipelines')
    await insight.getByTestId('pipeline-filter').selectOption('problems')
    if (total - verified > 10) await insight.getByTestId('pipeline-show-all').click()
    const flagged = insight.getByTestId('pipeline-table').locator('tbody tr[data-status]')
    await expect(flagged).toHaveCount(total - verified)
    const statuses = await flagged.evaluateAll((all) => all.map((r) => r.getAttribute('data-status')))
    expect(statuses.filter((s) => s === 'empty-input')).toHaveLength(empty)
    expect(statuses).not.toContain('verified')
    await expect(flagged.first().locator('.status-badge')).toHaveText(/empty input|mismatch/)
  })

  test('timeout: a 10 s child is killed by SIGTERM at the 0.1 s timeout (Python status -15) and no zombie is left', async ({ page }) => {
    await openFromTab(page, 'timeout')
    await expectAccessible(page, 'timeout, before the run')
    await runAndWait(page)
    await expectAccessibleResult(page, 'timeout')

    const insight = page.getByTestId('timeout-insight')
    await expect(insight.getByTestId('timeout-sentence')).toContainText('killed by SIGTERM after')
    await expect(insight.getByTestId('timeout-sentence')).toContainText('Python status -15')
    await expect(insight.getByTestId('timeout-python-status')).toHaveText('-15')
    const rows = insight.getByTestId('timeout-table').locator('tbody tr')
    await expect(rows).toHaveCount(3)
    for (const cell of await rows.locator('[data-cell="python-status"]').all()) await expect(cell).toHaveText('-15')
    for (const cell of await rows.locator('[data-cell="reap"]').all()) await expect(cell).toHaveText('reaped')
    for (const cell of await rows.locator('[data-cell="sigkill"]').all()) await expect(cell).toHaveText('—')
    await expect(insight.getByTestId('timeout-zombies')).toContainText('No zombie')

    await exportChartPng(page, 'chart-timeline-children', /^concurrency-lab-timeout-.*-timeline-children\.png$/)
  })

  test('timeout: a child that ignores SIGTERM is escalated to SIGKILL after the grace period (Python status -9)', async ({ page }) => {
    await openFromTab(page, 'timeout')
    await setChecked(page, 'timeout', 'ignoreSigterm', true)
    await setParam(page, 'timeout', 'runs', '2')
    // time for the shell to set its trap even on a loaded machine (a SIGTERM before it is still the default action)
    await setParam(page, 'timeout', 'timeoutSeconds', '0.5')
    await runAndWait(page)

    const insight = page.getByTestId('timeout-insight')
    await expect(insight.getByTestId('timeout-sentence')).toContainText('killed by SIGKILL after')
    await expect(insight.getByTestId('timeout-python-status')).toHaveText('-9')
    await expect(insight.getByTestId('timeout-explanation')).toContainText('ignored it, so after the 500 ms grace period the app sent SIGKILL')
    const rows = insight.getByTestId('timeout-table').locator('tbody tr')
    await expect(rows).toHaveCount(2)
    for (const cell of await rows.locator('[data-cell="signal"]').all()) await expect(cell).toHaveText('SIGKILL')
    for (const cell of await rows.locator('[data-cell="python-status"]').all()) await expect(cell).toHaveText('-9')
    for (const cell of await rows.locator('[data-cell="sigkill"]').all()) await expect(cell).not.toHaveText('—')
    await expect(insight.getByTestId('timeout-zombies')).toContainText('No zombie')
  })

  test('command: sleep 0.05 benchmarked as hyperfine would, with a sweep of copies at once and the speedup chart', async ({ page }) => {
    await openFromTab(page, 'command')
    await expectAccessible(page, 'command, before the run')
    await setParam(page, 'command', 'command', 'sleep 0.05')
    await setParam(page, 'command', 'runs', '5')
    await setParam(page, 'command', 'maxParallel', '4')
    await setParam(page, 'command', 'sweepRuns', '2')
    await runAndWait(page)
    await expectAccessibleResult(page, 'command')

    const insight = page.getByTestId('command-insight')
    const statistics = insight.getByTestId('command-statistics')
    await expect(statistics).toContainText('Time (mean ± σ):')
    await expect(statistics).toContainText('Range (min … max):')
    await expect(statistics).toContainText('5 runs')
    await expect(insight.getByTestId('command-exit-codes')).toContainText('code 0:')
    await expect(insight.getByTestId('command-spawn')).toContainText('spawning')
    const sweep = insight.getByTestId('command-sweep-table').locator('tbody tr')
    expect(await sweep.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-copies')))).toEqual(['1', '2', '4'])
    await expect(sweep.first().locator('[data-cell="speedup"]')).toHaveText('1.00×')
    await expect(sweep.last().locator('[data-cell="throughput"]')).toHaveText(/runs\/s$/)
    // four sleeps side by side finish far more runs per second than one
    const speedupOf4 = Number.parseFloat((await sweep.last().locator('[data-cell="speedup"]').textContent()) ?? '')
    expect(speedupOf4).toBeGreaterThan(1.5)

    await exportChartPng(page, 'chart-speedup', /^concurrency-lab-command-.*-speedup\.png$/)
  })
})
