import { execFile, execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseArgs, stringFlags } from '../../src/cli/args'
import { findProgram } from '../../src/main/lab/processes/find-program'
import type { InterpreterComparison } from '../../src/shared/experiments/interpreters'
import type { RunResult } from '../../src/shared/model/result'

/**
 * Two real interpreters side by side, through the command line's repeated --python: on the
 * development VM pyenv's CPython 3.11.7 (python3 on PATH) and Debian's 3.11.2 (/usr/bin/python3).
 * Where a machine does not have two different ones there, the test says so and is skipped.
 */

const CLI = resolve(process.env.CONCURRENCY_LAB_OUT ?? 'out', 'main', 'cli.js')
const work = mkdtempSync(join(tmpdir(), 'concurrency-lab-pythons-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const onPath = await findProgram('python3')
const system = '/usr/bin/python3'
/** The interpreter's own file, as it says (python3 on PATH may be a shim such as pyenv's). */
const ownFile = (python: string): string => execFileSync(python, ['-c', 'import os, sys; print(os.path.realpath(sys.executable))'], { encoding: 'utf8' }).trim()
const twoPythons = !!onPath && existsSync(system) && ownFile(onPath) !== ownFile(system)
if (!twoPythons) console.warn(`Skipped the real side-by-side runs: they need python3 on PATH and ${system} to be two different interpreters (found ${onPath ?? 'no python3'}).`)
const missingPython = join(work, 'no-such-python3')

function runJson(...args: string[]): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(process.execPath, [CLI, 'run', ...args, '--python', 'python3', '--python', system, '--python', missingPython, '--json', '--quiet', '--data-dir', join(work, 'data')], { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`))
      else resolvePromise(JSON.parse(stdout) as RunResult)
    })
  })
}

/** Both interpreters ran, named by version and build, and the missing one has its sentence. */
function expectTwoAndOneMissing(comparison: InterpreterComparison | undefined, result: RunResult): void {
  expect(comparison).toBeDefined()
  const [primary, debian, missing] = comparison!.interpreters
  expect(primary!.ran && debian!.ran).toBe(true)
  expect(primary!.primary).toBe(true)
  expect(realpathSync(primary!.executable!)).toBe(ownFile(onPath!))
  expect(realpathSync(debian!.executable!)).toBe(ownFile(system))
  expect(primary!.label).toMatch(/^CPython 3\.\d+\.\d+ \(GIL\)$/)
  expect(debian!.label).toMatch(/^CPython 3\.\d+\.\d+ \(GIL\)$/)
  expect(missing!.ran).toBe(false)
  expect(missing!.reason).toContain(`${missingPython} did not run`)
  expect(result.warnings.find((w) => w.code === 'python-side-by-side')?.message).toContain(missingPython)
  expect(result.machine.pythonsSideBySide?.map((p) => p.command)).toEqual([system, missingPython])
  for (const interpreter of [primary!, debian!]) {
    expect(interpreter.rows.length).toBeGreaterThan(0)
    for (const row of interpreter.rows) {
      const series = result.series.find((s) => s.id === row.seriesId)
      expect(series?.label.startsWith(`${interpreter.label}: `)).toBe(true)
      expect(series!.summary.median).toBe(row.medianMs)
    }
    expect(interpreter.explanation?.startsWith(`${interpreter.label}: `)).toBe(true)
  }
}

describe('the command line takes --python more than once', () => {
  it('keeps every value of a repeated flag, in order', () => {
    const args = parseArgs(['run', 'race', '--python', 'python3', '--python=/usr/bin/python3', '--workers', '2'], new Set())
    expect(stringFlags(args, 'python')).toEqual(['python3', '/usr/bin/python3'])
    expect(args.flags.get('python')).toBe('/usr/bin/python3')
    expect(stringFlags(args, 'data-dir')).toEqual([])
  })
})

describe.skipIf(!twoPythons)('two real interpreters side by side', () => {
  it('race: each interpreter runs Counter, the call variant and LockingCounter as its own series, the switch interval as asked', async () => {
    const result = await runJson('race', '--workers', '2', '--increments', '20000', '--trials', '3', '--runtime', 'python', '--python-trace-increments', '0', '--python-switch-interval-ms', '0.5')
    const data = result.data as { interpreters?: InterpreterComparison; python: { switchIntervalMs?: number }; explanations: string[] }
    expectTwoAndOneMissing(data.interpreters, result)
    for (const interpreter of data.interpreters!.interpreters.filter((i) => i.ran)) {
      expect(interpreter.rows.map((r) => r.variant)).toEqual(['unlocked', 'unlocked-call', 'locked'])
      expect(interpreter.switchIntervalMs).toBeCloseTo(0.5, 9)
      // a lock never loses an update, on any interpreter
      expect(interpreter.rows.find((r) => r.variant === 'locked')!.lostShare).toBe(0)
    }
    expect(data.python.switchIntervalMs).toBeCloseTo(0.5, 9)
    expect(data.explanations.join(' ')).toContain('The switch interval was set to 500 µs')
  }, 120_000)

  it('blocking-io: threads and asyncio on each interpreter, against its own serial run', async () => {
    const result = await runJson('blocking-io', '--calls', '3', '--ms', '20', '--runs', '2', '--warmup', '0', '--runtime', 'python')
    const data = result.data as { interpreters?: InterpreterComparison }
    expectTwoAndOneMissing(data.interpreters, result)
    for (const interpreter of data.interpreters!.interpreters.filter((i) => i.ran)) {
      expect(interpreter.rows.map((r) => r.variant)).toEqual(['threads', 'asyncio'])
      const serial = result.series.find((s) => s.id === `${interpreter.seriesPrefix}serial`)!
      // three 20 ms waits overlap on threads: well under the 60 ms one after another takes, however busy the machine
      expect(serial.summary.median).toBeGreaterThanOrEqual(60)
      expect(interpreter.rows[0]!.speedup!.median).toBeGreaterThan(1.3)
    }
  }, 120_000)

  it('factorize: threads and processes on each interpreter, each with its own curve', async () => {
    const result = await runJson('factorize', '--numbers', '2139079,589213', '--scale', '2', '--workers', '1,2', '--runs', '2', '--warmup', '0', '--runtime', 'python')
    const data = result.data as { interpreters?: InterpreterComparison; scaling: { label: string }[] }
    expectTwoAndOneMissing(data.interpreters, result)
    const [primary, debian] = data.interpreters!.interpreters
    expect(debian!.rows.map((r) => r.variant)).toEqual(['threads-1', 'threads-2', 'processes-1', 'processes-2'])
    expect(data.scaling.map((c) => c.label)).toEqual([`${primary!.label}: threads`, `${primary!.label}: processes`, `${debian!.label}: threads`, `${debian!.label}: processes`])
  }, 120_000)
})
