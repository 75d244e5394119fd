import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { livePoolThreads } from '../../src/main/lab/pool/worker-pool'
import { errorText, inputPreview } from '../../src/main/lab/workload/user-module'
import type { WorkloadData } from '../../src/shared/experiments/workload'
import { descendantsOf, labChildren } from './helpers/processes'
import { runFailure, runResult, useLabs } from './helpers/run-experiment'

/**
 * The user's own function, run for real: the three examples, and every kind of bad code ending in
 * a sentence with no thread, process or temporary module left behind.
 */

const newLab = useLabs()
const workloadsDir = join(tmpdir(), 'concurrency-lab-workloads')
const leftModules = (): string[] => (existsSync(workloadsDir) ? readdirSync(workloadsDir) : [])
const modulesBefore = leftModules()

const work = mkdtempSync(join(tmpdir(), 'concurrency-lab-workload-cli-'))
afterAll(() => {
  rmSync(work, { recursive: true, force: true })
  expect(descendantsOf()).toEqual([])
  expect(livePoolThreads()).toBe(0)
  expect(leftModules()).toEqual(modulesBefore)
})

/** Quick settings: two workers, two runs, every strategy. */
const quick = { workers: [2], runs: 2, warmup: 0 }
const own = (source: string, more: Record<string, unknown> = {}) => ({ ...quick, example: 'own', source, ...more })

describe('the examples', () => {
  it('cpu-hash: worker threads speed it up, async tasks on one thread do not; every strategy agrees with serial', async () => {
    const result = await runResult<WorkloadData>(newLab(), 'workload', { ...quick, example: 'cpu-hash' })
    const data = result.data
    expect(result.series.map((s) => s.id)).toEqual(['serial', 'concurrent', 'threads-2', 'processes-2'])
    expect(data.identical).toBe(true)
    expect(data.measuredInputs).toBe(8)
    expect(data.inputs.every((i) => i.serialMs! > 0 && i.share! > 0)).toBe(true)
    expect(data.inputs.reduce((sum, i) => sum + i.share!, 0)).toBeCloseTo(1, 9)
    expect(data.scaling.map((c) => c.strategy)).toEqual(['concurrent', 'threads', 'processes'])
    expect(data.findings[0]).toMatch(/^Serially, the 8 inputs took /)
    expect(data.findings.join(' ')).toMatch(/Your largest input \(input \d: \d\) is \d+% of the serial work, so 2 workers can give at most /)
    expect(result.headline).toMatch(/^the cpu-hash example, 8 inputs: serial /)
  }, 120_000)

  it('io-timer: eight 50 ms waits overlap as async tasks on one thread', async () => {
    // four runs: with two, one round slowed by a busy machine leaves the interval too wide for the lab to say the work waits
    const result = await runResult<WorkloadData>(newLab(), 'workload', { ...quick, runs: 4, example: 'io-timer', strategies: ['concurrent'] })
    const serial = result.series.find((s) => s.id === 'serial')!
    const concurrent = result.series.find((s) => s.id === 'concurrent')!
    // serially the timers add up; on one thread they run out together
    expect(serial.summary.median).toBeGreaterThanOrEqual(8 * 50)
    expect(concurrent.summary.median).toBeLessThan(serial.summary.median / 3)
    expect(result.data.findings.join(' ')).toContain('your work waits (on timers, I/O or other processes), and one thread overlaps the waits')
  }, 120_000)

  it('uneven: the largest input sets the bound, and says so', async () => {
    const result = await runResult<WorkloadData>(newLab(), 'workload', { ...quick, example: 'uneven', strategies: ['threads'] })
    const data = result.data
    expect(data.split.largestInputIndex).toBe(0)
    // input 0 is 8 units of 15: about 53% of the work (the warm serial runs' own times)
    expect(data.split.largestInputShare).toBeGreaterThan(0.4)
    expect(data.split.largestInputShare).toBeLessThan(0.7)
    const bound = data.split.bounds.find((b) => b.workers === 2)!
    expect(bound.longestTaskBound).toBeCloseTo(1 / data.split.largestInputShare, 9)
  }, 120_000)
})

