import { mkdtempSync, writeFileSync } from 'node:fs'
import { getPriority, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { pythonProcessCounts } from '../../src/main/lab/experiments/threads-python'
import { createLab, type Lab } from '../../src/main/lab/lab'
import { probePython } from '../../src/main/lab/machine'
import { runPythonScript } from '../../src/main/lab/python/run-script'
import { runChild } from '../../src/main/lab/processes/run-child'
import { BACKGROUND_NICENESS } from '../../src/main/lab/workers/priority'
import type { BlockingIoData, FactorizeData } from '../../src/shared/experiments/threads'
import { LESSON_DIVISORS } from '../../src/shared/factorize'
import { testPaths } from './helpers/lab'
import { runFailure, runResult } from './helpers/run-experiment'

const python = await probePython()
const labs: Lab[] = []
function labWith(pythonCommand?: string): Lab {
  const lab = createLab({ host: 'cli', dataDir: mkdtempSync(join(tmpdir(), 'concurrency-lab-test-')), paths: testPaths, pythonCommand })
  labs.push(lab)
  return lab
}
afterEach(async () => {
  await Promise.all(labs.splice(0).map((lab) => lab.shutdown()))
})

describe.skipIf(!python.found)('the Python originals, with python3 present', () => {
  it('the script reports which Python it is, free-threaded or not', async () => {
    const { value } = await runPythonScript<{ python: { version: string; gilEnabled: boolean; freeThreadedBuild: boolean } }>({ python, resourcesDir: testPaths.resourcesDir, script: 'threads.py', args: ['info'] })
    expect(value.python.version).toBe(python.version)
    expect(typeof value.python.gilEnabled).toBe('boolean')
    expect(typeof value.python.freeThreadedBuild).toBe('boolean')
  })

  it('blocking calls overlap on Python threads and asyncio', async () => {
    const result = await runResult<BlockingIoData>(labWith(), 'blocking-io', { runtime: 'python', calls: 3, ms: 100, runs: 1, warmup: 0 })
    expect(result.series.map((s) => s.id)).toEqual(['python-serial', 'python-threads-3', 'python-asyncio'])
    const median = (id: string): number => result.series.find((s) => s.id === id)!.summary.median
    expect(median('python-serial')).toBeGreaterThanOrEqual(300)
    expect(median('python-threads-3')).toBeLessThan(0.6 * median('python-serial'))
    expect(median('python-asyncio')).toBeLessThan(0.6 * median('python-serial'))
    expect(result.data.python).toMatchObject({ ran: true, version: python.version })
    expect(result.data.python.interpreterStartupMs).toBeGreaterThan(0)
    expect(result.data.runtimes).toEqual(['python'])
  })

  it('factorize runs serially, on threads and on processes in Python, with the same divisors as Node', async () => {
    const numbers = [2139079, 218502]
    const result = await runResult<FactorizeData>(labWith(), 'factorize', { runtime: 'both', numbers, scale: 1, workers: [1, 2], strategies: ['threads', 'processes'], runs: 1, warmup: 0 })
    const ids = result.series.map((s) => s.id)
    expect(ids).toEqual(expect.arrayContaining(['serial', 'threads-2', 'processes-2', 'python-serial', 'python-threads-1', 'python-threads-2', 'python-processes-1', 'python-processes-2']))
    expect(result.data.python).toMatchObject({ ran: true, version: python.version, scale: 1, tasks: 2 })
    expect(result.data.results.divisors.map((d) => d.divisors)).toEqual(numbers.map((n) => LESSON_DIVISORS.get(n)))
    expect(result.data.scaling.map((c) => `${c.runtime}/${c.strategy}`)).toEqual(expect.arrayContaining(['python/threads', 'python/processes']))
    expect(result.data.lanes!.filter((f) => f.runtime === 'python').map((f) => [f.id, f.lanes.length])).toEqual([
      ['python-threads-2', 2],
      ['python-processes-2', 2],
    ])
    expect(result.data.findings.some((f) => f.startsWith(`CPython ${python.version}`))).toBe(true)
  }, 60_000) // both runtimes, and a traced trial of each strategy, on a machine that may be shared
})

describe.skipIf(!python.found || process.platform === 'win32')("the Python originals' priority, as their Node counterparts'", () => {
  it('started at niceness 10 by the lab, threads.py stays at 10 (not 10 more); started without, it lowers itself to 10', async () => {
    const info = (niceness?: number): Promise<number | null | undefined> =>
      runPythonScript<{ python: { niceness?: number | null } }>({ python, resourcesDir: testPaths.resourcesDir, script: 'threads.py', args: ['info'], niceness }).then(({ value }) => value.python.niceness)
    expect(await info(BACKGROUND_NICENESS)).toBe(BACKGROUND_NICENESS)
    expect(await info()).toBe(Math.max(BACKGROUND_NICENESS, getPriority()))
  })

  it('workload.py runs at the niceness the lab starts it with, and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concurrency-lab-niceness-'))
    const module = join(dir, 'work.py')
    writeFileSync(module, 'def work(x):\n    return x * 2\n\ndef inputs():\n    return [1, 2]\n')
    const run = (niceness?: number): Promise<number | null | undefined> =>
      runPythonScript<{ python: { niceness?: number | null } }>({ python, resourcesDir: testPaths.resourcesDir, script: 'workload.py', args: ['--module', module, '--workers', '1', '--runs', '1', '--warmup', '0'], niceness }).then(({ value }) => value.python.niceness)
    expect(await run(BACKGROUND_NICENESS)).toBe(BACKGROUND_NICENESS)
    expect(await run()).toBe(getPriority())
  })
})

