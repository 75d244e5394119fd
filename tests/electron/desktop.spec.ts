import { _electron as electron, expect, test } from '@playwright/test'
import { createRequire } from 'node:module'
import { dirname, resolve } from 'node:path'
// @ts-expect-error a plain JavaScript script, run by npm before electron-vite
import { electronInstalled } from '../../scripts/ensure-electron.js'

/** The Electron binary, if one was fetched (npm start or scripts/ensure-electron.js); never triggers a download. */
function electronBinary(): string | undefined {
  const packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'))
  const found = electronInstalled({ packageDir, platform: process.platform, env: process.env }) as { installed: boolean; binary?: string }
  return found.binary
}

const binary = electronBinary()
const skipReason = 'No Electron binary on this machine (node_modules/electron/dist is empty and it was not fetched: run "node scripts/ensure-electron.js" where the network allows); the desktop tests run wherever Electron is installed.'

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
      // it opens on the lessons; fan-out is one screen and one tab away
      await expect(page.getByTestId('screen-lessons')).toBeVisible()
      await page.getByRole('navigation', { name: 'Experiment screens' }).getByText('Processes', { exact: true }).click()
      await page.getByTestId('tab-fanout').click()
      await page.locator('[name="children"]').fill('3')
      await page.locator('[name="runs"]').fill('1')
      await page.getByTestId('run').click()
      await expect(page.getByTestId('result')).toBeVisible({ timeout: 60_000 })
      await expect(page.getByTestId('machine-facts')).toContainText('Electron')
      await page.screenshot({ path: test.info().outputPath(`desktop-${process.platform}.png`), fullPage: true })
    } finally {
      await app.close()
    }
  })

  test('a second launch hands over to the first and quits', async () => {
    const first = await electron.launch({ executablePath: binary, args: [resolve('out/main/index.js')] })
    try {
      await first.firstWindow()
      const second = await electron.launch({ executablePath: binary, args: [resolve('out/main/index.js')] }).catch((error: Error) => error)
      // the second instance quits at once: either Playwright sees it close, or it never offers a window
      if (!(second instanceof Error)) {
        const closed = await Promise.race([second.waitForEvent('close').then(() => true), new Promise<boolean>((done) => setTimeout(done, 10_000, false))])
        expect(closed).toBe(true)
      }
      expect(await first.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1)
    } finally {
      await first.close()
    }
  })
})
