import { chromium } from '@playwright/test'
const [,, hash, out, selector, trials] = process.argv
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-background-networking'] })
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
page.on('pageerror', e => console.log('pageerror:', e.message))
await page.goto('http://127.0.0.1:47999/tok/' + hash)
if (trials) await page.locator('[name="trials"]').fill(trials)
await page.getByTestId('run').click()
await page.getByTestId('result').waitFor({ timeout: 120000 })
await page.waitForTimeout(500)
await page.locator(selector).first().screenshot({ path: out })
await browser.close()
