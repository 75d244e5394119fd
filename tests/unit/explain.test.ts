import { describe, expect, it } from 'vitest'
import { captureMoments, endFigure, explainCapture } from '../../src/main/lab/experiments/explain/capture'
import { commandSweepSentence, explainCommand, measuredSentence, spawnShareVerdict } from '../../src/main/lab/experiments/explain/command'
import { explainFanout, fanoutRounds, fanoutRoundsBound, fanoutSweepSentence } from '../../src/main/lab/experiments/explain/fanout'
import { explainPipeline, pipelineHashName, pipelineSpeedupSentence } from '../../src/main/lab/experiments/explain/pipeline'
import { explainRace, lowestFound, racePythonSentence, slowdownSentence } from '../../src/main/lab/experiments/explain/race'
import { explainTimeout, medianSigtermAtMs, timeoutExplanation } from '../../src/main/lab/experiments/explain/timeout'
import { pythonRuntimeSentence } from '../../src/main/lab/experiments/threads-python'
import { trialRecord, variantData } from '../../src/main/lab/races/summarize'
import type { CommandSweepRow } from '../../src/shared/experiments/command'
import type { FanoutLimitRow } from '../../src/shared/experiments/fanout'
import type { SpawnAccount } from '../../src/shared/experiments/processes'
import type { TimeoutRunRow } from '../../src/shared/experiments/timeout'

/* The figures and sentences the engine derives from what a run measured, which the views only show. */

describe('fan-out', () => {
  const limitRow = (limit: number, speedup: number, seriesId = `limit-${limit}`): FanoutLimitRow => ({ limit, seriesId, medianMs: 1000 / speedup, speedup, ideal: fanoutRoundsBound(10, limit) })

  it('counts the rounds a limit needs and the best speedup they allow', () => {
    expect([1, 2, 4, 8, 10].map((limit) => fanoutRounds(10, limit))).toEqual([10, 5, 3, 2, 1])
    expect(fanoutRoundsBound(10, 8)).toBe(5)
    expect(fanoutRoundsBound(10, 4)).toBeCloseTo(10 / 3, 12)
    expect(fanoutRoundsBound(8, 4)).toBe(4)
  })

  it('explains the rounds an uneven limit needs, and how close each limit came to what its rounds allow', () => {
    const limits = [limitRow(1, 1, 'serial'), limitRow(2, 2), limitRow(4, 2.96), limitRow(8, 4.87), limitRow(10, 7.57, 'parallel')]
    const text = fanoutSweepSentence(limits, 10, 0.1)
    expect(text).toContain('ceil(10 ÷ N)')
    expect(text).toContain('With at most 4 at once, 10 children need 3 rounds of sleeps, so the best it can do is 3.33×, not 4.00×')
    // 2/2 = 100%, 2.96/3.33 = 89%, 4.87/5 = 97%, 7.57/10 = 76%
    expect(text).toContain('reached 76%–100% of what their rounds allow')
  })

  it('says nothing without a sweep, and speaks of spawning when children do not wait', () => {
    expect(fanoutSweepSentence([limitRow(1, 1, 'serial')], 10, 0.1)).toBe('')
    expect(fanoutSweepSentence([limitRow(1, 1, 'serial'), { ...limitRow(4, 1.3, 'parallel'), ideal: 4 }], 4, 0)).toContain('nothing to wait for')
  })

  it('gives every row its rounds and efficiency (the speedup over what the rounds allow)', () => {
    const { limits, sweepSentence } = explainFanout({ limits: [limitRow(1, 1, 'serial'), limitRow(4, 2.96), limitRow(10, 7.57, 'parallel')] }, { children: 10, seconds: 0.1 })
    expect(limits.map((row) => row.rounds)).toEqual([10, 3, 1])
    expect(limits[1]!.efficiency).toBeCloseTo(2.96 / (10 / 3), 12)
    expect(limits[2]!.efficiency).toBeCloseTo(0.757, 12)
    expect(sweepSentence).toContain('10 children need 3 rounds')
  })

  it('reads a speedup saved as null (a NaN) as not measured, not as 0', () => {
    const [row] = explainFanout({ limits: [{ ...limitRow(4, 2), speedup: null as unknown as number }] }, { children: 10, seconds: 0.1 }).limits
    expect(row!.efficiency).toBeNaN()
  })
})

