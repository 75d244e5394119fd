import { describe, expect, it } from 'vitest'
import type { PipelineRow, PipelineStatus } from '../../src/shared/experiments/pipeline'
import { capturePhaseSegments, streamSize } from '../../src/renderer/src/experiments/capture/capture-format'
import { exitCodeEntries, formatThroughput } from '../../src/renderer/src/experiments/command/command-format'
import { shortHash, visiblePipelineRows } from '../../src/renderer/src/experiments/pipeline/pipeline-format'
import { argvText } from '../../src/renderer/src/experiments/processes-text'
import { timeoutSegments } from '../../src/renderer/src/experiments/timeout/timeout-format'

/* What the Processes panels still do themselves: draw, label, filter and format what the result holds. */

describe('capture phases', () => {
  it('cuts the life into shares that add up to the whole', () => {
    const segments = capturePhaseSegments({ spawnRequestedMs: 0, spawnReturnedMs: 3, runningMs: 3.2, exitedMs: 5, streamsClosedMs: 5.5 })
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

  it('shortens hashes but keeps a missing one visible', () => {
    expect(shortHash('d41d8cd98f00b204e9800998ecf8427e')).toBe('d41d8cd98f00…')
    expect(shortHash(null)).toBe('no hash')
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
