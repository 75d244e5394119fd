import { describe, expect, it } from 'vitest'
import type { BlockingIoData } from '../../src/shared/experiments/threads'
import type { TimelineSpan } from '../../src/shared/model/result'
import { runResult, useLabs } from './helpers/run-experiment'

const newLab = useLabs()
const spansOf = (result: { timelines: { id: string; spans: TimelineSpan[] }[] }, id: string): TimelineSpan[] => result.timelines.find((t) => t.id === id)!.spans

describe('blocking-io experiment', () => {
  it('overlaps blocking calls on threads and async calls on one thread; serially they add up', async () => {
    const result = await runResult<BlockingIoData>(newLab(), 'blocking-io', { runtime: 'node', calls: 4, ms: 100, runs: 2, warmup: 0 })
    const median = (id: string): number => result.series.find((s) => s.id === id)!.summary.median
    expect(result.series.map((s) => s.id)).toEqual(['serial', 'threads-4', 'async'])
    // a real blocking call: serial cannot be shorter than 4 × 100 ms
    expect(median('serial')).toBeGreaterThanOrEqual(400)
    expect(median('threads-4')).toBeGreaterThanOrEqual(100)
    expect(median('threads-4')).toBeLessThan(0.6 * median('serial'))
    expect(median('async')).toBeGreaterThanOrEqual(99)
    expect(median('async')).toBeLessThan(0.6 * median('serial'))

    const serial = spansOf(result, 'serial')
    expect(serial).toHaveLength(4)
    for (let i = 1; i < serial.length; i++) expect(serial[i]!.startMs).toBeGreaterThanOrEqual(serial[i - 1]!.endMs - 0.5)
    for (const id of ['threads-4', 'async']) {
      const spans = spansOf(result, id)
      const firstEnd = Math.min(...spans.map((s) => s.endMs))
      expect(spans.every((s) => s.startMs < firstEnd)).toBe(true)
    }
    const data = result.data
    expect(data.serialIdealMs).toBe(400)
    expect(data.outcomes.find((o) => o.strategy === 'threads')!.overlap).toBeGreaterThan(2)
    expect(data.outcomes.find((o) => o.strategy === 'serial')!.overlap).toBeLessThan(1.05)
    expect(data.poolStartup!.workers).toBe(4)
    expect(data.eventLoopDelay.maxMs).toBeGreaterThanOrEqual(0)
    expect(result.comparisons.map((c) => c.candidateId)).toEqual(['threads-4', 'async'])
    expect(data.findings[0]).toMatch(/^One after another, 4 blocking calls of 100 ms took/)
    // who waited when: one thread waits call after call; four threads wait together, as do four timers on one thread
    const lanes = (id: string) => data.lanes!.find((f) => f.id === id)!
    expect(lanes('serial').lanes).toHaveLength(1)
    expect(lanes('serial').lanes[0]!.label).toMatch(/^thread \d+$/)
    expect(lanes('serial').overlapMs).toBe(0)
    for (const id of ['threads-4', 'async']) {
      expect(lanes(id).lanes).toHaveLength(4)
      expect(lanes(id).activity).toBe('waiting')
      // each waits about 100 ms, and they wait at once: two or more wait for most of the time any does
      expect(lanes(id).overlapShare!).toBeGreaterThan(0.5)
      expect(lanes(id).sentence).toMatch(/two or more calls were waiting at once/)
    }
  })
})