describe('bad code gets a sentence, not a hung app', () => {
  it('a syntax error names the line and the place', async () => {
    const { error } = await runFailure(newLab(), 'workload', own('export function work(x) {\n  return x +* 2\n}\n'))
    expect(error.code).toBe('workload-failed')
    expect(error.message).toMatch(/^Your module could not be loaded: your module:2\n {2}return x \+\* 2\n\s+\^\n+SyntaxError: Unexpected token '\*'$/)
  })

  it('a module without work says what it exports instead', async () => {
    const { error } = await runFailure(newLab(), 'workload', own('export function compute(x) { return x }\nexport const other = 1\n'))
    expect(error.message).toBe('Your module exports no function named work; it exports compute, other. Write export function work(input) { … }.')
  })

  it('an exception stops the run with its stack (stop), or leaves that input out (skip)', async () => {
    const source = "export function inputs() { return [1, 2, 3, 4] }\nexport function work(x) {\n  if (x === 3) throw new RangeError('three is not allowed')\n  return x * 2\n}\n"
    const stopped = await runFailure(newLab(), 'workload', own(source))
    expect(stopped.error.message).toBe("work(input 2: 3) threw: RangeError: three is not allowed\n    at work (your module:3:22) The run stopped there (On an error: stop); choose skip to measure the other inputs without it.")
    const skipped = await runResult<WorkloadData>(newLab(), 'workload', own(source, { onError: 'skip', strategies: ['threads'] }))
    expect(skipped.data.measuredInputs).toBe(3)
    expect(skipped.data.inputs[2]!.error).toMatch(/^work\(input 2: 3\) threw: RangeError: three is not allowed/)
    expect(skipped.warnings.find((w) => w.code === 'input-failed')!.message).toMatch(/^Input 2 \(3\) failed and was left out: /)
    expect(skipped.data.identical).toBe(true)
  })

  it('an endless loop ends its thread at the timeout and names the input', async () => {
    const started = performance.now()
    const { error } = await runFailure(newLab(), 'workload', own('export function inputs() { return [1, 2, 3] }\nexport function work(x) { if (x === 2) for (;;) {} return x }\n', { inputTimeoutMs: 300 }))
    expect(error.message).toMatch(/^work\(input 1: 2\) did not finish within 300 ms; the lab ended the thread or process running it\./)
    expect(performance.now() - started).toBeLessThan(20_000)
  })

  it('an endless loop in a child process ends that child at its timeout', async () => {
    // only the measured runs loop: the module loops in a child process, not in a thread
    const source = "import { isMainThread } from 'node:worker_threads'\nexport function work(x) { if (isMainThread) for (;;) {} return x }\nexport function inputs() { return [1] }\n"
    const { error } = await runFailure(newLab(), 'workload', own(source, { strategies: ['processes'], workers: [1], inputTimeoutMs: 200 }))
    expect(error.message).toMatch(/^The child process running input 0 did not finish within 5\.20 s \(its inputs' timeouts and Node's start-up\); the lab ended it\.$/)
  }, 60_000)

  it('memory blow-up ends its thread at the limit, not the app', async () => {
    const source = 'export function inputs() { return [1, 2] }\nexport function work(x) { if (x === 2) { const keep = []; for (;;) keep.push(new Array(1e5).fill(x)) } return x }\n'
    const { error } = await runFailure(newLab(), 'workload', own(source, { memoryLimitMb: 32 }))
    expect(error.message).toMatch(/ran out of memory \(its limit is 32 MB\)/)
  }, 60_000)

  it('a result that cannot cross a thread names the input', async () => {
    const { error } = await runFailure(newLab(), 'workload', own('export function inputs() { return [1, 2] }\nexport function work(x) { return x === 2 ? () => x : x }\n'))
    expect(error.message).toBe('What work(input 1: 2) returned cannot cross to another thread or process: () => x could not be cloned. Return plain data (numbers, strings, arrays, objects, Maps, typed arrays). The run stopped there (On an error: stop); choose skip to measure the other inputs without it.')
  })

  it('results that change from run to run are reported per input', async () => {
    const result = await runResult<WorkloadData>(newLab(), 'workload', own('let calls = 0\nexport function work(x) { calls++; return x + calls }\nexport function inputs() { return [10, 20] }\n', { strategies: ['threads'] }))
    expect(result.data.identical).toBe(false)
    expect(result.data.mismatches.map((m) => m.seriesId)).toContain('threads-2')
    expect(result.warnings.some((w) => w.code === 'results-differ' && /input 0 \(10\): the first serial pass returned 11, /.test(w.message))).toBe(true)
  })

  it('own without a source is refused before anything runs', () => {
    expect(() => newLab().runs.start('workload', { example: 'own', source: '  ' })).toThrow(/Workload own needs its Source: an ES module that exports work\(input\)/)
  })

  it('cancel ends every thread and child process', async () => {
    const lab = newLab()
    let runId = ''
    const failed = new Promise<{ cancelled: boolean }>((resolve) => lab.events.subscribe((name, payload) => name === 'runFailed' && resolve(payload as { cancelled: boolean })))
    const measuring = new Promise<void>((resolve) => lab.events.subscribe((name, payload) => name === 'runProgress' && (payload as { runId: string }).runId === runId && /child process/.test((payload as { message: string }).message) && resolve()))
    const slow = 'export function inputs() { return [1, 2, 3, 4] }\nexport async function work(x) { await new Promise((r) => setTimeout(r, 400)); return x }\n'
    runId = lab.runs.start('workload', own(slow, { strategies: ['threads', 'processes'], runs: 3 })).runId
    await measuring
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(labChildren(lab).length + livePoolThreads()).toBeGreaterThan(0)
    const cancelledAt = performance.now()
    lab.runs.cancel(runId)
    expect((await failed).cancelled).toBe(true)
    expect(performance.now() - cancelledAt).toBeLessThan(3000)
    expect(labChildren(lab)).toEqual([])
    expect(livePoolThreads()).toBe(0)
  }, 60_000)
})

