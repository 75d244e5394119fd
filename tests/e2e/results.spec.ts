import { expect, test, type Page } from '@playwright/test'
import { downloadBytes, openExperiment, runAndWaitForResult, setParam } from './helpers'

async function runSmallFanout(page: Page, seconds: string): Promise<string> {
  await openExperiment(page, 'processes', 'fanout')
  await setParam(page, 'fanout', 'children', '3')
  await setParam(page, 'fanout', 'seconds', seconds)
  await setParam(page, 'fanout', 'runs', '3')
  const sweep = page.getByTestId('experiment-fanout').locator('[name="sweep"]')
  if (await sweep.count()) await sweep.uncheck()
  await runAndWaitForResult(page, 'fanout')
  return (await page.getByTestId('headline').textContent())!
}

test('Results: every format exports and parses; two runs compare with a verdict; a result file imports', async ({ page }) => {
  const fast = await runSmallFanout(page, '0.05')
  const exports: Record<string, string> = {}
  for (const format of ['json', 'csv', 'markdown', 'trace', 'html']) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`export-${format}`).click()])
    exports[format] = (await downloadBytes(download)).toString('utf8')
  }
  const result = JSON.parse(exports.json!)
  expect(result.experimentId).toBe('fanout')
  expect(exports.csv!.split(/\r?\n/)[0]).toBe('run_id,experiment,series_id,series_label,trial,warmup,started_at,value_ms')
  expect(exports.csv!.split(/\r?\n/).filter(Boolean).length).toBeGreaterThan(6)
  expect(exports.markdown).toMatch(/\| Command \| Mean \[ms\] \| Min \[ms\] \| Max \[ms\] \| Relative \|/)
  const trace = JSON.parse(exports.trace!)
  expect(trace.traceEvents.some((e: { ph: string }) => e.ph === 'X')).toBe(true)
  expect(exports.html).toMatch(/^<!doctype html>/i)
  expect(exports.html).toContain('data:image/png;base64,')
  expect(exports.html).not.toMatch(/<script/i)

  const slow = await runSmallFanout(page, '0.2')
  await page.goto('./#/results')
  const list = page.getByTestId('results-list')
  for (const headline of [fast, slow]) await list.getByRole('row', { name: headline }).getByRole('checkbox').check()
  await page.getByTestId('compare').click()
  const comparison = page.getByTestId('comparison')
  await expect(comparison).toBeVisible()
  // the serial variant of 3 × 0.2 s against 3 × 0.05 s is several times slower, beyond any noise
  await expect(comparison.locator('[data-series="serial"] [data-cell="verdict"]')).toContainText(/slower by \d/)
  await expect(comparison).toContainText('seconds')
  const [report] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-comparison-markdown').click()])
  expect((await downloadBytes(report)).toString('utf8')).toMatch(/slower by/)

  const rows = await list.getByRole('row').count()
  await page.getByTestId('import').setInputFiles({ name: 'from-another-machine.json', mimeType: 'application/json', buffer: Buffer.from(exports.json!) })
  await expect(page.getByRole('status')).toContainText('Imported from-another-machine.json')
  await expect(list.getByRole('row')).toHaveCount(rows + 1)

  await page.getByTestId('import').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"not": "a result"') })
  await expect(page.getByRole('alert')).toContainText('broken.json')
})
