import { afterAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../src/main/lab/dispatch'
import type { FanoutData } from '../../src/shared/experiments/fanout'
import type { RunResult } from '../../src/shared/model/result'
import { descendantsOf, labChildren } from './helpers/processes'
import { nextEvent } from './helpers/lab'
import { nativeAddon } from './helpers/launchers'
import { runResult, useLabs } from './helpers/run-experiment'

const newLab = useLabs()

// every lab has been shut down by now: its spawner helpers and anything they started are gone too
afterAll(() => {
  expect(descendantsOf()).toEqual([])
})
const runFanout = (params: Record<string, unknown>): Promise<RunResult<FanoutData>> => runResult<FanoutData>(newLab(), 'fanout', params)

describe('fan-out experiment', () => {
  it('runs children in parallel: wall time near the longest child, not the sum', async () => {
    const result = await runFanout({ children: 5, seconds: 0.2, runs: 2, warmup: 0 })
    const [serial, parallel] = result.series
    expect(serial!.samples).toHaveLength(2)
    expect(serial!.summary.median).toBeGreaterThanOrEqual(1000)
    expect(parallel!.summary.median).toBeGreaterThanOrEqual(200)
    expect(parallel!.summary.median).toBeLessThan(serial!.summary.median / 2)
    expect(result.comparisons[0]!.ratios).toHaveLength(2)
    expect(result.comparisons[0]!.ideal).toBe(5)
    const spans = result.timelines.find((t) => t.id === 'parallel')!.spans
    expect(spans).toHaveLength(5)
    // every child of the parallel run overlaps every other: each starts before any ends
    const firstEnd = Math.min(...spans.map((s) => s.endMs))
    expect(spans.every((s) => s.startMs < firstEnd)).toBe(true)
    expect(spans.every((s) => s.outcome === 'exited')).toBe(true)
    expect(result.data.spawnMsMedian).toBeGreaterThan(0)
    expect(result.machine.logicalCores).toBeGreaterThan(0)
  })

  it('sweeps a concurrency limit: speedup grows with the limit, never more children at once than allowed', async () => {
    const result = await runFanout({ children: 8, seconds: 0.2, runs: 2, warmup: 0 })
    expect(result.series.map((s) => s.id)).toEqual(['serial', 'parallel', 'limit-2', 'limit-4'])
    expect(result.comparisons.map((c) => [c.parallelism, c.ideal])).toEqual([[8, 8], [2, 2], [4, 4]])
    const speedupAt = (limit: number): number => result.data.limits.find((row) => row.limit === limit)!.speedup
    expect(result.data.limits.map((row) => row.limit)).toEqual([1, 2, 4, 8])
    expect(speedupAt(2)).toBeGreaterThan(1.4)
    expect(speedupAt(4)).toBeGreaterThan(speedupAt(2))
    expect(speedupAt(8)).toBeGreaterThan(speedupAt(2))
    for (const limit of [2, 4]) {
      const spans = result.timelines.find((t) => t.id === `limit-${limit}`)!.spans
      expect(spans).toHaveLength(8)
      for (const span of spans) {
        const alive = spans.filter((other) => other.startMs <= span.startMs && span.startMs < other.endMs).length
        expect(alive).toBeLessThanOrEqual(limit)
      }
    }
    // bounded by the longest child, not the sum
    expect(result.data.longestChildMs).toBeGreaterThanOrEqual(200)
    expect(result.data.sumOfChildrenMs).toBeGreaterThanOrEqual(8 * 200)
    expect(result.data.parallelWallMs).toBeLessThan(result.data.sumOfChildrenMs / 2)
    expect(result.data.boundSentence).toMatch(/bounded by the longest child, not the sum/)
    // the rounds, efficiencies and the sweep's sentence come with the result, from its own rows
    expect(result.data.limits.map((row) => row.rounds)).toEqual([8, 4, 2, 1])
    for (const row of result.data.limits) expect(row.efficiency).toBeCloseTo(row.speedup / row.ideal, 12)
    for (const c of result.comparisons) expect(c.efficiency).toBeCloseTo(c.summary.median / c.ideal, 12)
    const ofRounds = result.data.limits.filter((row) => row.limit > 1).map((row) => Math.round(row.efficiency! * 100))
    expect(result.data.sweepSentence).toContain('so the wall time falls with the number of rounds, ceil(8 ÷ N). Measured, the limits reached ')
    expect(result.data.sweepSentence).toContain(`reached ${Math.min(...ofRounds)}%–${Math.max(...ofRounds)}% of what their rounds allow`)
    // how much of the wall time was spawning, with the stagger of start times
    expect(result.data.spawnParallel.children).toBe(8)
    expect(result.data.spawnParallel.startStaggerMs).toBeGreaterThan(0)
    expect(result.data.spawnParallel.share).toBeGreaterThan(0)
    expect(result.data.spawnParallel.sentence).toMatch(/of the .* wall time/)
  })

  it('starts the children with the lab\'s own launcher (vfork from the app where the addon loads, else the spawner helpers), or with child_process.spawn when asked (launcher)', async () => {
    const params = { children: 4, seconds: 0.1, runs: 1, warmup: 0, sweep: false }
    const viaLab = newLab()
    const fromLab = await runResult<FanoutData>(viaLab, 'fanout', params)
    expect(fromLab.data.launcher).toBe('helpers')
    if (nativeAddon.addon) {
      // vfork copies nothing: no helper is started for it, and the app's thread made the calls
      expect(fromLab.data.launcherLabel).toBe("vfork from the app (the lab's addon)")
      expect(fromLab.data.helperCount).toBe(0)
      expect(viaLab.spawners.pids()).toEqual([])
      expect(fromLab.data.spawnParallel.sentence).toMatch(/^Starting the 4 children kept the app busy for/)
      expect(fromLab.data.startSentence).toMatch(/the app starts them one after another, with vfork/)
    } else {
      expect(fromLab.data.helperCount).toBe(viaLab.spawners.count)
      expect(viaLab.spawners.pids()).toHaveLength(viaLab.spawners.count)
      expect(fromLab.data.spawnParallel.sentence).toMatch(/spawner helper process(es)? started the 4 children, so the app's own thread never waited on a fork/)
    }
    const itself = newLab()
    const fromApp = await runResult<FanoutData>(itself, 'fanout', { ...params, launcher: 'app' })
    expect(fromApp.data.launcher).toBe('app')
    expect(fromApp.data.helperCount).toBe(0)
    expect(itself.spawners.pids()).toEqual([])
    expect(fromApp.data.spawnParallel.sentence).toMatch(/^Starting the 4 children kept the app busy for/)
    expect(fromApp.series[1]!.summary.median).toBeGreaterThanOrEqual(100)
  })

  it('compares every launcher in the same rounds: execa, Python\'s subprocess, the helpers and the app, each with its start cost', async () => {
    const lab = newLab()
    const result = await runResult<FanoutData>(lab, 'fanout', { children: 4, seconds: 0.1, runs: 2, warmup: 0, sweep: false, compareLaunchers: true })
    const python = result.machine.python.found
    const expected = python ? ['helpers', 'app', 'execa', 'python'] : ['helpers', 'app', 'execa']
    expect(result.data.launchers!.map((row) => row.launcher)).toEqual(expected)
    expect(result.series.map((s) => s.id)).toEqual(['serial', 'parallel', ...expected.slice(1).map((id) => `launcher-${id}`)])
    for (const row of result.data.launchers!) {
      // 4 × sleep 0.1 at once: at least the longest child, far below the sum
      expect(row.parallelWallMs).toBeGreaterThanOrEqual(100)
      expect(row.parallelWallMs).toBeLessThan(400)
      expect(row.startCostMs).toBeGreaterThan(0)
      expect(row.spawnCallMs).toBeGreaterThan(0)
      expect(row.spawnCallMs).toBeLessThanOrEqual(row.startCostMs + 0.5)
      expect(row.vsFastest).toBeGreaterThanOrEqual(0.9) // nobody is faster than the fastest, round by round (give or take a round)
      if (python) expect(row.vsPython).toBeGreaterThan(0)
    }
    // every launcher's timeline is the real children: each ran about 0.1 s
    for (const id of expected.slice(1)) {
      const spans = result.timelines.find((t) => t.id === `launcher-${id}`)!.spans
      expect(spans).toHaveLength(4)
      for (const span of spans) {
        expect(span.outcome, `${id}: ${span.detail}`).toBe('exited')
        // from asking to exit at least the sleep (the start of its own life is known only as well as each launcher reports it)
        expect(span.endMs - span.startMs, `${id}: a child's life from asking`).toBeGreaterThanOrEqual(100)
      }
    }
    expect(result.data.launcherSentence).toMatch(/^Started at once, 4 children took /)
    expect(result.data.launcherIdealMs!).toBeGreaterThanOrEqual(90)
    expect(result.data.launcherIdealMs!).toBeLessThan(Math.min(...result.data.launchers!.map((row) => row.parallelWallMs)) + 1)
    expect(result.data.launcherWhy).toMatch(/fork\(\)/)
    expect(labChildren(lab)).toEqual([])
  })

  it('starts children with Python\'s subprocess.Popen when asked, and reports its times on the lab\'s clock', async (context) => {
    const lab = newLab()
    const result = await runResult<FanoutData>(lab, 'fanout', { children: 3, seconds: 0.1, runs: 1, warmup: 0, sweep: false, launcher: 'python' }).catch((error: Error) => error)
    if (result instanceof Error) {
      // only where Python 3 is missing, and then with a sentence
      expect(result.message).toMatch(/Python 3 is not available/)
      return context.skip()
    }
    expect(result.data.launcher).toBe('python')
    expect(result.data.launcherLabel).toMatch(/^subprocess.Popen in Python 3\.\d+/)
    const spans = result.timelines.find((t) => t.id === 'parallel')!.spans
    // asked for, then running, then exited ~0.1 s later, in that order on the lab's clock
    for (const span of spans) {
      expect(span.runningMs!).toBeGreaterThanOrEqual(span.startMs)
      expect(span.endMs - span.runningMs!).toBeGreaterThanOrEqual(95)
      expect(span.endMs - span.runningMs!).toBeLessThan(1000)
    }
    expect(result.data.spawnParallel.sentence).toMatch(/^Python's launcher .* started the 3 children/)
    expect(labChildren(lab)).toEqual([])
  })

  it('leaves the sweep out when asked', async () => {
    const result = await runFanout({ children: 4, seconds: 0, runs: 1, warmup: 0, sweep: false })
    expect(result.series.map((s) => s.id)).toEqual(['serial', 'parallel'])
    expect(result.data.limits.map((row) => row.limit)).toEqual([1, 4])
  })

  it('refuses more than 1,000 children with a sentence', async () => {
    const reply = await dispatch(newLab().handlers, 'startRun', { experimentId: 'fanout', params: { children: 1001 } })
    expect(!reply.ok && reply.error.message).toBe('Invalid parameters for fanout: children must be a whole number from 1 to 1000; got 1001.')
  })

  it('works with the built-in portable sleep', async () => {
    const result = await runFanout({ children: 3, seconds: 0.1, runs: 1, warmup: 0, program: 'builtin' })
    expect(result.data.programSource).toBe('builtin')
    expect(result.series[1]!.summary.median).toBeGreaterThanOrEqual(100)
  })

  it('saves the finished result where the Results screen finds it', async () => {
    const lab = newLab()
    let runId = ''
    const finished = nextEvent(lab, 'runFinished', () => runId)
    runId = lab.runs.start('fanout', { children: 2, seconds: 0, runs: 1, warmup: 0 }).runId
    await finished
    const listed = await dispatch(lab.handlers, 'listResults', {})
    expect(listed.ok && (listed.value as { results: { runId: string }[] }).results.map((r) => r.runId)).toEqual([runId])
  })

  it('refuses invalid parameters with a sentence', async () => {
    const lab = newLab()
    const reply = await dispatch(lab.handlers, 'startRun', { experimentId: 'fanout', params: { children: 0 } })
    expect(reply.ok).toBe(false)
    if (!reply.ok) {
      expect(reply.error.code).toBe('invalid-params')
      expect(reply.error.message).toBe('Invalid parameters for fanout: children must be a whole number from 1 to 1000; got 0.')
    }
    const unknown = await dispatch(lab.handlers, 'startRun', { experimentId: 'fanout', params: { kids: 3 } })
    expect(!unknown.ok && unknown.error.message).toMatch(/unknown parameter "kids"/)
    const wrongExperiment = await dispatch(lab.handlers, 'startRun', { experimentId: 'nope' })
    expect(!wrongExperiment.ok && wrongExperiment.error.message).toMatch(/experimentId must be one of .*\bfanout\b/)
  })

  it('cancel stops the run at once and leaves no child alive', async () => {
    const lab = newLab()
    let runId = ''
    const failed = nextEvent(lab, 'runFailed', () => runId)
    runId = lab.runs.start('fanout', { children: 20, seconds: 30, runs: 1, warmup: 0 }).runId
    // wait until a child exists (serial goes first, so one child is alive): a few hundred ms, seconds on a busy machine
    for (let waited = 0; labChildren(lab).length === 0 && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50))
    expect(labChildren(lab).length).toBeGreaterThan(0)
    const cancelledAt = performance.now()
    expect(lab.runs.cancel(runId)).toBe(true)
    const failure = await failed
    expect(performance.now() - cancelledAt).toBeLessThan(3000)
    expect(failure.cancelled).toBe(true)
    expect(lab.runs.status(runId).state).toBe('cancelled')
    expect(labChildren(lab)).toEqual([])
  })

  it('reports a missing sleep program clearly when the system one is demanded', async () => {
    const savedPath = process.env.PATH
    process.env.PATH = '/nonexistent'
    try {
      const lab = newLab()
      let runId = ''
      const failed = nextEvent(lab, 'runFailed', () => runId)
      runId = lab.runs.start('fanout', { children: 1, seconds: 0, runs: 1, warmup: 0, program: 'system' }).runId
      const failure = await failed
      expect(failure.error.code).toBe('program-not-found')
      expect(failure.error.message).toMatch(/"sleep" was not found on PATH.*builtin/)
    } finally {
      process.env.PATH = savedPath
    }
  })
})