describe('what the user sees of their module', () => {
  it('keeps only their frames, named "your module"', () => {
    const error = new Error('boom')
    error.stack = 'Error: boom\n    at work (file:///tmp/x/workload.mjs:3:9)\n    at runOne (file:///app/out/main/chunks/user-module.js:88:17)\n    at node:internal/process/task_queues:95:5'
    expect(errorText(error, '/tmp/x/workload.mjs')).toBe('Error: boom\n    at work (your module:3:9)')
  })

  it('shows an input shortly', () => {
    expect(inputPreview('a'.repeat(100))).toBe(`"${'a'.repeat(76)}…`)
    expect(inputPreview({ n: 1 })).toBe('{"n":1}')
    expect(inputPreview(undefined)).toBe('undefined')
  })
})

describe('the command line: run workload --module', () => {
  const CLI = resolve(process.env.CONCURRENCY_LAB_OUT ?? 'out', 'main', 'cli.js')
  const cli = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((done) => execFile(process.execPath, [CLI, 'run', 'workload', ...args, '--data-dir', join(work, 'data')], { timeout: 120_000 }, (error, stdout, stderr) => done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr })))

  it('runs the module a path names, and prints the result as JSON', async () => {
    const file = join(work, 'my-work.mjs')
    writeFileSync(file, 'export function inputs() { return [3, 4] }\nexport function work(n) { return n * n }\n')
    const ran = await cli('--module', file, '--workers', '2', '--runs', '1', '--warmup', '0', '--strategies', 'threads', '--json', '--quiet')
    expect(ran.code).toBe(0)
    const result = JSON.parse(ran.stdout) as { params: { example: string; source: string }; data: WorkloadData }
    expect(result.params.example).toBe('own')
    expect(result.data.source).toContain('return n * n')
    expect(result.data.moduleName).toBe('your module my-work.mjs')
    expect(result.data.inputs.map((i) => i.preview)).toEqual(['3', '4'])
  })

  it('runs each example with its verdict', async () => {
    for (const example of ['cpu-hash', 'io-timer', 'uneven']) {
      const ran = await cli('--example', example, '--workers', '2', '--runs', '1', '--warmup', '0', '--strategies', 'threads', '--quiet')
      expect(ran.code).toBe(0)
      expect(ran.stdout).toMatch(new RegExp(`^the ${example} example, 8 inputs: serial .*; fastest 2 worker threads, \\d+\\.\\d+× as fast\\n$`))
    }
  }, 60_000)

  it('says what is wrong with a missing file', async () => {
    const missing = await cli('--module', join(work, 'nope.mjs'))
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain(`--module ${join(work, 'nope.mjs')} could not be read: ENOENT`)
  })
})

