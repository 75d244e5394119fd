import { expect, test } from '@playwright/test'
import { openExperiment } from './helpers'

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