describe('Python process pools per system', () => {
  it('on Windows, counts above 61 become 61 once, and the result says so; elsewhere the counts stay', () => {
    expect(pythonProcessCounts('win32', [1, 2, 4, 8, 16, 32, 64])).toEqual({
      counts: [1, 2, 4, 8, 16, 32, 61],
      warning: { code: 'python-process-cap', message: 'Windows allows at most 61 worker processes in a ProcessPoolExecutor; the lab used 61 of the 64 asked.' },
    })
    expect(pythonProcessCounts('win32', [32, 61, 64, 128]).counts).toEqual([32, 61])
    expect(pythonProcessCounts('win32', [32, 61, 64, 128]).warning?.message).toBe('Windows allows at most 61 worker processes in a ProcessPoolExecutor; the lab used 61 of the 64 and 128 asked.')
    expect(pythonProcessCounts('win32', [1, 61])).toEqual({ counts: [1, 61] })
    expect(pythonProcessCounts('linux', [64, 128])).toEqual({ counts: [64, 128] })
    expect(pythonProcessCounts('darwin', [256])).toEqual({ counts: [256] })
  })
})

describe.skipIf(!python.found)('threads.py under the spawn start method (the default on Windows and macOS)', () => {
  it('its process pools work when every worker re-imports the script, and --process-workers sets their sizes', async () => {
    const program = [
      'import multiprocessing, runpy, sys',
      "multiprocessing.set_start_method('spawn')",
      `sys.argv = ['threads.py', 'factorize', '--numbers', '2139079,218502', '--scale', '1', '--workers', '1,3', '--process-workers', '2', '--strategies', 'serial,threads,processes', '--runs', '1', '--warmup', '0']`,
      `runpy.run_path(${JSON.stringify(join(testPaths.resourcesDir, 'python', 'threads.py'))}, run_name='__main__')`,
    ].join('\n')
    const outcome = await runChild({ file: python.executable ?? python.command, args: ['-c', program], timeoutMs: 60_000 })
    expect(outcome.stderr.text).toBe('')
    const output = JSON.parse(outcome.stdout.text.trim().split('\n').at(-1)!) as { python: { startMethod: string }; variants: { id: string }[] }
    expect(output.python.startMethod).toBe('spawn')
    expect(output.variants.map((v) => v.id)).toEqual(['serial', 'threads-1', 'threads-3', 'processes-2'])
  })
})

describe('the Python originals, without python3', () => {
  it('"both" runs Node only and says why; "python" is refused with a sentence', async () => {
    const missing = '/nonexistent/python3'
    const both = await runResult<BlockingIoData>(labWith(missing), 'blocking-io', { calls: 2, ms: 20, runs: 1, warmup: 0 })
    expect(both.data.runtimes).toEqual(['node'])
    expect(both.data.python.ran).toBe(false)
    expect(both.series.every((s) => !s.id.startsWith('python'))).toBe(true)
    expect(both.warnings.find((w) => w.code === 'python-missing')?.message).toMatch(/^Python 3 was not found .*so only Node ran\. Install Python 3/)
    const only = await runFailure(labWith(missing), 'factorize', { runtime: 'python', scale: 1 })
    expect(only.error.code).toBe('not-available')
    expect(only.error.message).toMatch(/^Python 3 is not available .*run with --runtime node\.$/)
  })

  it('treats python3 missing from PATH the same way', async () => {
    const savedPath = process.env.PATH
    process.env.PATH = '/nonexistent'
    try {
      const failure = await runFailure(labWith(), 'blocking-io', { runtime: 'python', calls: 1, ms: 1 })
      expect(failure.error.code).toBe('not-available')
      expect(failure.error.message).toMatch(/"python3" was not found/)
    } finally {
      process.env.PATH = savedPath
    }
  })
})
