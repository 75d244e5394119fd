import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { AnalysisThread } from '../../src/main/lab/analysis/analysis-thread'
import { summarizeFactorize } from '../../src/main/lab/experiments/factorize-summary'
import { livePoolThreads } from '../../src/main/lab/pool/worker-pool'
import { lastLineOf } from '../../src/main/lab/python/script-result'
import { readPythonRaceReport } from '../../src/main/lab/races/python-race-report'
import { nodeVariantTrace, type NodeTraceInput } from '../../src/main/lab/races/race-traces'
import { newTraceLogBuffer, traceLogViews } from '../../src/main/lab/races/trace-buffer'
import { testPaths } from './helpers/lab'
import { readRecording, type FactorizeRecording } from './helpers/recorded-trials'

/**
 * The run's analysis thread computes what the main thread would, from the same inputs: the race's
 * traces (Node logs in shared memory, race.py's report) and the factorize summary. A cancel ends
 * the task and its thread; nothing outlives close().
 */

const threads: AnalysisThread[] = []
const newThread = (): AnalysisThread => {
  const thread = new AnalysisThread(join(testPaths.workersDir, 'analysis.js'))
  threads.push(thread)
  return thread
}
afterEach(async () => {
  await Promise.all(threads.splice(0).map((thread) => thread.close()))
})

/** A seeded generator, so a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

/**
 * Two workers incrementing one counter without a lock, simulated: each increment reads, and
 * sometimes the other worker runs between its read and its write, so one write overwrites another.
 * The logs are in shared buffers, stamped in epoch ms, as the race workers leave them.
 */
function racyTrial(increments: number, seed: number): NodeTraceInput {
  const next = random(seed)
  const buffers = [newTraceLogBuffer(increments), newTraceLogBuffer(increments)]
  const logs = buffers.map((buffer) => traceLogViews(buffer, increments))
  const done = [0, 0]
  const pending: (number | undefined)[] = [undefined, undefined]
  let counter = 0
  const releasedAtMs = 1_800_000_000_000
  let clock = releasedAtMs
  while (done[0]! < increments || done[1]! < increments) {
    const w = done[0]! >= increments ? 1 : done[1]! >= increments ? 0 : next() < 0.5 ? 0 : 1
    const k = done[w]!
    const log = logs[w]!
    if (pending[w] === undefined) {
      pending[w] = counter
      if (next() < 0.7) continue // the other worker may run before this write
    }
    log.reads[k] = pending[w]!
    log.writes[k] = pending[w]! + 1
    counter = pending[w]! + 1
    log.atMs[k] = clock += 0.001
    pending[w] = undefined
    done[w] = k + 1
  }
  return { variantId: 'node-unsynchronised', found: counter, logs, releasedAtMs }
}

describe('the analysis thread', () => {
  it('reads a traced Node trial from the shared logs as the main thread would: every lost update found and accounted', async () => {
    const input = racyTrial(50_000, 7)
    const here = nodeVariantTrace(input)
    const there = await newThread().run('raceTrace', input)
    expect(there).toEqual(here)
    expect(there.lostUpdates).toBeGreaterThan(1000)
    expect(there.accounted).toBe(true)
    expect(there.shortBy).toBe(100_000 - input.found)
    // times from the release, not from the epoch
    expect(there.lanes[0]!.atUs!.every((us) => us >= 0 && us < 1e6)).toBe(true)
  })

  it("reads race.py's report as the main thread would, and says what is wrong with a broken one", async () => {
    const readDeltas = Array.from({ length: 1000 }, (_, i) => (i % 100 === 50 ? 0 : 1))
    const report = {
      startedAtMonotonicMs: 12.5,
      python: '3.11.7',
      implementation: 'CPython',
      gilEnabled: true,
      switchIntervalMs: 5,
      trials: [{ variant: 'unlocked-call', trial: 0, warmup: false, expected: 2000, found: 1990, releasedAtEpochMs: 1, durationMs: 2, threads: [] }],
      traces: [{ variant: 'unlocked-call', found: 1990, attempts: 2, threads: [{ readDeltas: [0, ...readDeltas.slice(1)], writeMinusRead: readDeltas.map(() => 1) }, { readDeltas: [1000, ...readDeltas.slice(1)], writeMinusRead: readDeltas.map(() => 1) }] }],
    }
    const line = JSON.stringify(report)
    const thread = newThread()
    const there = await thread.run('pythonRaceReport', line)
    expect(there).toEqual(readPythonRaceReport(line))
    expect(there.report.trials).toEqual(report.trials)
    expect(there.report).not.toHaveProperty('traces')
    expect(there.traces[0]!.variantId).toBe('python-unlocked-call')
    expect(there.traces[0]!.totalIncrements).toBe(2000)
    expect(there.traces[0]!.sentences.some((s) => s.startsWith('This is traced trial 2'))).toBe(true)

    await expect(thread.run('pythonRaceReport', 'Traceback (most recent call last):')).rejects.toMatchObject({ code: 'internal', message: expect.stringMatching(/^The Python script race\.py did not print its JSON result \(last line: Traceback/) })
    await expect(thread.run('pythonRaceReport', '{"python": "3.11.7"}')).rejects.toMatchObject({ code: 'internal', message: expect.stringMatching(/printed JSON without its trials/) })
    // the thread lives on after a task that threw
    expect((await thread.run('pythonRaceReport', line)).traces).toHaveLength(1)
  })

  it('summarises recorded factorize trials exactly as the main thread does', async () => {
    const recording = readRecording<FactorizeRecording>('factorize-trials.json')
    const there = await newThread().run('summarizeFactorize', recording)
    expect(there).toEqual(summarizeFactorize(recording.params, recording.machine, recording.trials))
  })

  it('a cancel ends the task and its thread; after close() nothing is left, and it runs nothing more', async () => {
    const before = livePoolThreads()
    const thread = newThread()
    await thread.run('raceTrace', racyTrial(10, 1)) // started and ready: the cancel below finds the task running
    expect(livePoolThreads()).toBe(before + 1)
    const controller = new AbortController()
    const input = racyTrial(3_000_000, 11)
    // reading 6,000,000 increments takes ~0.6 s here: cancelled after 10 ms, the task is mid-way, and only ending its thread stops it
    const long = thread.run('raceTrace', input, controller.signal)
    setTimeout(() => controller.abort(), 10)
    await expect(long).rejects.toMatchObject({ code: 'cancelled' })
    await thread.close()
    expect(livePoolThreads()).toBe(before)
    await expect(thread.run('raceTrace', racyTrial(10, 1))).rejects.toThrow(/after the run ended/)
    expect(livePoolThreads()).toBe(before)
  })

  it('a thread never asked for anything is never started', async () => {
    const before = livePoolThreads()
    const thread = newThread()
    expect(livePoolThreads()).toBe(before)
    await thread.close()
    expect(livePoolThreads()).toBe(before)
  })
})

describe("a script's last line", () => {
  it('is found from the end, whatever the line endings, without splitting the output', () => {
    expect(lastLineOf('progress\n{"a":1}\n')).toBe('{"a":1}')
    expect(lastLineOf('progress\r\n{"a":1}\r\n\r\n')).toBe('{"a":1}')
    expect(lastLineOf('{"a":1}')).toBe('{"a":1}')
    expect(lastLineOf('\n\n')).toBe('')
    expect(lastLineOf('')).toBe('')
  })
})
