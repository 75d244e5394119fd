import { _electron as electron, expect, test } from '@playwright/test'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** Where `npm install` put the Electron binary, without triggering a download (Electron 42+ fetches it on first launch). */
function electronBinary(): string | undefined {
  const pkg = resolve('node_modules/electron')
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return join(process.env.ELECTRON_OVERRIDE_DIST_PATH, 'electron')
  const pathFile = join(pkg, 'path.txt')
  if (!existsSync(pathFile)) return undefined
  const binary = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : undefined
}

const binary = electronBinary()
const skipReason = 'No Electron binary on this machine (node_modules/electron/dist is empty and it cannot be downloaded here); the desktop tests run wherever Electron is installed.'

test.describe('the desktop app in real Electron', () => {
  test.skip(!binary, skipReason)
  if (!binary) console.log(`electron project skipped: ${skipReason}`)

  test('opens sandboxed, exposes only window.lab, and runs fan-out end to end', async () => {
    const app = await electron.launch({ executablePath: binary, args: [resolve('out/main/index.js')], env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' } })
    try {
      const page = await app.firstWindow()
      await expect(page).toHaveTitle('Concurrency Lab')
      const exposed = await page.evaluate(() => ({ lab: typeof (window as unknown as { lab?: unknown }).lab, require: typeof (window as unknown as { require?: unknown }).require, process: typeof (window as unknown as { process?: unknown }).process }))
      expect(exposed).toEqual({ lab: 'object', require: 'undefined', process: 'undefined' })
      // a sandboxed renderer's preload sees a restricted process object
      const sandboxed = await app.evaluate(async ({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.webContents.executeJavaScript('typeof navigator === "object"'))
      expect(sandboxed).toBe(true)
      await page.locator('[name="children"]').fill('3')
      await page.locator('[name="runs"]').fill('1')
      await page.getByTestId('run').click()
      await expect(page.getByTestId('result')).toBeVisible({ timeout: 60_000 })
      await expect(page.getByTestId('machine-facts')).toContainText('Electron')
    } finally {
      await app.close()
    }
  })
})
