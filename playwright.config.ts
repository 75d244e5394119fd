import { defineConfig } from '@playwright/test'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const port = Number(process.env.CONCURRENCY_LAB_E2E_PORT ?? 47891)
const token = 'e2e-token-not-secret-0123456789abc'
export const labUrl = `http://127.0.0.1:${port}/${token}/`
/** Debian's Chromium where it is installed (the build machines cannot download Playwright's); Playwright's own elsewhere. */
const chromium = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined)

export default defineConfig({
  testDir: 'tests',
  timeout: 90_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results',
  // a trace costs about a second per test on a 2-core machine: recorded where its failures are kept (the GitHub workflow)
  use: { trace: process.env.CONCURRENCY_LAB_E2E_TRACE === '1' ? 'retain-on-failure' : 'off', acceptDownloads: true },
  projects: [
    {
      name: 'browser',
      testDir: 'tests/e2e',
      use: {
        baseURL: labUrl,
        viewport: { width: 1280, height: 900 },
        launchOptions: {
          executablePath: chromium,
          // Chromium's own network chatter is refused on closed machines; keep it quiet.
          args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
        },
      },
    },
    { name: 'electron', testDir: 'tests/electron' },
  ],
  webServer: {
    // The real engine behind the real renderer: real processes, real workers.
    command: `node bin/concurrency-lab.js serve --port ${port} --data-dir ${mkdtempSync(join(tmpdir(), 'concurrency-lab-e2e-'))}`,
    url: labUrl,
    env: {
      CONCURRENCY_LAB_TOKEN: token,
      // the Chapter screen runs a short chapter in these tests (the whole one takes minutes): a test-only setting of the host process
      CONCURRENCY_LAB_CHAPTER_STEPS_FOR_TESTS: JSON.stringify([
        { experimentId: 'timeout', params: { runs: 1 } },
        { experimentId: 'race', params: { workers: 2, increments: 2000, trials: 3, runtime: 'node' } },
        { experimentId: 'fanout', params: { children: 2, seconds: 1.25, runs: 1, warmup: 0, sweep: false } },
      ]),
    },
    reuseExistingServer: false,
    stdout: 'pipe',
    timeout: 60_000,
  },
})