describe('pipeline', () => {
  const spawn = (share: number): SpawnAccount => ({ children: 6, wallMs: 100, spawningMs: 100 * share, perChildMs: 1, startStaggerMs: 5, share, sentence: '' })

  it('names the hash stage as a reader knows it', () => {
    expect(pipelineHashName('system', 'md5', '/usr/bin/md5sum')).toBe('md5sum')
    expect(pipelineHashName('system', 'sha256', 'C:\\Windows\\shasum.exe')).toBe('shasum.exe')
    expect(pipelineHashName('builtin', 'sha256', '/usr/bin/node')).toBe('built-in sha256')
  })

  it('says why parallel was far from K× faster: spawning where it dominates, else the cores', () => {
    expect(pipelineSpeedupSentence({ speedup: 2.8, pipelines: 3, spawnShare: 0.9, logicalCores: 2 })).toBe('')
    expect(pipelineSpeedupSentence({ speedup: 1.01, pipelines: 10, spawnShare: 0.7, logicalCores: 2 })).toBe(
      'Why parallel was no faster than serial (1.01×), not 10× faster: each pipeline does little work, so most of the time is the app starting two children per pipeline, one spawn after another.',
    )
    expect(pipelineSpeedupSentence({ speedup: 1.8, pipelines: 10, spawnShare: 0.2, logicalCores: 2 })).toBe(
      'Why parallel is only 1.80× faster than serial, not 10×: 20 children share the 2 logical cores, so at most 2 of them compute at any moment.',
    )
  })

  it('derives both from a result: the speedup of its comparison, the cores of its machine', () => {
    const derived = explainPipeline({ hashProgramSource: 'system', hashAlgorithm: 'md5', hashArgv: ['/usr/bin/md5sum'], pipelines: 4, spawnParallel: spawn(0.1) }, { speedup: 1.5, logicalCores: 2 })
    expect(derived).toEqual({ hashName: 'md5sum', speedupSentence: expect.stringContaining('8 children share the 2 logical cores') })
  })
})

describe('timeout', () => {
  const run = (signal: string | null, forcedKill: boolean, sigtermAtMs: number | undefined, elapsedMs: number): TimeoutRunRow => ({
    run: 1, elapsedMs, overshootMs: elapsedMs - 100, sigtermAtMs, sigkillAtMs: forcedKill && sigtermAtMs ? sigtermAtMs + 500 : undefined, signal, exitCode: signal ? null : 0,
    pythonStatus: signal === 'SIGKILL' ? -9 : signal === 'SIGTERM' ? -15 : 0, forcedKill, reap: 'reaped', groupGone: true, sentence: '',
  })

  it('explains a SIGTERM: when the timer fired (the median over the children), how soon the child was gone, and its Python status', () => {
    const runs = [run('SIGTERM', false, 104, 105.5), run('SIGTERM', false, 103, 104.5), run('SIGTERM', false, 110, 112)]
    expect(medianSigtermAtMs(runs)).toBe(104)
    const text = timeoutExplanation({ signal: 'SIGTERM', pythonStatus: -15, ignoresSigterm: false, timeoutMs: 100, graceMs: 500, medianElapsedMs: 105.5, runs })
    expect(text).toContain("The app's 100 ms timer fired and it sent SIGTERM at 104 ms (median")
    expect(text).toContain('the child was gone 1.5 ms later')
    expect(text).toContain('here -15')
  })

  it('explains the escalation to SIGKILL after the grace period', () => {
    const text = timeoutExplanation({ signal: 'SIGKILL', pythonStatus: -9, ignoresSigterm: true, timeoutMs: 100, graceMs: 500, medianElapsedMs: 607, runs: [run('SIGKILL', true, 105, 607)] })
    expect(text).toContain('The child ignored it, so after the 500 ms grace period the app sent SIGKILL')
    expect(text).toContain('gone at 607 ms')
    expect(text).toContain('here -9')
  })

  it('says so when the child ended before its timeout, and keeps no SIGTERM time then', () => {
    const facts = { signal: null, pythonStatus: 0, ignoresSigterm: false, timeoutMs: 1000, graceMs: 500, medianElapsedMs: 100, runs: [run(null, false, undefined, 100)] }
    expect(timeoutExplanation(facts)).toContain('exited on its own with code 0 before its 1.00 s timeout')
    expect(explainTimeout(facts)).toEqual({ explanation: expect.stringContaining('exited on its own'), medianSigtermAtMs: undefined })
    expect('medianSigtermAtMs' in explainTimeout(facts)).toBe(false)
  })
})

