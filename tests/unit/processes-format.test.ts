import { describe, expect, it } from 'vitest'
import type { CommandSweepRow } from '../../src/shared/experiments/command'
import type { FanoutLimitRow } from '../../src/shared/experiments/fanout'
import type { PipelineRow, PipelineStatus } from '../../src/shared/experiments/pipeline'
import type { TimeoutRunRow } from '../../src/shared/experiments/timeout'
import {
  argvText,
  capturePhaseRows,
  capturePhaseSegments,
  commandSweepSentence,
  countsAddUp,
  exitCodeEntries,
  exitFigure,
  fanoutRounds,
  fanoutRoundsBound,
  fanoutSweepSentence,
  formatThroughput,
  shortHash,
  streamSize,
  timeoutExplanation,
  timeoutSegments,
  visiblePipelineRows,
} from '../../src/renderer/src/experiments/processes-format'

describe('exitFigure', () => {
  it('says what an exit code or a signal means', () => {
    expect(exitFigure({ kind: 'exited', exitCode: 0, signal: null, pythonStatus: 0, sentence: '' })).toMatchObject({ value: '0', note: expect.stringContaining('success') })
    expect(exitFigure({ kind: 'exited', exitCode: 2, signal: null, pythonStatus: 2, sentence: '' })).toMatchObject({ label: 'Exit code', value: '2', note: expect.stringContaining('failure') })
    expect(exitFigure({ kind: 'timed-out', exitCode: null, signal: 'SIGTERM', pythonStatus: -15, sentence: '' })).toMatchObject({ label: 'Signal', value: 'SIGTERM', note: expect.stringContaining('timeout') })
    expect(exitFigure({ kind: 'not-started', exitCode: null, signal: null, pythonStatus: null, sentence: '' }).value).toBe('—')
  })
})

describe('capture phases', () => {
  const phases = { spawnRequestedMs: 0 as const, spawnReturnedMs: 3, runningMs: 3.2, exitedMs: 5, streamsClosedMs: 5.5 }

  it('lists the moments in time order with the gap to the one before', () => {
    const rows = capturePhaseRows(phases)
    expect(rows.map((r) => r.id)).toEqual(['requested', 'started', 'running', 'exited', 'closed'])
    expect(rows.map((r) => r.sinceMs)).toEqual([0, 3, expect.closeTo(0.2, 9), expect.closeTo(1.8, 9), 0.5])
  })

  it('puts a termination request where it happened, and leaves out what did not', () => {
    const rows = capturePhaseRows({ spawnRequestedMs: 0, spawnReturnedMs: 3, exitedMs: 105, streamsClosedMs: 106, terminationRequestedMs: 101 })
    expect(rows.map((r) => r.id)).toEqual(['requested', 'started', 'termination', 'exited', 'closed'])
  })

  it('cuts the life into shares that add up to the whole', () => {
    const segments = capturePhaseSegments(phases)
    expect(segments.map((s) => s.id)).toEqual(['spawning', 'running', 'draining'])
    expect(segments.reduce((sum, s) => sum + s.percent, 0)).toBeCloseTo(100, 9)
    expect(segments[0]!.percent).toBeCloseTo((3 / 5.5) * 100, 9)
  })
})

describe('streams and command lines', () => {
  it('says when a stream was cut', () => {
    expect(streamSize(21, false, 65536)).toBe('21 B')
    expect(streamSize(2 * 1024 * 1024, true, 65536)).toBe('2.0 MiB (the first 64.0 KiB kept, the rest counted)')
  })

  it('quotes words a shell would split or read', () => {
    expect(argvText(['echo', 'Hello from the child'])).toBe('echo "Hello from the child"')
    expect(argvText(['sh', '-c', "trap '' TERM; exec sleep 10"])).toBe(`sh -c "trap '' TERM; exec sleep 10"`)
    expect(argvText(['sh', '-c', `echo "$HOME" it's`])).toBe(`sh -c 'echo "$HOME" it'\\''s'`)
    expect(argvText(['openssl', '-S', '<salt>'])).toBe('openssl -S "<salt>"')
    expect(argvText(['openssl', 'enc', '-pass', 'env:PW', ''])).toBe("openssl enc -pass env:PW ''")
  })
})

