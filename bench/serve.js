/* global document, window, MutationObserver -- INTERACTIVE_PROBE and the page.evaluate callbacks run in the browser page */
/**
 * The browser face: `concurrency-lab serve` (the built CLI, in its own process) against a bare
 * node:http server (also its own process) sending the same bytes.
 * - round trip of getMachineInfo over loopback, one request at a time on a kept-alive connection;
 * - the renderer's JavaScript as shipped, gzipped;
 * - first render to interactive in Chromium (Playwright): navigation start to the Run button
 *   enabled and the machine facts shown, each load in a fresh browser context.
 *
 *   node bench/serve.js [--rounds 6] [--requests 300] [--loads 8]
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { gzipSync } from 'node:zlib'
import { interleave, median } from './lib/measure.js'
import { outDir, repoRoot, rendererDir, requireBuild } from './lib/paths.js'
import { formatMs, formatRatioSpread, formatSpread, option, printMeasured, printTable, runBench, verdict } from './lib/report.js'

const BENCH = 'serve'
const ROUND_TRIP_TARGET_MS = 5
const BUNDLE_TARGET_KB = 250
const INTERACTIVE_TARGET_MS = 500
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking']

/** Starts a child and resolves once a line of its output matches `pattern`, with the match. */
function startServer(file, args, { env, input, stream = 'stderr', pattern }) {
  const child = spawn(process.execPath, [file, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] })
  child.stdin.end(input ?? '')
  // should the bench die before its finally block, its servers die with it
  process.once('exit', () => child.kill())
  const lines = createInterface({ input: child[stream] })
  const other = stream === 'stderr' ? child.stdout : child.stderr
  const seen = []
  other.on('data', (chunk) => seen.push(chunk.toString()))
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${file} exited with code ${code} before it was ready: ${seen.join('').slice(-500)}`)))
    lines.on('line', (line) => {
      seen.push(line)
      const match = line.match(pattern)
      if (match) {
        child.removeAllListeners('exit')
        resolve({
          match,
          stop: () => new Promise((done) => (child.exitCode !== null ? done() : (child.once('exit', () => done()), child.kill('SIGTERM')))),
        })
      }
    })
  })
}

/** POST with an empty body on a kept-alive connection; resolves with the reply's text. */
function post(agent, url) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': 0 } }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString()) : reject(new Error(`POST ${url} answered ${res.statusCode}: ${Buffer.concat(chunks)}`))))
    })
    req.on('error', reject)
    req.end()
  })
}

function rendererSize() {
  const assets = join(rendererDir, 'assets')
  const files = readdirSync(assets).filter((f) => f.endsWith('.js'))
  let rawBytes = 0
  let gzipBytes = 0
  for (const file of files) {
    const bytes = readFileSync(join(assets, file))
    rawBytes += bytes.length
    gzipBytes += gzipSync(bytes, { level: 9 }).length
  }
  return { files, rawBytes, gzipBytes }
}

const INTERACTIVE_PROBE = () => {
  const check = () => {
    const run = document.querySelector('[data-testid="run"]')
    const facts = document.querySelector('[data-testid="machine-facts"]')
    return Boolean(run && !run.disabled && facts && /logical cores/.test(facts.textContent ?? ''))
  }
  const observer = new MutationObserver(() => {
    if (window.__interactiveAtMs === undefined && check()) {
      window.__interactiveAtMs = performance.now()
      observer.disconnect()
    }
  })
  observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true })
}

async function firstRender(browser, url) {
  const context = await browser.newContext()
  try {
    const page = await context.newPage()
    await page.addInitScript(INTERACTIVE_PROBE)
    await page.goto(url, { waitUntil: 'commit' })
    await page.waitForFunction(() => window.__interactiveAtMs !== undefined, undefined, { timeout: 15_000 })
    return await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0]
      const resources = performance.getEntriesByType('resource')
      const script = resources.find((r) => r.name.endsWith('.js'))
      const machine = resources.find((r) => r.name.includes('api/getMachineInfo'))
      return {
        interactiveMs: window.__interactiveAtMs,
        documentMs: nav.responseEnd,
        domContentLoadedMs: nav.domContentLoadedEventEnd,
        scriptLoadedMs: script?.responseEnd,
        machineRequestStartMs: machine?.startTime,
        machineReplyMs: machine?.responseEnd,
      }
    })
  } finally {
    await context.close()
  }
}

async function main() {
  requireBuild()
  const rounds = option('rounds', 6)
  const requests = option('requests', 300)
  const loads = option('loads', 8)
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-serve-'))
  const token = 'bench-token-0123456789abcdefghijk'
  const lab = await startServer(join(outDir, 'main', 'cli.js'), ['serve', '--port', '0', '--data-dir', dataDir], { env: { CONCURRENCY_LAB_TOKEN: token }, pattern: /serving at (\S+)/ })
  const labUrl = lab.match[1]
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  let bare
  let browser
  try {
    const machineReply = await post(agent, new URL('api/getMachineInfo', labUrl)) // probes the machine once, as the app's first request does
    bare = await startServer(join(repoRoot, 'bench', 'lib', 'bare-server.js'), [], { input: machineReply, stream: 'stdout', pattern: /listening (\d+)/ })
    const bareUrl = `http://127.0.0.1:${bare.match[1]}/`

    // 1. round trip
    const block = (url) => async () => {
      const times = []
      for (let i = 0; i < requests; i++) {
        const begin = performance.now()
        await post(agent, url)
        times.push(performance.now() - begin)
      }
      return median(times)
    }
    console.log(`Round trip of getMachineInfo (${machineReply.length} bytes) over loopback: ${requests} requests one at a time per round, median per round; ${rounds} rounds after one warm-up, interleaved.`)
    const trips = await interleave(
      [
        { name: 'bare node:http, same bytes', run: block(new URL('api/getMachineInfo', bareUrl)) },
        { name: 'lab serve: getMachineInfo', run: block(new URL('api/getMachineInfo', labUrl)) },
      ],
      { rounds, warmup: 1 },
    )
    printMeasured('Round trip: median per round', trips, { unit: 'round trip' })
    const labTrip = trips[1]
    verdict({
      bench: BENCH,
      what: 'serve: getMachineInfo round trip, median',
      baseline: `bare http ${formatSpread(trips[0].summary)}`,
      lab: formatSpread(labTrip.summary),
      ratio: formatRatioSpread(labTrip.ratio),
      target: `≤ ${ROUND_TRIP_TARGET_MS} ms`,
      met: labTrip.summary.median <= ROUND_TRIP_TARGET_MS,
    })

    // 2. the renderer as shipped
    const size = rendererSize()
    printTable('Renderer JavaScript as built', ['files', 'raw', 'gzip -9'], [[size.files.join(', '), `${(size.rawBytes / 1000).toFixed(1)} kB`, `${(size.gzipBytes / 1000).toFixed(1)} kB`]])
    verdict({ bench: BENCH, what: 'renderer JS shipped, gzipped', lab: `${(size.gzipBytes / 1000).toFixed(1)} kB (${(size.rawBytes / 1000).toFixed(0)} kB raw)`, target: `≤ ${BUNDLE_TARGET_KB} kB`, met: size.gzipBytes / 1000 <= BUNDLE_TARGET_KB })

    // 3. first render to interactive
    const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
    if (!existsSync(chromiumPath)) {
      verdict({ bench: BENCH, what: 'first render to interactive (Chromium)', target: `≤ ${INTERACTIVE_TARGET_MS} ms`, met: undefined, note: `no Chromium at ${chromiumPath} (set CHROMIUM_PATH).` })
      return
    }
    const { chromium } = await import('@playwright/test')
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS })
    const details = []
    const renders = await interleave(
      [
        { name: 'bare page: fetch facts, enable button', run: async () => (await firstRender(browser, bareUrl)).interactiveMs },
        {
          name: 'lab renderer via serve',
          run: async () => {
            const detail = await firstRender(browser, labUrl)
            details.push(detail)
            return detail.interactiveMs
          },
        },
      ],
      { rounds: loads, warmup: 1 },
    )
    printMeasured('First render: navigation start → Run enabled and machine facts shown (fresh context each)', renders, { unit: 'to interactive' })
    const measuredDetails = details.slice(-loads)
    const part = (key) => formatMs(median(measuredDetails.map((d) => d[key]).filter((v) => v !== undefined)))
    printTable('The lab page, median of each milestone (ms since navigation start)', ['document received', 'script received', 'DOMContentLoaded', 'getMachineInfo asked', 'getMachineInfo answered', 'interactive'], [
      [part('documentMs'), part('scriptLoadedMs'), part('domContentLoadedMs'), part('machineRequestStartMs'), part('machineReplyMs'), part('interactiveMs')],
    ])
    const labRender = renders[1]
    verdict({
      bench: BENCH,
      what: 'first render to interactive (Chromium via serve)',
      baseline: `bare page ${formatSpread(renders[0].summary)}`,
      lab: formatSpread(labRender.summary),
      ratio: formatRatioSpread(labRender.ratio),
      target: `≤ ${INTERACTIVE_TARGET_MS} ms`,
      met: labRender.summary.median <= INTERACTIVE_TARGET_MS,
    })
  } finally {
    agent.destroy()
    await browser?.close()
    await Promise.all([lab.stop(), bare?.stop()])
    rmSync(dataDir, { recursive: true, force: true })
  }
}

runBench(main)
