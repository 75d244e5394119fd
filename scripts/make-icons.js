#!/usr/bin/env node
// Renders build/icon.svg to the PNG sizes the installers need: build/icon.png (1024, macOS and
// Windows derive .icns and .ico from it) and build/icons/<size>x<size>.png (Linux).
// Rasterised by Chromium (Debian's, through Playwright) so no image library is needed.
// Usage: node scripts/make-icons.js   (CHROMIUM=/path/to/chromium to use another browser)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromium } from '@playwright/test'

const root = join(import.meta.dirname, '..')
const buildDir = join(root, 'build')
const SIZES = [1024, 512, 256, 128, 64, 48, 32, 16]

const svg = readFileSync(join(buildDir, 'icon.svg'), 'utf8')
const svgUrl = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
})
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 })
  mkdirSync(join(buildDir, 'icons'), { recursive: true })
  for (const size of SIZES) {
    await page.setViewportSize({ width: size, height: size })
    await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent"><img id="icon" src="${svgUrl}" width="${size}" height="${size}" style="display:block"></body></html>`)
    await page.locator('#icon').evaluate((img) => img.decode())
    const png = await page.locator('#icon').screenshot({ omitBackground: true, type: 'png' })
    const targets = [join(buildDir, 'icons', `${size}x${size}.png`), ...(size === 1024 ? [join(buildDir, 'icon.png')] : [])]
    for (const target of targets) {
      writeFileSync(target, png)
      console.log(`${target.slice(root.length + 1)} (${png.length} bytes)`)
    }
  }
} finally {
  await browser.close()
}
