import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { AnalysisThread } from '../../src/main/lab/analysis/analysis-thread'
import { RaceWorkerPool } from '../../src/main/lab/races/race-pool'
import { traceNodeModes, variantTrace } from '../../src/main/lab/races/race-traces'
import type { RaceData } from '../../src/shared/experiments/race'
import { resultDataSchemas } from '../../src/shared/model/result-data-schema'
import { testPaths } from './helpers/lab'
import { runResult, useLabs } from './helpers/run-experiment'

/** Traced trials on real worker threads and a real python3: the logs the engine reads, and what it finds in them. */
const raceWorker = join(testPaths.workersDir, 'race.js')
const pools: RaceWorkerPool[] = []
const analysisThreads: AnalysisThread[] = []
afterEach(async () => {
  await Promise.all([...pools.splice(0).map((pool) => pool.terminate()), ...analysisThreads.splice(0).map((thread) => thread.close())])
})
const makeLab = useLabs()

describe('traced trials (real threads)', () => {
  it('unsynchronised: the log has lost updates between the two workers, and they account for the final count; mutex and Atomics.add have none', { timeout: 60_000 }, async () => {
    const pool = await RaceWorkerPool.start({ count: 2, workerFile: raceWorker, signal: new AbortController().signal })
    pools.push(pool)
    const analysis = new AnalysisThread(join(testPaths.workersDir, 'analysis.js'))
    analysisThreads.push(analysis)
    const traces = await traceNodeModes(pool, analysis, ['unsynchronised', 'atomic', 'mutex'], 100_000, new AbortController().signal)
    const [unsynchronised, atomic, mutex] = traces
    expect(unsynchronised!.totalIncrements).toBe(200_000)
    expect(unsynchronised!.found).toBeLessThan(200_000)
    expect(unsynchronised!.crossWorkerLostUpdates).toBeGreaterThan(0)
    expect(unsynchronised!.accounted).toBe(true)
    expect(unsynchronised!.shortBy).toBe(unsynchronised!.lostUpdates + unsynchronised!.readAboveFinal)
    for (const exact of [atomic!, mutex!]) {
      expect(exact.found).toBe(200_000)
      expect(exact.lostUpdates).toBe(0)
      expect(exact.checkPassed).toBe(true)
      expect(exact.sentences.some((s) => s.startsWith('Check passed'))).toBe(true)
    }
  })

  it('a real mutex trace passes the check, and the same log with one injected link fails it', { timeout: 60_000 }, async () => {
    const pool = await RaceWorkerPool.start({ count: 2, workerFile: raceWorker, signal: new AbortController().signal })
    pools.push(pool)
    const trial = await pool.runTracedTrial('mutex', 50_000, 2, new AbortController().signal)
    expect(variantTrace('node-mutex', trial.found, trial.logs).checkPassed).toBe(true)
    // worker 2's 100th increment claims to have read what worker 1's 100th read, as a lost update would
    const [first, second] = trial.logs
    const value = first!.reads[99]!
    const faked = [first!, { ...second!, reads: second!.reads.with(99, value), writes: second!.writes.with(99, value + 1) }]
    const trace = variantTrace('node-mutex', trial.found, faked)
    expect(trace.links.filter((l) => l.crossWorker).map((l) => l.value)).toContain(value)
    expect(trace.checkPassed).toBe(false)
    expect(trace.sentences.some((s) => s.startsWith('CHECK FAILED'))).toBe(true)
  })
})

describe('traced trials in a race run', () => {
  it('a Node run carries one trace per mode, computed from the logs, kept compact and valid against the result schema', { timeout: 120_000 }, async () => {
    const result = await runResult<RaceData>(makeLab(), 'race', { workers: 2, increments: 50_000, trials: 2, runtime: 'node' })
    const traces = result.data.traces!
    expect(traces.map((t) => t.variantId)).toEqual(['node-unsynchronised', 'node-atomic', 'node-mutex'])
    for (const trace of traces) {
      expect(trace.totalIncrements).toBe(200_000)
      expect(trace.accounted).toBe(true)
      expect(trace.lanes.map((l) => l.worker)).toEqual([0, 1])
      expect(trace.keptIncrements).toBeLessThanOrEqual(1200)
      // every kept link joins two kept increments that really read its value
      for (const link of trace.links) {
        for (const end of [link.first, link.second]) {
          const lane = trace.lanes[end.worker]!
          expect(lane.reads[end.index - lane.firstIndex]).toBe(link.value)
        }
      }
    }
    expect(traces.filter((t) => t.mustBeExact).every((t) => t.checkPassed && t.lostUpdates === 0)).toBe(true)
    expect(resultDataSchemas.race.safeParse(result.data).success).toBe(true)
    expect(JSON.stringify(result.data.traces).length).toBeLessThan(200_000)
    // the walkthrough has the lesson's increment as this machine's python3 compiles it
    expect(result.data.bytecode?.instructions.some((i) => i.opname.startsWith('STORE_ATTR') && i.argval === 'count')).toBe(true)
  })

  it("Python: the call variant's trace shows lost updates that account for its final count", { timeout: 120_000 }, async () => {
    const result = await runResult<RaceData>(makeLab(), 'race', { workers: 2, increments: 1000, trials: 1, runtime: 'python', modes: ['unsynchronised'], pythonTraceIncrements: 200_000 })
    const [trace] = result.data.traces!
    expect(trace!.variantId).toBe('python-unlocked-call')
    expect(trace!.totalIncrements).toBe(400_000)
    expect(trace!.accounted).toBe(true)
    expect(trace!.shortBy).toBe(trace!.lostUpdates + trace!.readAboveFinal)
    // up to 5 traced trials until one loses: a switch between the read and the write is rare, not absent
    // (the range's most increments: at 100,000 a clean-clone CI run once saw 5 trials without a loss)
    expect(trace!.found).toBeLessThan(400_000)
    expect(trace!.crossWorkerLostUpdates).toBeGreaterThan(0)
    expect(result.data.bytecode?.python).toBe(result.data.python.version)
  })

  it('without python, the run says why there is no Python trace and no bytecode', { timeout: 60_000 }, async () => {
    const result = await runResult<RaceData>(makeLab({ pythonCommand: '/nonexistent/python3-for-trace-test' }), 'race', { workers: 2, increments: 1000, trials: 1, runtime: 'both', modes: ['unsynchronised'], traceIncrements: 1000 })
    expect(result.data.traces!.map((t) => t.variantId)).toEqual(['node-unsynchronised'])
    expect(result.data.traceNotes).toEqual(['No Python trace: Python 3 was not found on this machine, so only the Node traces were taken.'])
    expect(result.data.bytecode).toBeUndefined()
    expect(result.data.bytecodeNote).toMatch(/^No Python 3 was found .* the walkthrough shows Node's load, add and store only/)
  })

  it('one worker: no traced trial, and the run says why', async () => {
    const result = await runResult<RaceData>(makeLab(), 'race', { workers: 1, increments: 1000, trials: 1, runtime: 'node', modes: ['unsynchronised'] })
    expect(result.data.traces).toEqual([])
    expect(result.data.traceNotes).toEqual(['No traced trial: with one worker nobody else writes between its read and its write, so there is no lost update to trace.'])
  })
})
