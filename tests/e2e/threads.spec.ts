import { expect, test } from '@playwright/test'
import { expectAccessible, expectAccessibleResult } from './accessibility-checks'
import { downloadBytes, expectDrawnPng, localPython3Version, openExperiment, runAndWaitForResult, setParam } from './helpers'

test.describe('Threads screen', () => {
  test('factorize: every strategy finds the same divisors; speedup and efficiency against workers with the Amdahl fit', async ({ page }) => {
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await openExperiment(page, 'threads', 'factorize')
    await expectAccessible(page, 'factorize, before the run')
    await setParam(page, 'factorize', 'workers', '1, 2')
    await setParam(page, 'factorize', 'runs', '2')
    await runAndWaitForResult(page, 'factorize', 120_000)
    await expectAccessibleResult(page, 'factorize')

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

  test('factorize: one lane per worker for each strategy, with the parallel overlap in words, in the report, the trace and a PNG', async ({ page }) => {
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await openExperiment(page, 'threads', 'factorize')
    await setParam(page, 'factorize', 'runtime', 'node')
    await setParam(page, 'factorize', 'workers', '2')
    await setParam(page, 'factorize', 'runs', '1')
    await setParam(page, 'factorize', 'warmup', '0')
    await runAndWaitForResult(page, 'factorize', 120_000)

    const lanes = page.getByTestId('worker-lanes')
    await expect(lanes).toBeVisible()
    for (const id of ['concurrent-2', 'threads-2', 'processes-2']) {
      await expect(lanes.locator(`[data-lanes="${id}"] [data-cell="overlap"]`)).toHaveText(/^\d+(\.\d)?% \(.+\)$/)
      await expect(page.getByTestId(`chart-lanes-${id}`)).toBeVisible()
    }
    const sentences = lanes.getByTestId('lanes-sentence')
    await expect(sentences).toHaveCount(3)
    await expect(sentences.first()).toContainText('Concurrent: 2 async tasks on one thread: two or more workers were running at once for')
    await expect(sentences.nth(1)).toContainText('2 worker threads: two or more workers were running at once for')
    await expect(sentences.nth(1)).toContainText('time stamps cost about')
    // today's per-task timelines are gone: the lanes replace them
    await expect(page.getByTestId('timeline-picker')).toHaveCount(0)

    const chart = page.getByTestId('chart-lanes-threads-2')
    const [png] = await Promise.all([page.waitForEvent('download'), chart.getByRole('button', { name: 'Export PNG' }).click()])
    expectDrawnPng(await downloadBytes(png), 800)
    const [report] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-html').click()])
    const html = (await downloadBytes(report)).toString('utf8')
    expect(html).toContain('<h2>Who ran when</h2>')
    expect(html).toContain('alt="2 worker threads, who ran when')
    const [traceFile] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-trace').click()])
    const trace = JSON.parse((await downloadBytes(traceFile)).toString('utf8')) as { traceEvents: { name: string; args?: { name?: string } }[] }
    expect(trace.traceEvents.filter((e) => e.name === 'thread_name').map((e) => e.args?.name)).toEqual(expect.arrayContaining(['async task 1', 'async task 2', expect.stringMatching(/^worker thread 1 /), expect.stringMatching(/^child process 2 /)]))
    expect(errors).toEqual([])
  })

  test('blocking I/O: threads and async calls overlap where serial calls add up', async ({ page }) => {
    await openExperiment(page, 'threads', 'blocking-io')
    await expectAccessible(page, 'blocking-io, before the run')
    await setParam(page, 'blocking-io', 'runs', '2')
    await runAndWaitForResult(page, 'blocking-io', 60_000)
    await expectAccessibleResult(page, 'blocking-io')
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
    // the same lanes: one thread waits call after call, the threads wait together
    await expect(page.getByTestId('worker-lanes').getByTestId('lanes-sentence').first()).toContainText('one lane')
    await expect(page.getByTestId('chart-lanes-threads-5')).toBeVisible()
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()])
    expect(JSON.parse((await downloadBytes(download)).toString('utf8')).experimentId).toBe('blocking-io')
  })

  test('your own function: a module written in the form runs on threads and processes, checked against serial; a syntax error is a sentence', async ({ page }) => {
    await openExperiment(page, 'threads', 'workload')
    const panel = page.getByTestId('experiment-workload')
    await setParam(page, 'workload', 'example', 'own')
    // one input eight times the others: which input is largest is measured, so it must stand out from a loaded machine's noise
    await setParam(page, 'workload', 'source', 'export function inputs() {\n  return [1, 1, 1, 8]\n}\n\nexport function work(n) {\n  let x = 0\n  for (let i = 0; i < 2e6 * n; i++) x = (x + i) % 1000003\n  return { n, x }\n}\n')
    await setParam(page, 'workload', 'runs', '2')
    await setParam(page, 'workload', 'warmup', '0')
    await runAndWaitForResult(page, 'workload', 90_000)
    const inputs = panel.getByTestId('workload-inputs')
    await expect(inputs.locator('tbody tr')).toHaveCount(4)
    // the largest input (n = 8) is marked as the one that sets the bound
    await expect(inputs.locator('[data-input="3"] td.warn')).toBeVisible()
    await expect(panel.getByTestId('workload-findings')).toContainText('Every strategy returned the same results as serial for all 4 inputs')
    await expect(panel.getByTestId('workload-findings')).toContainText('Your largest input (input 3: 8)')
    await expect(panel.getByTestId('chart-scaling').locator('canvas')).toBeVisible()
    await expect(panel.getByTestId('workload-source')).toContainText('export function work(n)')

    await setParam(page, 'workload', 'source', 'export function work(n) {\n  return n +* 2\n}\n')
    await panel.getByTestId('run').click()
    await expect(panel.getByTestId('run-error')).toContainText("Your module could not be loaded: your module:2")
    await expect(panel.getByTestId('run-error')).toContainText("SyntaxError: Unexpected token '*'")

    // the same in Python: choosing an example puts its source in the form, threads are explained by the GIL
    await setParam(page, 'workload', 'language', 'python')
    await setParam(page, 'workload', 'example', 'cpu-hash')
    await expect(panel.locator('[name="source"]')).toHaveValue(/^# CPU-bound: a hash loop[\s\S]*def work\(seed\):/)
    await setParam(page, 'workload', 'runs', '1')
    await runAndWaitForResult(page, 'workload', 90_000)
    await expect(panel.getByTestId('workload-findings')).toContainText(/CPython 3\.\d+\.\d+ \(GIL\): 2 threads ran .* as fast as serial/)
    await expect(panel.getByTestId('workload-findings')).toContainText('the GIL lets only one thread run Python code at a time')
  })

  test('your own function: each example runs from the form with its chart and verdict; a module opened from a file runs as itself', async ({ page }) => {
    test.setTimeout(180_000)
    await openExperiment(page, 'threads', 'workload')
    await expectAccessible(page, 'workload, before the run')
    const panel = page.getByTestId('experiment-workload')
    await setParam(page, 'workload', 'workers', '2')
    await setParam(page, 'workload', 'runs', '1')
    await setParam(page, 'workload', 'warmup', '0')
    for (const example of ['cpu-hash', 'io-timer', 'uneven']) {
      await setParam(page, 'workload', 'example', example)
      await runAndWaitForResult(page, 'workload', 90_000)
      await expect(panel.getByTestId('headline')).toContainText(`the ${example} example, 8 inputs: serial `)
      await expect(panel.getByTestId('chart-scaling').locator('canvas')).toBeVisible()
    }
    await expectAccessibleResult(page, 'workload')

    // a Python file: its text, its name and its language come from the file
    await panel.getByTestId('param-source-file').setInputFiles({ name: 'my_work.py', mimeType: 'text/x-python', buffer: Buffer.from('def inputs():\n    return [2, 3]\n\n\ndef work(n):\n    return n * n\n') })
    await expect(panel.locator('[name="source"]')).toHaveValue(/def work\(n\):/)
    await expect(panel.locator('[name="language"]')).toHaveValue('python')
    await expect(panel.locator('[name="moduleFile"]')).toHaveValue('my_work.py')
    await runAndWaitForResult(page, 'workload', 90_000)
    await expect(panel.getByTestId('headline')).toContainText('your module my_work.py (Python), 2 inputs: serial ')
  })
})
