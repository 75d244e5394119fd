import { describe, expect, it } from 'vitest'
import { chromeTraceExporter, type TraceEvent } from '../../src/shared/export/chrome-trace'
import { exportHtml } from '../../src/shared/export/html'
import type { FactorizeData } from '../../src/shared/experiments/threads'
import { lanesOf } from '../../src/shared/experiments/worker-lanes'
import { parseRunResult } from '../../src/shared/model/result-schema'
import type { RunResult } from '../../src/shared/model/result'
import { factorizeRunWithLanes } from './fixtures/lanes-result'
import { asRunOf, fixtureResult } from './fixtures/run-result'

/** The lanes in the exports: the HTML report's table, the Chrome trace's tracks, the result file's schema. */

describe('the lanes in the exports', () => {
  it('the Chrome trace carries each worker as a real track: threads as tids of one pid, child processes as pids of their own, turns as complete events', () => {
    const result = factorizeRunWithLanes()
    const trace = JSON.parse(chromeTraceExporter.export(result) as string) as { traceEvents: TraceEvent[] }
    const [threads, processes] = lanesOf(result)
    const threadNames = trace.traceEvents.filter((e) => e.name === 'thread_name')
    expect(threadNames.map((e) => e.args?.name)).toEqual([...threads!.lanes, ...processes!.lanes].map((lane) => lane.label))

    const threadTracks = threadNames.slice(0, 2)
    expect(new Set(threadTracks.map((e) => e.pid)).size).toBe(1)
    expect(threadTracks.map((e) => e.tid)).toEqual([1, 2])
    const processTracks = threadNames.slice(2)
    expect(new Set(processTracks.map((e) => e.pid)).size).toBe(2)
    expect(processTracks.every((e) => e.tid === 1 && e.pid !== threadTracks[0]!.pid)).toBe(true)
    const processNames = trace.traceEvents.filter((e) => e.name === 'process_name' && e.pid >= 1000).map((e) => e.args?.name)
    expect(processNames).toEqual(['Who ran when: 2 worker threads', 'Who ran when: 2 child processes: child process 1 (pid 501)', 'Who ran when: 2 child processes: child process 2 (pid 502)'])

    // every turn is one complete event on its worker's track, in µs from the trial's start
    threads!.lanes.forEach((lane, i) => {
      const events = trace.traceEvents.filter((e) => e.ph === 'X' && e.pid === threadTracks[i]!.pid && e.tid === threadTracks[i]!.tid)
      expect(events.map((e) => [e.name, e.ts, e.dur, e.cat])).toEqual(lane.turns.map((t) => [t.detail, t.startMs * 1000, (t.endMs - t.startMs) * 1000, 'computing']))
    })
    expect(threads!.lanes[1]!.turns.map((t) => [t.startMs, t.endMs])).toEqual([
      [10, 20],
      [25, 35],
    ])
  })

  it('the HTML report has a table of the overlap and turn figures, and each figure in words', () => {
    const result = factorizeRunWithLanes()
    const html = exportHtml(result)
    const section = html.slice(html.indexOf('<h2>Who ran when</h2>'), html.indexOf('</section>', html.indexOf('<h2>Who ran when</h2>')))
    expect(section).toContain('<td>2 worker threads</td><td class="num">2</td><td class="num">10.0 ms</td><td class="num">100% (20.0 ms)</td><td class="num">50%</td>')
    for (const figure of lanesOf(result)) expect(section).toContain(`<li>${figure.sentence}</li>`)
    // results saved before the lanes have no such section
    expect(exportHtml(asRunOf('factorize', fixtureResult()))).not.toContain('Who ran when')
  })

  it('a result with lanes passes the result schema, and one whose lanes are broken does not', () => {
    const result = factorizeRunWithLanes()
    expect(lanesOf(parseRunResult(JSON.stringify(result), 'lanes.json'))).toHaveLength(2)
    const broken = structuredClone(result) as RunResult<FactorizeData>
    ;(broken.data.lanes![0] as unknown as Record<string, unknown>).lanes = 'thread 1'
    expect(() => parseRunResult(JSON.stringify(broken), 'broken.json')).toThrow()
  })
})
