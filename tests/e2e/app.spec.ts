import { expect, test } from '@playwright/test'
import { localPython3Version } from './helpers'

test('the app opens with its screens and the machine facts', async ({ page }) => {
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto('./')
  // it opens on the lessons
  await expect(page.getByTestId('screen-lessons')).toBeVisible()
  for (const screen of ['Lessons', 'Processes', 'Threads', 'Races', 'Results']) {
    await expect(page.getByRole('navigation', { name: 'Experiment screens' }).getByText(screen, { exact: true })).toBeVisible()
  }
  const facts = page.getByTestId('machine-facts')
  await expect(facts).toContainText('logical cores')
  await expect(facts).toContainText(/Node \d+/)
  const pythonVersion = localPython3Version()
  await expect(facts).toContainText(pythonVersion ? `Python ${pythonVersion}` : 'python3 not found')
  await page.getByRole('navigation', { name: 'Experiment screens' }).getByText('Results', { exact: true }).click()
  await expect(page.getByTestId('screen-results')).toBeVisible()
  expect(errors).toEqual([])
})

test('the host refuses the API without the token', async ({ request, baseURL }) => {
  const origin = new URL(baseURL!).origin
  const refused = await request.post(`${origin}/not-the-token/api/getMachineInfo`, { data: {} })
  expect(refused.status()).toBe(403)
  const accepted = await request.post(`${baseURL}api/getMachineInfo`, { data: {} })
  expect(accepted.status()).toBe(200)
  expect((await accepted.json()).ok).toBe(true)
})
