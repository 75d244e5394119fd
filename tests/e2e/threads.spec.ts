import { expect, test } from '@playwright/test'
import { downloadBytes, expectDrawnPng, localPython3Version, openExperiment, runAndWaitForResult, setParam } from './helpers'

test.describe('Threads screen', () => {
  test('factorize: every strategy finds the same divisors; speedup and efficiency against workers with the Amdahl fit', async ({ page }) => {
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await openExperiment(page, 'threads', 'factorize')
    await setParam(page, 'factorize', 'workers', '1, 2')
    await setParam(page, 'factorize', 'runs', '2')
    await runAndWaitForResult(page, 'factorize', 120_000)

    await expect(page.getByTestId('factorize-identical')).toContainText('Every strategy found the same divisors')
    const table = page.getByTestId('scaling-table')
    for (const strategy of ['Node: worker threads', 'Node: child processes', 'Node: async tasks on one thread']) {
      await expect(table.getByRole('row', { name: new RegExp(strategy) }).first()).toBeVisible()
    }
    await expect(table.locator('[data-cell="speedup"]').first()).toHaveText(/^\d+(\.\d+)?×$/)
    await expect(page.getByTestId('factorize-insight')).toContainText('Amdahl')
    // the Python originals ran beside Node where this machine has a Python 3, and the page says which one; elsewhere it says why not
    const pythonLine = page.getByTestId('python-line')
    const pythonVersion = localPython3Version()
    if (pythonVersion) {
      await expect(pythonLine).toContainText(`Python ${pythonVersion}, `)
      await expect(pythonLine).toContainText('the interpreter took')
      await expect(table.getByRole('row', { name: /Python: threads/ }).first()).toBeVisible()
    } else {
      await expect(pythonLine).toContainText('Python 3 was not found (')
      await expect(pythonLine).toContainText('so only Node ran')
      await expect(table.getByRole('row', { name: /Python:/ })).toHaveCount(0)
    }

    const chart = page.getByTestId('chart-scaling')
    const [download] = await Promise.all([page.waitForEvent('download'), chart.getByRole('button', { name: 'Export PNG' }).click()])
    expectDrawnPng(await downloadBytes(download), 800)
    expect(errors).toEqual([])
  })

  test('blocking I/O: threads and async calls overlap where serial calls add up', async ({ page }) => {
    await openExperiment(page, 'threads', 'blocking-io')
    await setParam(page, 'blocking-io', 'runs', '2')
    await runAndWaitForResult(page, 'blocking-io', 60_000)
    const table = page.getByTestId('blocking-table')
    await expect(table).toBeVisible()
    const ms = async (strategy: string): Promise<number> => {
      const text = (await table.locator(`[data-runtime="node"][data-strategy="${strategy}"] [data-cell="median"]`).textContent()) ?? ''
      return text.endsWith(' s') ? Number.parseFloat(text) * 1000 : Number.parseFloat(text)
    }
    const serial = await ms('serial')
    expect(serial).toBeGreaterThanOrEqual(450)
    expect(await ms('threads')).toBeLessThan(serial * 0.6)
    expect(await ms('async')).toBeLessThan(serial * 0.6)
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()])
    expect(JSON.parse((await downloadBytes(download)).toString('utf8')).experimentId).toBe('blocking-io')
  })
})