describe('a Python function', () => {
  const pythonHere = !!process.env.PATH?.split(':').some((dir) => existsSync(join(dir, 'python3')))
  if (!pythonHere) console.warn('Skipped the Python workload runs: no python3 on PATH.')

  it.skipIf(!pythonHere)('cpu-hash on threads and a process pool: threads are explained by the GIL', async () => {
    const result = await runResult<WorkloadData>(newLab(), 'workload', { language: 'python', example: 'cpu-hash', workers: [2], runs: 2, warmup: 0 })
    expect(result.data.language).toBe('python')
    expect(result.series.map((s) => s.id)).toEqual(['python-serial', 'python-threads-2', 'python-processes-2'])
    expect(result.series[1]!.label).toBe('Python: 2 threads')
    expect(result.data.identical).toBe(true)
    expect(result.data.findings.join(' ')).toMatch(/CPython 3\.\d+\.\d+ \(GIL\): 2 threads ran .* as fast as serial.*: the GIL lets only one thread run Python code at a time/)
    expect(result.data.scaling.map((c) => c.strategy)).toEqual(['threads', 'processes'])
  }, 60_000)

  it.skipIf(!pythonHere)('bad Python code gets a sentence: a syntax error, no work, a raise (stop and skip), a hang, memory, an unpicklable result', async () => {
    const failure = async (source: string, more: Record<string, unknown> = {}) => (await runFailure(newLab(), 'workload', { language: 'python', example: 'own', source, workers: [2], runs: 1, warmup: 0, ...more })).error
    expect((await failure('def work(x):\n    return x +* 2\n')).message).toBe('Your module could not be loaded: invalid syntax (your module, line 2)\n        return x +* 2')
    expect((await failure('def compute(x):\n    return x\n')).message).toBe('Your module defines no function named work; it defines compute. Write def work(x): ...')
    const raises = 'def inputs():\n    return [1, 2, 3]\n\n\ndef work(x):\n    if x == 2:\n        raise ValueError("two is not allowed")\n    return x\n'
    expect((await failure(raises)).message).toBe('work(input 1: 2) raised: \n  File "your module", line 7, in work\n    raise ValueError("two is not allowed")\nValueError: two is not allowed The run stopped there (On an error: stop); choose skip to measure the other inputs without it.')
    const skipped = await runResult<WorkloadData>(newLab(), 'workload', { language: 'python', example: 'own', source: raises, workers: [2], runs: 1, warmup: 0, onError: 'skip' })
    expect(skipped.data.measuredInputs).toBe(2)
    expect(skipped.data.inputs[1]!.error).toMatch(/ValueError: two is not allowed$/)
    const started = performance.now()
    expect((await failure('def inputs():\n    return [1, 2]\n\n\ndef work(x):\n    while x == 2:\n        pass\n    return x\n', { inputTimeoutMs: 500 })).message).toBe('work(input 1: 2) did not finish within 0.5 s; a Python thread cannot be stopped, so the lab ended the interpreter.')
    expect(performance.now() - started).toBeLessThan(15_000)
    const blowsUp = 'def inputs():\n    return [1, 2]\n\n\ndef work(x):\n    keep = []\n    while x == 2:\n        keep.append(bytearray(10**6))\n    return x\n'
    expect((await failure(blowsUp, { memoryLimitMb: 64 })).message).toBe('work(input 1: 2) ran out of memory (the limit is 64 MB of data per process). The run stopped there (On an error: stop); choose skip to measure the other inputs without it.')
    expect((await failure('def inputs():\n    return [1, 2]\n\n\ndef work(x):\n    return (lambda: x) if x == 2 else x\n')).message).toMatch(/^What work\(input 1: 2\) returned cannot go to another process: Can't pickle .*lambda.*\. The run stopped there/)
  }, 120_000)

  it.skipIf(!pythonHere)('where Python cannot cap memory (Windows: no resource module), the run says the limit did not apply', async () => {
    // Windows's answer, here: a resource module that cannot be imported, ahead of the real one on the path
    const windowsLike = join(work, 'no-resource-module')
    mkdirSync(windowsLike, { recursive: true })
    writeFileSync(join(windowsLike, 'resource.py'), 'raise ImportError("No module named \'resource\' (as on Windows)")\n')
    const before = process.env.PYTHONPATH
    process.env.PYTHONPATH = windowsLike
    try {
      const result = await runResult<WorkloadData>(newLab(), 'workload', { language: 'python', example: 'own', source: 'def work(x):\n    return x\n', workers: [1], runs: 1, warmup: 0, strategies: ['threads'] })
      expect(result.warnings.find((w) => w.code === 'memory-not-limited')?.message).toBe("Python cannot cap a process's memory on this system (no RLIMIT_DATA), so Memory per thread (512 MB) did not apply: an input that needs too much may take the machine's memory.")
    } finally {
      if (before === undefined) delete process.env.PYTHONPATH
      else process.env.PYTHONPATH = before
    }
    const limited = await runResult<WorkloadData>(newLab(), 'workload', { language: 'python', example: 'own', source: 'def work(x):\n    return x\n', workers: [1], runs: 1, warmup: 0, strategies: ['threads'] })
    expect(limited.warnings.map((w) => w.code)).not.toContain('memory-not-limited')
  }, 60_000)

  it.skipIf(!pythonHere)('the command line picks Python from the extension: --module my_work.py', async () => {
    const file = join(work, 'my_work.py')
    writeFileSync(file, 'def inputs():\n    return [3, 4]\n\n\ndef work(n):\n    return n * n\n')
    const ran = await new Promise<{ code: number; stdout: string }>((done) =>
      execFile(process.execPath, [resolve(process.env.CONCURRENCY_LAB_OUT ?? 'out', 'main', 'cli.js'), 'run', 'workload', '--module', file, '--workers', '2', '--runs', '1', '--warmup', '0', '--json', '--quiet', '--data-dir', join(work, 'data')], { timeout: 120_000 }, (error, stdout) =>
        done({ code: error ? 1 : 0, stdout }),
      ),
    )
    expect(ran.code).toBe(0)
    const result = JSON.parse(ran.stdout) as { data: WorkloadData }
    expect(result.data.language).toBe('python')
    expect(result.data.inputs.map((i) => i.preview)).toEqual(['3', '4'])
  }, 120_000)
})
