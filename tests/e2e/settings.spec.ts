import { expect, test } from '@playwright/test'
import { openExperiment, runAndWaitForResult, setParam } from './helpers'

test('Settings persist across a reload, a bad Python command is refused or flagged, and Ctrl+Enter runs the experiment on screen', async ({ page }) => {
  await page.goto('./#/settings')
  await expect(page.getByTestId('screen-settings')).toBeVisible()

  // a command with shell syntax is refused; a missing interpreter is kept, and said to be unusable
  await page.getByTestId('settings-python').fill('python3; rm -rf ~')
  await page.getByTestId('settings-save').click()
  await expect(page.getByTestId('settings-error')).toBeVisible()
  await page.getByTestId('settings-python').fill('no-such-python-for-the-lab')
  await page.getByTestId('settings-save').click()
  await expect(page.getByTestId('settings-python-status')).toContainText(/Not usable: .*no-such-python-for-the-lab/)
  await expect(page.getByTestId('machine-facts')).toContainText('python3 not found')

  await page.getByTestId('settings-python').fill('')
  await page.getByTestId('settings-runs').fill('2')
  await page.getByTestId('settings-theme-dark').check()
  await page.getByTestId('settings-save').click()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')

  await page.reload()
  await expect(page.getByTestId('settings-runs')).toHaveValue('2')
  await expect(page.getByTestId('settings-theme-dark')).toBeChecked()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')

  // the default runs reach the forms; the keyboard shortcut runs what is on screen
  await openExperiment(page, 'processes', 'timeout')
  await expect(page.getByTestId('experiment-timeout').locator('[name="runs"]')).toHaveValue('2')
  await page.getByTestId('experiment-timeout').locator('[name="runs"]').focus()
  await page.keyboard.press('Control+Enter')
  await expect(page.getByTestId('experiment-timeout').getByTestId('result')).toBeVisible({ timeout: 60_000 })

  // back to the defaults, so other tests see the lab as shipped
  await page.goto('./#/settings')
  await page.getByTestId('settings-runs').fill('')
  await page.getByTestId('settings-theme-system').check()
  await page.getByTestId('settings-save').click()
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', 'dark')
})

test('Settings lists every Python on this machine: a broken path gets its reason, not a failure; one can be chosen for runs and removed', async ({ page }) => {
  await page.goto('./#/settings')
  const table = page.getByTestId('interpreter-table')
  await expect(table).toBeVisible({ timeout: 60_000 })
  const rows = page.getByTestId('interpreter-row')
  await expect(rows.first()).toBeVisible()
  await expect(rows.first().locator('th')).toHaveText(/^(CPython|PyPy|Python) 3\.\d+\.\d+t? \((GIL|free-threaded.*)\)$/)
  await expect(page.getByTestId('interpreter-in-use')).toHaveCount(1)

  // a path that is not an interpreter is listed with the reason, after the usable ones
  await page.getByTestId('interpreter-path').fill('/no/such/dir/python3.14t')
  await page.getByTestId('interpreter-add').click()
  const broken = page.getByTestId('interpreter-broken')
  await expect(broken).toContainText('/no/such/dir/python3.14t')
  await expect(broken).toContainText(/not found|could not be started/)
  await broken.locator('li', { hasText: '/no/such/dir/python3.14t' }).getByTestId('interpreter-remove').click()
  await expect(page.getByText('/no/such/dir/python3.14t')).toHaveCount(0)

  // with a second interpreter here, choosing it moves "used for runs", and the machine header follows
  const count = await rows.count()
  test.skip(count < 2, 'one Python on this machine: choosing another cannot be shown')
  const other = rows.filter({ has: page.getByTestId('interpreter-use') }).first()
  const otherLabel = (await other.locator('th').textContent())!
  await other.getByTestId('interpreter-use').click()
  await expect(rows.filter({ hasText: otherLabel }).getByTestId('interpreter-in-use')).toBeVisible()
  const version = /3\.\d+\.\d+/.exec(otherLabel)![0]
  await expect(page.getByTestId('machine-facts')).toContainText(version)

  // removing it hides it (and everything that leads to it) until restored
  const otherPath = (await other.getAttribute('data-path'))!
  await rows.filter({ hasText: otherLabel }).getByTestId('interpreter-remove').click()
  await expect(rows.filter({ hasText: otherLabel })).toHaveCount(0)
  await expect(page.getByTestId('interpreter-removed')).toBeVisible()
  await page.getByTestId('interpreter-removed').getByRole('button', { name: 'restore' }).first().click()
  await expect(rows.filter({ hasText: otherLabel })).toHaveCount(1)
  expect(otherPath).toMatch(/python/)

  // back to the lab's own choice, so other tests see the lab as shipped
  await page.getByTestId('settings-python').fill('')
  await page.getByTestId('settings-save').click()
  await expect(page.getByTestId('interpreter-in-use')).toHaveCount(1)
})

test('Two interpreters chosen in Settings run the race side by side: each labelled with its version and build, charted and explained', async ({ page }) => {
  await page.goto('./#/settings')
  const rows = page.getByTestId('interpreter-row')
  await expect(rows.first()).toBeVisible({ timeout: 60_000 })
  const other = rows.filter({ has: page.getByTestId('interpreter-side-by-side') }).first()
  test.skip((await other.count()) === 0, 'one Python on this machine: nothing to run beside it')
  const otherLabel = (await other.locator('th').textContent())!.trim()
  const inUseLabel = (await rows.filter({ has: page.getByTestId('interpreter-in-use') }).locator('th').textContent())!.trim()
  await other.getByTestId('interpreter-side-by-side').check()
  await expect(other.getByTestId('interpreter-side-by-side')).toBeChecked()

  try {
    await openExperiment(page, 'races', 'race')
    await setParam(page, 'race', 'workers', '2')
    await setParam(page, 'race', 'increments', '20000')
    await setParam(page, 'race', 'trials', '3')
    await setParam(page, 'race', 'runtime', 'python')
    await setParam(page, 'race', 'pythonTraceIncrements', '0')
    await runAndWaitForResult(page, 'race', 90_000)

    const section = page.getByTestId('interpreters-side-by-side')
    await expect(section).toBeVisible()
    const table = section.getByTestId('interpreters-table')
    for (const [label, prefix] of [[inUseLabel, 'python-'], [otherLabel, 'python2-']] as const) {
      for (const variant of ['unlocked', 'unlocked-call', 'locked']) await expect(table.locator(`[data-series="${prefix}${variant}"] th`)).toContainText(label)
      await expect(table.locator(`[data-series="${prefix}locked"] [data-cell="figure"]`)).toHaveText('exact')
    }
    await expect(section.getByTestId('interpreters-summary')).toContainText(`LockingCounter: ${inUseLabel} exact, ${otherLabel} exact`)
    await expect(section.getByTestId('interpreters-explanations').locator('li')).toHaveCount(2)
    await expect(section.getByTestId('chart-interpreters').locator('canvas')).toBeVisible()
  } finally {
    // back to the lab as shipped
    await page.goto('./#/settings')
    await rows.filter({ hasText: otherLabel }).getByTestId('interpreter-side-by-side').uncheck()
    await expect(rows.filter({ hasText: otherLabel }).getByTestId('interpreter-side-by-side')).not.toBeChecked()
  }
})
