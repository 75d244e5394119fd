import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LabError } from '../../src/shared/errors'
import { livePoolThreads, WorkerPool, type PoolOptions } from '../../src/main/lab/pool/worker-pool'
import type { ComputeTasks } from '../../src/main/lab/workers/compute-tasks'
import { testPaths } from './helpers/lab'

const computeWorker = join(testPaths.workersDir, 'compute.js')
/** A number whose trial division takes hours: a task that only ends when its thread does. */
const ENDLESS = 9_007_199_254_740_881
const osThreads = (): number => readdirSync('/proc/self/task').length
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

const pools: WorkerPool<ComputeTasks>[] = []
function newPool(options: Partial<PoolOptions> = {}): WorkerPool<ComputeTasks> {
  const pool = new WorkerPool<ComputeTasks>({ filename: computeWorker, name: 'test', ...options })
  pools.push(pool)
  return pool
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.destroy()))
})

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('timed out waiting')
    await sleep(5)
  }
}

async function rejection(promise: Promise<unknown>): Promise<LabError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(LabError)
    return error as LabError
  }
  throw new Error('expected the task to fail')
}

describe('worker pool', () => {
  it('starts size threads, reports their start-up apart, and runs typed tasks', async () => {
    const pool = newPool({ size: 2 })
    const startup = await pool.ready()
    expect(startup.workers).toBe(2)
    expect(startup.readyMs).toHaveLength(2)
    expect(startup.allReadyMs).toBeGreaterThan(0)
    expect(startup.allReadyMs).toBeGreaterThanOrEqual(Math.max(...startup.readyMs) - 1)
    const run = await pool.run('factorize', 2139079)
    expect(run.value).toEqual([1, 101, 21179, 2139079])
    expect(pool.threadIds).toContain(run.threadId)
    expect((await pool.run('noop', { a: [1, 2] })).value).toEqual({ a: [1, 2] })
  })

  it('queues tasks beyond its size; they start as threads come free, and every task keeps its timing', async () => {
    const pool = newPool({ size: 2 })
    await pool.ready()
    const runs = Array.from({ length: 4 }, () => pool.run('block', { durationMs: 150, calls: 1 }))
    expect(pool.busyCount).toBe(2)
    expect(pool.queuedCount).toBe(2)
    const done = await Promise.all(runs)
    const [first, second, third, fourth] = done
    const firstFree = Math.min(first!.finishedAtMs, second!.finishedAtMs)
    // the third and fourth waited in the queue for a free thread (1 ms: two clocks meet)
    expect(third!.startedAtMs).toBeGreaterThanOrEqual(firstFree - 1)
    expect(fourth!.startedAtMs).toBeGreaterThanOrEqual(firstFree - 1)
    expect(third!.startedAtMs - third!.queuedAtMs).toBeGreaterThan(100)
    expect(new Set(done.map((r) => r.threadId)).size).toBe(2)
    for (const run of done) {
      expect(run.sentAtMs).toBeGreaterThanOrEqual(run.queuedAtMs)
      expect(run.startedAtMs).toBeGreaterThanOrEqual(run.sentAtMs - 1)
      expect(run.finishedAtMs - run.startedAtMs).toBeGreaterThanOrEqual(140)
      expect(run.settledAtMs).toBeGreaterThanOrEqual(run.finishedAtMs - 1)
    }
  })

  it('aborting a running task rejects it at once, terminates its thread and starts a replacement', async () => {
    const pool = newPool({ size: 1 })
    await pool.ready()
    const [original] = pool.threadIds
    const controller = new AbortController()
    const endless = pool.run('factorize', ENDLESS, { signal: controller.signal })
    await sleep(50)
    expect(pool.busyCount).toBe(1)
    const abortedAt = performance.now()
    controller.abort()
    const error = await rejection(endless)
    expect(error.code).toBe('cancelled')
    expect(performance.now() - abortedAt).toBeLessThan(100)
    const next = await pool.run('noop', 7)
    expect(next.value).toBe(7)
    expect(next.threadId).not.toBe(original)
    await until(() => pool.threadCount === 1)
    expect(pool.threadIds).toEqual([next.threadId])
  })

  it('aborting a queued task drops it and leaves the running task and its thread alone', async () => {
    const pool = newPool({ size: 1 })
    await pool.ready()
    const [thread] = pool.threadIds
    const running = pool.run('block', { durationMs: 200, calls: 1 })
    const controller = new AbortController()
    const queued = pool.run('noop', 1, { signal: controller.signal })
    controller.abort()
    expect((await rejection(queued)).code).toBe('cancelled')
    expect(pool.queuedCount).toBe(0)
    expect((await running).threadId).toBe(thread)
    expect(pool.threadIds).toEqual([thread])
    expect((await rejection(pool.run('noop', 1, { signal: AbortSignal.abort() }))).code).toBe('cancelled')
  })

  it('an error thrown by a task fails that task only; bad input is refused with a sentence', async () => {
    const pool = newPool({ size: 1 })
    await pool.ready()
    const [thread] = pool.threadIds
    const thrown = await rejection(pool.run('fail', 'throw'))
    expect(thrown.message).toBe('The task threw on purpose.')
    const refused = await rejection(pool.run('factorize', -5))
    expect(refused.code).toBe('invalid-params')
    expect(refused.message).toMatch(/^-5 has no finite list of divisors.*whole numbers from 1 to 9007199254740991\.$/)
    expect((await pool.run('noop', 1)).threadId).toBe(thread)
  })

  it.each([
    ['uncaught', /threw an uncaught error \(An uncaught error, thrown on purpose/],
    ['exit', /exited with code 3 while running task "fail"/],
    ['oom', /ran out of memory \(its limit is 32 MB\) while running task "fail"/],
  ] as const)('a worker that crashes (%s) fails its task with a LabError and is replaced', async (how, message) => {
    const pool = newPool({ size: 2, resourceLimits: { maxOldGenerationSizeMb: 32 } })
    await pool.ready()
    const before = pool.threadIds
    const error = await rejection(pool.run('fail', how))
    expect(error.code).toBe('worker-failed')
    expect(error.message).toMatch(message)
    expect(error.message).toMatch(/the pool has started a replacement\.$/)
    await pool.ready()
    expect(pool.threadIds).toHaveLength(2)
    expect(pool.threadIds.filter((id) => !before.includes(id))).toHaveLength(1)
    const after = await Promise.all([pool.run('noop', 1), pool.run('noop', 2)])
    expect(after.map((r) => r.value)).toEqual([1, 2])
  })

  it('resizes: grows with new threads, shrinks idle threads at once and busy ones after their task', async () => {
    const pool = newPool({ size: 1 })
    await pool.ready()
    pool.resize(3)
    const grown = await pool.ready()
    expect(grown.workers).toBe(2)
    expect(pool.threadIds).toHaveLength(3)
    const tasks = Array.from({ length: 3 }, () => pool.run('block', { durationMs: 150, calls: 1 }))
    pool.resize(1)
    expect(pool.size).toBe(1)
    const done = await Promise.all(tasks)
    expect(new Set(done.map((r) => r.threadId)).size).toBe(3)
    await until(() => pool.threadCount === 1)
    expect(pool.threadIds).toHaveLength(1)
    expect((await pool.run('noop', 'still here')).value).toBe('still here')
    expect(() => pool.resize(0)).toThrow('A pool needs from 1 to 1024 worker threads; got 0.')
  })

  it('pipelines: a busy thread gets its next task ahead while more tasks wait than there are threads', async () => {
    const pool = newPool({ size: 2, tasksPerThread: 2 })
    await pool.ready()
    const done = await Promise.all(Array.from({ length: 8 }, () => pool.run('block', { durationMs: 60, calls: 1 })))
    const byThread = new Map<number, typeof done>()
    for (const run of done) byThread.set(run.threadId, [...(byThread.get(run.threadId) ?? []), run])
    expect(byThread.size).toBe(2)
    // some task was sent before the task ahead of it on the same thread had finished
    const ahead = [...byThread.values()].some((runs) => runs.some((run, i) => i > 0 && run.sentAtMs < runs[i - 1]!.finishedAtMs))
    expect(ahead).toBe(true)
    for (const runs of byThread.values()) {
      for (let i = 1; i < runs.length; i++) expect(runs[i]!.startedAtMs).toBeGreaterThanOrEqual(runs[i - 1]!.finishedAtMs - 1)
    }
  })

  it('does not pipeline the last tasks: a long task does not hold back short ones another thread could run', async () => {
    const pool = newPool({ size: 2, tasksPerThread: 2 })
    await pool.ready()
    const long = pool.run('block', { durationMs: 400, calls: 1 })
    const short = Array.from({ length: 3 }, () => pool.run('block', { durationMs: 50, calls: 1 }))
    const [longRun, ...shortRuns] = await Promise.all([long, ...short])
    expect(shortRuns.every((run) => run.threadId !== longRun!.threadId)).toBe(true)
    expect(Math.max(...shortRuns.map((r) => r.finishedAtMs))).toBeLessThan(longRun!.finishedAtMs)
  })

  it('aborting a task ends its thread; the tasks sent ahead to that thread run on its replacement', async () => {
    const pool = newPool({ size: 1, tasksPerThread: 2 })
    await pool.ready()
    const [original] = pool.threadIds
    const controller = new AbortController()
    const endless = pool.run('factorize', ENDLESS, { signal: controller.signal })
    const second = pool.run('noop', 'second')
    const third = pool.run('noop', 'third')
    expect(pool.queuedCount).toBe(1) // the second went ahead to the busy thread
    await sleep(50)
    controller.abort()
    expect((await rejection(endless)).code).toBe('cancelled')
    const [secondRun, thirdRun] = await Promise.all([second, third])
    expect([secondRun.value, thirdRun.value]).toEqual(['second', 'third'])
    expect(secondRun.threadId).not.toBe(original)
    expect(secondRun.queuedAtMs).toBeLessThan(secondRun.sentAtMs)
  })

  it('parks threads warm when shrinking with park, and wakes them again when growing', async () => {
    const pool = newPool({ size: 3 })
    await pool.ready()
    const original = [...pool.threadIds].sort()
    pool.resize(1, { park: true })
    expect(pool.threadIds).toHaveLength(1)
    expect(pool.parkedCount).toBe(2)
    expect(pool.threadCount).toBe(3)
    const only = await Promise.all([pool.run('noop', 1), pool.run('noop', 2)])
    expect(new Set(only.map((r) => r.threadId)).size).toBe(1)
    pool.resize(3)
    expect([...pool.threadIds].sort()).toEqual(original)
    expect(pool.parkedCount).toBe(0)
    pool.resize(1, { park: true })
    await pool.destroy()
    expect(pool.threadCount).toBe(0)
  })

  it('destroy fails running and queued tasks and leaves no thread in the pool or the process', async () => {
    const threadsBefore = osThreads()
    const poolThreadsBefore = livePoolThreads()
    const pool = newPool({ size: 3 })
    await pool.ready()
    expect(livePoolThreads()).toBe(poolThreadsBefore + 3)
    expect(osThreads()).toBeGreaterThanOrEqual(threadsBefore + 3)
    const tasks = [pool.run('factorize', ENDLESS), pool.run('block', { durationMs: 10_000, calls: 1 }), pool.run('noop', 1), pool.run('noop', 2)]
    const outcomes = Promise.allSettled(tasks)
    const destroyedAt = performance.now()
    await pool.destroy()
    expect(performance.now() - destroyedAt).toBeLessThan(2000)
    const settled = await outcomes
    expect(settled.every((s) => s.status === 'rejected' && (s.reason as LabError).code === 'cancelled')).toBe(true)
    expect(pool.threadCount).toBe(0)
    expect(livePoolThreads()).toBe(poolThreadsBefore)
    expect(osThreads()).toBeLessThanOrEqual(threadsBefore)
    expect((await rejection(pool.run('noop', 1))).message).toMatch(/has been shut down/)
  })

  it('a worker that cannot start fails ready() and its queued tasks, and is not restarted in a loop', async () => {
    const broken = join(mkdtempSync(join(tmpdir(), 'pool-test-')), 'broken.mjs')
    writeFileSync(broken, "throw new Error('cannot load')\n")
    const pool = newPool({ filename: broken, size: 2 })
    const queued = pool.run('noop', 1)
    const failure = await rejection(pool.ready())
    expect(failure.code).toBe('worker-failed')
    expect(failure.message).toMatch(/threw an uncaught error \(cannot load\) while starting; the pool does not restart a thread that cannot start\.$/)
    expect((await rejection(queued)).code).toBe('worker-failed')
    await until(() => pool.threadCount === 0)
    expect(pool.threadIds).toEqual([])
  })

  it.runIf(process.platform === 'linux')('runs compute threads below the main thread\'s priority (nice 10), so the app stays responsive', async () => {
    const niceOf = (tid: string): number => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16])
    const niced = (): number => readdirSync('/proc/self/task').filter((tid) => niceOf(tid) === 10).length
    const before = niced()
    const pool = newPool({ size: 2 })
    await pool.ready()
    expect(niced()).toBe(before + 2)
    expect(niceOf(String(process.pid))).toBe(0)
  })

  it('refuses a bad size and a missing worker file with a sentence', () => {
    expect(() => newPool({ size: 0 })).toThrow('A pool needs from 1 to 1024 worker threads; got 0.')
    expect(() => newPool({ filename: '/nonexistent/compute.js' })).toThrow(/worker file \/nonexistent\/compute\.js does not exist; build the app first/)
  })
})