describe('pipeline rows', () => {
  const row = (pipeline: number, status: PipelineStatus): PipelineRow => ({
    variant: 'parallel', trial: 0, pipeline, hashed: 'h', expected: 'e', status, parentReadBytes: 0, encryptEnd: '', hashEnd: '',
  })
  const rows = [row(1, 'verified'), row(2, 'empty-input'), row(3, 'verified'), row(4, 'mismatch'), row(5, 'empty-input')]

  it('shows all or only the problems, up to a limit', () => {
    expect(visiblePipelineRows(rows, 'all', 2)).toEqual({ rows: rows.slice(0, 2), matching: 5 })
    expect(visiblePipelineRows(rows, 'problems', undefined).rows.map((r) => r.pipeline)).toEqual([2, 4, 5])
    expect(visiblePipelineRows(rows, 'problems', 2).matching).toBe(3)
  })

  it('checks that the counts account for every pipeline', () => {
    expect(countsAddUp({ total: 5, verified: 2, emptyInput: 2, mismatch: 1, failed: 0 })).toBe(true)
    expect(countsAddUp({ total: 6, verified: 2, emptyInput: 2, mismatch: 1, failed: 0 })).toBe(false)
  })

  it('shortens hashes but keeps a missing one visible', () => {
    expect(shortHash('d41d8cd98f00b204e9800998ecf8427e')).toBe('d41d8cd98f00…')
    expect(shortHash(null)).toBe('no hash')
  })
})

describe('timeoutExplanation', () => {
  const run = (signal: string | null, forcedKill: boolean, sigtermAtMs: number | undefined, elapsedMs: number): TimeoutRunRow => ({
    run: 1, elapsedMs, overshootMs: elapsedMs - 100, sigtermAtMs, sigkillAtMs: forcedKill && sigtermAtMs ? sigtermAtMs + 500 : undefined, signal, exitCode: signal ? null : 0,
    pythonStatus: signal === 'SIGKILL' ? -9 : signal === 'SIGTERM' ? -15 : 0, forcedKill, reap: 'reaped', groupGone: true, sentence: '',
  })

  it('explains a SIGTERM: when the timer fired, how soon the child was gone, and its Python status', () => {
    const runs = [run('SIGTERM', false, 104, 105.5), run('SIGTERM', false, 103, 104.5), run('SIGTERM', false, 110, 112)]
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

  it('says so when the child ended before its timeout', () => {
    const text = timeoutExplanation({ signal: null, pythonStatus: 0, ignoresSigterm: false, timeoutMs: 1000, graceMs: 500, medianElapsedMs: 100, runs: [run(null, false, undefined, 100)] })
    expect(text).toContain('exited on its own with code 0 before its 1.00 s timeout')
  })
})

describe('command summaries', () => {
  it('counts exit codes, most frequent first, and marks clean exits', () => {
    expect(exitCodeEntries({ '1': 2, '0': 19, SIGTERM: 1 })).toEqual([
      { label: 'code 0', count: 19, ok: true, text: 'code 0: 19 runs' },
      { label: 'code 1', count: 2, ok: false, text: 'code 1: 2 runs' },
      { label: 'SIGTERM', count: 1, ok: false, text: 'SIGTERM: 1 run' },
    ])
  })

  it('formats throughput', () => {
    expect(formatThroughput(17.786)).toBe('17.8 runs/s')
    expect(formatThroughput(412.4)).toBe('412 runs/s')
    expect(formatThroughput(Number.NaN)).toBe('—')
  })

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
})

describe('fan-out rounds', () => {
  it('counts the rounds a limit needs and the best speedup they allow', () => {
    expect([1, 2, 4, 8, 10].map((limit) => fanoutRounds(10, limit))).toEqual([10, 5, 3, 2, 1])
    expect(fanoutRoundsBound(10, 8)).toBe(5)
    expect(fanoutRoundsBound(10, 4)).toBeCloseTo(10 / 3, 12)
    expect(fanoutRoundsBound(8, 4)).toBe(4)
  })
})

describe('fanoutSweepSentence', () => {
  const limitRow = (limit: number, speedup: number, seriesId = `limit-${limit}`): FanoutLimitRow => ({ limit, seriesId, medianMs: 1000 / speedup, speedup, ideal: limit })

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
    expect(fanoutSweepSentence([limitRow(1, 1, 'serial'), limitRow(4, 1.3, 'parallel')], 4, 0)).toContain('nothing to wait for')
  })
})

describe('timeoutSegments', () => {
  it('splits a child that was escalated into running, after SIGTERM and after SIGKILL, on a common scale', () => {
    const segments = timeoutSegments({ elapsedMs: 607, sigtermAtMs: 105, sigkillAtMs: 605 }, 1000)
    expect(segments.map((s) => [s.id, s.fromMs, s.toMs])).toEqual([
      ['running', 0, 105],
      ['after-sigterm', 105, 605],
      ['after-sigkill', 605, 607],
    ])
    expect(segments[1]!.leftPercent).toBeCloseTo(10.5, 9)
    expect(segments[1]!.widthPercent).toBeCloseTo(50, 9)
  })

  it('has no SIGKILL part when SIGTERM was enough, and only running when nothing was sent', () => {
    expect(timeoutSegments({ elapsedMs: 105, sigtermAtMs: 104 }, 200).map((s) => s.id)).toEqual(['running', 'after-sigterm'])
    expect(timeoutSegments({ elapsedMs: 50 }, 200).map((s) => s.id)).toEqual(['running'])
  })
})
