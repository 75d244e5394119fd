import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CSV_COLUMNS } from '../../src/shared/export/csv'
import { parseRunResult } from '../../src/shared/model/result-schema'
import { asPipelineRun, fixtureCandidate, fixtureResult } from './fixtures/run-result'

/** The command line as built for this checkout (CONCURRENCY_LAB_OUT when building apart). */
const CLI = resolve(process.env.CONCURRENCY_LAB_OUT ?? 'out', 'main', 'cli.js')
const work = mkdtempSync(join(tmpdir(), 'concurrency-lab-cli-'))
const dataDir = join(work, 'data')
afterAll(() => rmSync(work, { recursive: true, force: true }))

interface Ran {
  code: number
  stdout: string
  stderr: string
}

function cli(...args: string[]): Promise<Ran> {
  return new Promise((resolvePromise) => {
    execFile(process.execPath, [CLI, ...args], { cwd: work, timeout: 60_000 }, (error, stdout, stderr) => {
      resolvePromise({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr })
    })
  })
}

const quickFanout = ['run', 'fanout', '--children', '2', '--seconds', '0', '--runs', '3', '--warmup', '0', '--sweep', 'false', '--data-dir', dataDir]

describe('concurrency-lab run with an export format', () => {
  it('--csv --out writes one row per sample and prints the headline', async () => {
    const out = join(work, 'run.csv')
    const ran = await cli(...quickFanout, '--csv', '--out', out)
    expect(ran.stderr).toContain('Measuring')
    expect(ran.code).toBe(0)
    expect(ran.stdout).toMatch(/^2 × sleep 0 s: serial .* speedup/)
    const rows = readFileSync(out, 'utf8').trimEnd().split('\r\n')
    expect(rows[0]).toBe(CSV_COLUMNS.join(','))
    expect(rows).toHaveLength(1 + 2 * 3)
    for (const row of rows.slice(1)) {
      const fields = row.split(',')
      expect(fields).toHaveLength(8)
      expect(fields[1]).toBe('fanout')
      expect(fields[5]).toBe('false')
      expect(Number.isNaN(Date.parse(fields[6]!))).toBe(false)
      expect(Number(fields[7])).toBeGreaterThan(0)
    }
  })

  it('--markdown --out writes the hyperfine-style table', async () => {
    const out = join(work, 'run.md')
    const ran = await cli(...quickFanout, '--markdown', '--out', out, '--quiet')
    expect(ran.code).toBe(0)
    expect(ran.stderr).toBe('')
    const text = readFileSync(out, 'utf8')
    expect(text).toContain('| Command | Mean [ms] | Min [ms] | Max [ms] | Relative |')
    expect(text).toMatch(/\| `Serial` \| [\d.]+ ± [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+( ± [\d.]+)? \|/)
    expect(text).toContain('## Run')
  })

  it('--html draws the charts headless, as the app does, and names the run once in its title', async () => {
    const html = join(work, 'race.html')
    const ran = await cli('run', 'race', '--workers', '2', '--increments', '2000', '--trials', '3', '--runtime', 'node', '--data-dir', dataDir, '--html', '--out', html, '--quiet')
    expect(ran.code).toBe(0)
    const report = readFileSync(html, 'utf8')
    expect(report).toMatch(/<h1>Races, \d\d\/\d\d\/\d{4}, \d\d:\d\d:\d\d<\/h1>/)
    expect(report).not.toContain('Races: Races')
    const figures = [...report.matchAll(/<figure><img alt="([^"]*)" src="data:image\/png;base64,iVBORw0KGgo[A-Za-z0-9+/=]+"><figcaption>/g)].map((m) => m[1])
    expect(figures[0]).toBe('Outcomes of 3 trials per mode: 2 workers × 2,000 increments')
    expect(figures).toContain('Expected against found, every trial')
    expect(figures).toContain('Wall time per variant')
  })

  it('picks the format from --out’s extension, and writes --trace to stdout without --out', async () => {
    const html = join(work, 'report.html')
    expect((await cli(...quickFanout, '--out', html, '--quiet')).code).toBe(0)
    expect(readFileSync(html, 'utf8')).toMatch(/^<!doctype html>[\s\S]*<h2>Times<\/h2>[\s\S]*<\/html>\n$/)
    const trace = await cli(...quickFanout, '--trace', '--quiet')
    expect(trace.code).toBe(0)
    const parsed = JSON.parse(trace.stdout) as { traceEvents: { ph: string; pid: number; tid: number; dur?: number }[] }
    const complete = parsed.traceEvents.filter((e) => e.ph === 'X')
    expect(complete.length).toBeGreaterThanOrEqual(2)
    expect(complete.every((e) => e.pid >= 1 && e.tid >= 1 && (e.dur ?? -1) >= 0)).toBe(true)
  })

  it('keeps --json as it was: the full result on stdout, and in the file with --out', async () => {
    const out = join(work, 'run.json')
    const ran = await cli(...quickFanout, '--json', '--out', out, '--quiet')
    expect(ran.code).toBe(0)
    const fromStdout = parseRunResult(ran.stdout, 'stdout')
    expect(parseRunResult(readFileSync(out, 'utf8'), 'file')).toEqual(fromStdout)
    expect(fromStdout.series.map((s) => s.samples.length)).toEqual([3, 3])
  })

  it('refuses two formats, or an --out folder that does not exist, before running anything', async () => {
    const two = await cli(...quickFanout, '--csv', '--markdown')
    expect(two).toMatchObject({ code: 2, stdout: '' })
    expect(two.stderr).toBe('Error: Choose one format; got --csv and --markdown.\n')
    const nowhere = await cli(...quickFanout, '--csv', '--out', join(work, 'missing', 'x.csv'))
    expect(nowhere.code).toBe(2)
    expect(nowhere.stderr).toMatch(/^Error: --out .*x\.csv: the folder .*missing does not exist or is not writable\. Create it or choose another path\.\n$/)
    expect(nowhere.stderr).not.toContain('Measuring')
  })

  it('--help documents every format', async () => {
    const help = await cli('--help')
    expect(help.code).toBe(0)
    for (const format of ['--json', '--csv', '--markdown', '--trace', '--html']) expect(help.stdout).toMatch(new RegExp(`^  ${format} +\\.`, 'm'))
    expect(help.stdout).toContain('concurrency-lab compare <a.json> <b.json>…')
  })
})

describe('concurrency-lab compare', () => {
  const a = join(work, 'a.json')
  const b = join(work, 'b.json')
  writeFileSync(a, JSON.stringify(fixtureResult()))
  writeFileSync(b, JSON.stringify(fixtureCandidate()))

  it('prints a verdict per series', async () => {
    const ran = await cli('compare', a, b)
    expect(ran.code).toBe(0)
    expect(ran.stdout).toMatch(/^ {2}Parallel {2}faster by 2\.00× ± 0\.0\d \(significant\)$/m)
    expect(ran.stdout).toMatch(/^ {2}Serial {4}no significant change$/m)
  })

  it('--markdown --out writes the comparison as Markdown; --threshold changes the noise threshold', async () => {
    const out = join(work, 'comparison.md')
    expect((await cli('compare', a, b, '--markdown', '--out', out)).code).toBe(0)
    expect(readFileSync(out, 'utf8')).toContain('| Parallel | 171.6 ± 2.8 | 85.9 ± 2.2 | −50.0% | faster by 2.00× ± 0.03 (significant) | \\< 0.001 |')
    const strict = await cli('compare', a, b, '--threshold', '60')
    expect(strict.stdout).toMatch(/^ {2}Parallel {2}no significant change$/m)
    expect(strict.stdout).toContain('within the 60% noise threshold')
  })

  it('refuses runs of different experiments and unreadable files with exit code 2', async () => {
    const other = join(work, 'other.json')
    writeFileSync(other, JSON.stringify(asPipelineRun(fixtureCandidate())))
    const mixed = await cli('compare', a, other)
    expect(mixed.code).toBe(2)
    expect(mixed.stderr).toBe('Error: These runs come from different experiments (fanout, pipeline); only runs of the same experiment can be compared.\n')
    const broken = join(work, 'broken.json')
    writeFileSync(broken, '{"schemaVersion": 1, "runId"')
    expect((await cli('compare', a, broken)).stderr).toBe(`Error: ${broken} is not valid JSON (damaged, or cut short while it was written?).\n`)
    expect((await cli('compare', a)).stderr).toMatch(/compare needs at least two result files/)
  })
})

describe('concurrency-lab run with launchers', () => {
  it('--launcher picks how children start, and a bare --compare-launchers compares them all in the JSON', async () => {
    const viaExeca = await cli('run', 'fanout', '--children', '2', '--seconds', '0.05', '--runs', '1', '--warmup', '0', '--sweep', 'false', '--launcher', 'execa', '--json', '--data-dir', dataDir)
    expect(viaExeca.code).toBe(0)
    expect(JSON.parse(viaExeca.stdout).data.launcher).toBe('execa')
    const compared = await cli('run', 'fanout', '--children', '2', '--seconds', '0.05', '--runs', '1', '--warmup', '0', '--sweep', 'false', '--compare-launchers', '--json', '--data-dir', dataDir)
    expect(compared.code, compared.stderr).toBe(0)
    const result = JSON.parse(compared.stdout)
    expect(result.params.compareLaunchers).toBe(true)
    expect(result.data.launchers.map((row: { launcher: string }) => row.launcher)).toEqual(expect.arrayContaining(['helpers', 'app', 'execa']))
    expect(result.data.launcherSentence).toMatch(/^Started at once, 2 children took/)
    const refused = await cli('run', 'fanout', '--launcher', 'bash', '--data-dir', dataDir)
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/launcher must be one of helpers, app, execa, python/)
  })
})

describe('concurrency-lab pythons', () => {
  it('--json lists the interpreters of this machine, each with its build; the text form names each the same way', async () => {
    const json = await cli('pythons', '--json', '--data-dir', dataDir)
    expect(json.code).toBe(0)
    const list = JSON.parse(json.stdout) as { interpreters: { found: boolean; version?: string; freeThreadedBuild?: boolean; executable?: string }[]; searched: string[] }
    expect(list.searched.some((place) => place.startsWith('PATH: '))).toBe(true)
    const text = await cli('pythons', '--data-dir', dataDir)
    expect(text.code).toBe(0)
    for (const interpreter of list.interpreters.filter((i) => i.found)) {
      expect(typeof interpreter.freeThreadedBuild).toBe('boolean')
      expect(text.stdout).toContain(interpreter.executable!)
    }
    expect(text.stdout).toMatch(/Looked in \d+ places/)
  })
})
