import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseChapterBundle } from '../../src/shared/chapter/bundle'
import { TEST_CHAPTER_STEPS_VARIABLE } from '../../src/cli/commands/chapter'
import { processCommandLines } from '../e2e/helpers'

/** The command line as built for this checkout (CONCURRENCY_LAB_OUT when building apart). */
const CLI = resolve(process.env.CONCURRENCY_LAB_OUT ?? 'out', 'main', 'cli.js')
const work = mkdtempSync(join(tmpdir(), 'concurrency-lab-cli-chapter-'))
const dataDir = join(work, 'data')
afterAll(() => rmSync(work, { recursive: true, force: true }))

const quickChapter = JSON.stringify([
  { experimentId: 'timeout', params: { runs: 1 } },
  { experimentId: 'race', params: { workers: 2, increments: 2000, trials: 3, runtime: 'node' } },
  { experimentId: 'fanout', params: { children: 2, seconds: 0.05, runs: 2, warmup: 0, sweep: false } },
])

function cli(args: string[], steps: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    execFile(process.execPath, [CLI, ...args], { cwd: work, timeout: 90_000, env: { ...process.env, [TEST_CHAPTER_STEPS_VARIABLE]: steps } }, (error, stdout, stderr) => {
      resolvePromise({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr })
    })
  })
}

describe('concurrency-lab chapter', () => {
  it('--html --json: progress on stderr, the verdicts on stdout, the report with its charts and the bundle in the files', async () => {
    const html = join(work, 'report.html')
    const json = join(work, 'bundle.json')
    const ran = await cli(['chapter', '--html', html, '--json', json, '--data-dir', dataDir], quickChapter)
    expect(ran.stderr).toMatch(/^\[1\/3 0%\] Timeouts: /m)
    expect(ran.stderr).toMatch(/^\[3\/3 \d+%\] Fan-out: .* · about \d+ s left$/m)
    expect(ran.code).toBe(0)
    expect(ran.stdout).toMatch(/^Concurrency on .+\nProcesses run in parallel: (Holds here|Partly holds here|Does not hold here)\. 2 children at once took /)
    expect(ran.stdout).toContain('Threads help blocking I/O, not CPU work: Not measured.')
    const report = readFileSync(html, 'utf8')
    expect(report).toMatch(/^<!doctype html>[\s\S]*<h1>Concurrency on [\s\S]*Appendix C: Fan-out[\s\S]*<\/html>\n$/)
    expect(report.match(/src="data:image\/png;base64,iVBORw0KGgo/g)!.length).toBeGreaterThan(5)
    const bundle = parseChapterBundle(readFileSync(json, 'utf8'))
    expect(bundle.results.map((r) => r.experimentId)).toEqual(['timeout', 'race', 'fanout'])
    expect(bundle.summary.steps.every((s) => s.state === 'completed')).toBe(true)
  }, 90_000)

  it('refuses an option it does not take, and a report folder that does not exist, before running anything', async () => {
    const unknown = await cli(['chapter', '--runs', '3', '--data-dir', dataDir], quickChapter)
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('chapter runs every experiment with its defaults and takes no --runs.')
    const missing = await cli(['chapter', '--html', join(work, 'nowhere', 'r.html'), '--data-dir', dataDir], quickChapter)
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/--html .*r\.html: the folder .*nowhere does not exist or is not writable/)
  })

  it('Ctrl+C cancels the current run, ends its children, writes no report, and exits with 130', async () => {
    const html = join(work, 'cancelled.html')
    const steps = JSON.stringify([{ experimentId: 'fanout', params: { children: 2, seconds: 7.25, runs: 1, warmup: 0, sweep: false } }, { experimentId: 'timeout', params: { runs: 1 } }])
    const child = spawn(process.execPath, [CLI, 'chapter', '--html', html, '--data-dir', join(work, 'cancel-data')], { env: { ...process.env, [TEST_CHAPTER_STEPS_VARIABLE]: steps } })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<number | null>((resolvePromise) => child.on('exit', (code) => resolvePromise(code)))
    const sleeping = (): number => processCommandLines().filter((argv) => argv.at(-1) === '7.25').length
    await expect.poll(sleeping, { timeout: 20_000 }).toBeGreaterThan(0)
    child.kill('SIGINT')
    expect(await exited).toBe(130)
    expect(sleeping()).toBe(0)
    expect(stderr).toContain('The chapter was cancelled; the 0 results measured before it stay saved, and no report was written.')
    expect(existsSync(html)).toBe(false)
  }, 60_000)
})