describe('command', () => {
  const sweepRow = (copies: number, medianMs: number, speedup: number): CommandSweepRow => ({
    copies, seriesId: `copies-${copies}`, medianMs, speedup, ideal: copies, efficiency: speedup / copies, throughputPerSecond: (copies * 1000) / medianMs,
  })

  it('says a waiting command scales past the cores, a computing one does not', () => {
    const waiting = [sweepRow(1, 56, 1), sweepRow(2, 58, 1.9), sweepRow(4, 66, 3.4)]
    expect(commandSweepSentence(waiting, 2)).toContain('kept scaling past the 2 logical cores')
    expect(commandSweepSentence(waiting, 2)).toContain('3.40× the throughput (ideal 4.00×, efficiency 85%)')
    const computing = [sweepRow(1, 100, 1), sweepRow(2, 105, 1.9), sweepRow(4, 200, 2)]
    expect(commandSweepSentence(computing, 2)).toContain('Beyond 2 copies (the logical cores) the gain falls off (efficiency 95% at 2)')
    expect(commandSweepSentence([sweepRow(1, 56, 1)], 2)).toContain('No sweep')
  })

  it('says what the spawn share means, only at either end', () => {
    expect(spawnShareVerdict(0.6)).toMatch(/^Most of what is measured is starting the program/)
    expect(spawnShareVerdict(0.05)).toMatch(/^The command itself takes most of each run/)
    expect(spawnShareVerdict(0.3)).toBe('')
    expect(spawnShareVerdict(null as unknown as number)).toBe('')
  })

  it('says how it measured, with the time budget where there was one', () => {
    expect(measuredSentence({ measuredRuns: 10, warmupRuns: 1, budgetMs: 0 })).toBe('10 measured runs after 1 warm-up')
    expect(measuredSentence({ measuredRuns: 42, warmupRuns: 2, budgetMs: 5000 })).toBe('42 measured runs after 2 warm-up, measuring for at least 5.00 s')
    const derived = explainCommand({ sweep: [sweepRow(1, 56, 1)], logicalCores: 2, measuredRuns: 3, warmupRuns: 0, budgetMs: 0, spawnSingle: { spawnMsMedian: 3, wallMsMedian: 5, share: 0.6, sentence: 'Starting took 3 ms.' } })
    expect(derived.spawnSingle).toMatchObject({ sentence: 'Starting took 3 ms.', verdict: expect.stringMatching(/^Most of what/) })
  })
})

