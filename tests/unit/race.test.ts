import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { LabError } from '../../src/shared/errors'
import type { RaceWorkerMode } from '../../src/main/lab/races/increment'
import { RaceWorkerPool, liveRaceWorkerCount, type NodeTrialOutcome } from '../../src/main/lab/races/race-pool'
import { testPaths } from './helpers/lab'

/** The engine's race pool, driven directly: real worker threads on one SharedArrayBuffer counter. */
const raceWorker = join(testPaths.workersDir, 'race.js')
const osThreads = (): number => readdirSync('/proc/self/task').length
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

const pools: RaceWorkerPool[] = []
async function newPool(count: number, signal = new AbortController().signal): Promise<RaceWorkerPool> {
  const pool = await RaceWorkerPool.start({ count, workerFile: raceWorker, signal })
  pools.push(pool)
  return pool
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.terminate()))
})

/** Rounds of the given modes, interleaved as the experiment runs them, after one warm-up round. */
async function rounds(pool: RaceWorkerPool, modes: RaceWorkerMode[], increments: number, count: number): Promise<Record<string, NodeTrialOutcome[]>> {
  const signal = new AbortController().signal
  const byMode: Record<string, NodeTrialOutcome[]> = Object.fromEntries(modes.map((m) => [m, []]))
  for (let round = 0; round <= count; round++) {
    for (const mode of modes) {
      const outcome = await pool.runTrial(mode, increments, signal)
      if (round > 0) byMode[mode]!.push(outcome)
    }
  }
  return byMode
}
const lossy = (trials: NodeTrialOutcome[]): number => trials.filter((t) => t.found < t.expected).length

describe('race pool', () => {
  it('atomic and mutex are exact in every trial, while unsynchronised increments in the same rounds lose updates', async () => {
    const pool = await newPool(5)
    const byMode = await rounds(pool, ['unsynchronised', 'atomic', 'mutex'], 100_000, 12)
    for (const mode of ['atomic', 'mutex']) {
      expect(byMode[mode]!.map((t) => t.found)).toEqual(Array(12).fill(500_000))
    }
    const unsynchronised = byMode.unsynchronised!
    // a counter can only lose: never more than was added, and never nothing
    expect(unsynchronised.every((t) => t.found <= t.expected && t.found > 0)).toBe(true)
    expect(lossy(unsynchronised)).toBeGreaterThan(0)
  })

  it('the mutex test can fail: a lock without its compare-exchange (test-only variant) lets updates through', { timeout: 60_000 }, async () => {
    // Check-then-set lets two workers in at once only while two of them really run at the same
    // moment, which a busy 2-core machine allows rarely: long trials, until the first loss.
    const pool = await newPool(4)
    const signal = new AbortController().signal
    const mutex: NodeTrialOutcome[] = []
    const broken: NodeTrialOutcome[] = []
    for (let round = 0; round < 12 && lossy(broken) === 0; round++) {
      broken.push(await pool.runTrial('broken-mutex', 500_000, signal))
      mutex.push(await pool.runTrial('mutex', 500_000, signal))
    }
    // the same exactness check that the real mutex passes in the same rounds fails for the broken lock
    expect(mutex.every((t) => t.found === t.expected)).toBe(true)
    expect(lossy(broken)).toBeGreaterThan(0)
  })

  it('one worker cannot race: unsynchronised is exact without a second writer', async () => {
    const pool = await newPool(1)
    const byMode = await rounds(pool, ['unsynchronised'], 200_000, 3)
    expect(byMode.unsynchronised!.map((t) => t.found)).toEqual([200_000, 200_000, 200_000])
  })

  it('releases the workers together: every worker starts before the first one ends', async () => {
    const pool = await newPool(2)
    const byMode = await rounds(pool, ['mutex'], 200_000, 3)
    const overlapping = byMode.mutex!.filter((t) => Math.max(...t.workers.map((w) => w.startedAtMs)) < Math.min(...t.workers.map((w) => w.endedAtMs)))
    expect(overlapping.length).toBeGreaterThan(0)
    for (const trial of byMode.mutex!) {
      expect(trial.workers.every((w) => w.startedAtMs >= trial.releasedAtMs - 1)).toBe(true)
      expect(trial.durationMs).toBeGreaterThan(0)
    }
  })

  for (const mode of ['unsynchronised', 'mutex'] as const) {
    it(`cancel terminates every worker at once, mid-trial (${mode}), and the main thread stays free meanwhile`, async () => {
      const threadsBefore = osThreads()
      const liveBefore = liveRaceWorkerCount()
      const controller = new AbortController()
      const pool = await newPool(6, controller.signal)
      expect(liveRaceWorkerCount()).toBe(liveBefore + 6)
      expect(osThreads()).toBeGreaterThanOrEqual(threadsBefore + 6)
      // 6 × 100 million increments: minutes of work, unless cancelled
      const trial = pool.runTrial(mode, 100_000_000, controller.signal)
      trial.catch(() => {})
      const timerAskedAt = performance.now()
      await sleep(300)
      // the event loop answered a timer while the workers raced (nothing blocks the main thread)
      expect(performance.now() - timerAskedAt).toBeLessThan(2000)
      const cancelledAt = performance.now()
      controller.abort()
      const error = await trial.then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(LabError)
      expect((error as LabError).code).toBe('cancelled')
      expect(performance.now() - cancelledAt).toBeLessThan(2000)
      expect(liveRaceWorkerCount()).toBe(liveBefore)
      expect(osThreads()).toBeLessThanOrEqual(threadsBefore)
    })
  }

  it('says clearly when the worker file is missing', async () => {
    const error = await RaceWorkerPool.start({ count: 1, workerFile: join(testPaths.workersDir, 'no-such-race.js'), signal: new AbortController().signal }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LabError)
    expect((error as LabError).message).toMatch(/race worker was not found.*Build the app first/)
  })
})