describe('capture', () => {
  it('says what an exit code or a signal means', () => {
    expect(endFigure({ kind: 'exited', exitCode: 0, signal: null, pythonStatus: 0, sentence: '' })).toMatchObject({ value: '0', note: expect.stringContaining('success') })
    expect(endFigure({ kind: 'exited', exitCode: 2, signal: null, pythonStatus: 2, sentence: '' })).toMatchObject({ label: 'Exit code', value: '2', note: expect.stringContaining('failure') })
    expect(endFigure({ kind: 'timed-out', exitCode: null, signal: 'SIGTERM', pythonStatus: -15, sentence: '' })).toMatchObject({ label: 'Signal', value: 'SIGTERM', note: expect.stringContaining('timeout') })
    expect(endFigure({ kind: 'not-started', exitCode: null, signal: null, pythonStatus: null, sentence: '' }).value).toBe('—')
  })

  it('lists the moments in time order with the gap to the one before', () => {
    const moments = captureMoments({ spawnRequestedMs: 0, spawnReturnedMs: 3, runningMs: 3.2, exitedMs: 5, streamsClosedMs: 5.5 })
    expect(moments.map((r) => r.id)).toEqual(['requested', 'started', 'running', 'exited', 'closed'])
    expect(moments.map((r) => r.sinceMs)).toEqual([0, 3, expect.closeTo(0.2, 9), expect.closeTo(1.8, 9), 0.5])
  })

  it('puts a termination request where it happened, and leaves out what did not', () => {
    const { moments } = explainCapture({ end: { kind: 'timed-out', exitCode: null, signal: 'SIGTERM', pythonStatus: -15, sentence: '' }, phases: { spawnRequestedMs: 0, spawnReturnedMs: 3, exitedMs: 105, streamsClosedMs: 106, terminationRequestedMs: 101 } })
    expect(moments.map((r) => r.id)).toEqual(['requested', 'started', 'termination', 'exited', 'closed'])
  })
})

describe('race', () => {
  const records = (founds: number[]) => founds.map((found, trial) => trialRecord(trial, 1000, found, 10, [{ startMs: 0, endMs: 10 }]))

  it('finds the lowest final count of any trial', () => {
    expect(lowestFound(variantData('node-unsynchronised', records([700, 1000, 400])))).toBe(400)
    expect(lowestFound({ foundValues: [] })).toBeNaN()
  })

  it('says what the locks cost, only where the mutex and the atomic add were both measured', () => {
    expect(slowdownSentence({ mutexVsAtomic: 2.6, pythonLockedVsUnlocked: 3.1 })).toBe('The mutex costs 2.60× the time of the atomic add; in Python the lock costs 3.10×.')
    expect(slowdownSentence({ mutexVsAtomic: 2.6 })).toBe('The mutex costs 2.60× the time of the atomic add.')
    expect(slowdownSentence({ pythonLockedVsUnlocked: 3.1 })).toBe('')
  })

  it('says which Python ran, only where it ran', () => {
    expect(racePythonSentence({ status: 'ran', version: '3.13.1', gilEnabled: false, switchIntervalMs: 5, interpreterStartupMs: 31 })).toBe(
      'Python 3.13.1 (free-threaded), switch interval 5 ms; the interpreter took 31.0 ms to start (not counted in any trial).',
    )
    const missing = explainRace({ variants: [], slowdowns: {}, python: { status: 'missing', reason: 'No Python 3.' } })
    expect(missing.python).toEqual({ status: 'missing', reason: 'No Python 3.' })
  })
})

describe('threads: the Python line', () => {
  it('says what the GIL lets its threads do, and what starting it cost', () => {
    expect(pythonRuntimeSentence({ ran: true, implementation: 'CPython', version: '3.12.3', gilEnabled: true, freeThreadedBuild: false, interpreterStartupMs: 31 })).toBe(
      'CPython 3.12.3, with the GIL: its threads take turns; the interpreter took 31.0 ms to start, not counted in any run.',
    )
    expect(pythonRuntimeSentence({ ran: true, version: '3.13.1', gilEnabled: false, freeThreadedBuild: true })).toMatch(/^Python 3\.13\.1, free-threaded with the GIL off: its threads can run in parallel;/)
  })
})
