import { describe, expect, it } from 'vitest'
import { escapeHtml } from '../../src/shared/export/escape'
import { exportHtml } from '../../src/shared/export/html'
import type { RaceData, RaceVariantTrace } from '../../src/shared/experiments/race'
import { analyzeRaceTrace } from '../../src/shared/experiments/race-trace'
import { resultDataSchemas } from '../../src/shared/model/result-data-schema'
import { completeSavedResult } from '../../src/main/lab/store/complete-result'
import { asRunOf, fixtureResult } from './fixtures/run-result'

const worker = (...reads: number[]): { reads: number[]; writes: number[] } => ({ reads, writes: reads.map((r) => r + 1) })
const trace = (variantId: RaceVariantTrace['variantId'], label: string, mustBeExact: boolean, found: number, workers: { reads: number[]; writes: number[] }[]): RaceVariantTrace => ({
  variantId,
  ...analyzeRaceTrace({ label, mustBeExact, found, workers }),
})

describe('traces in the saved result and the HTML report', () => {
  const saved = completeSavedResult(asRunOf('race', fixtureResult()))
  const data = saved.data as RaceData

  it('a result saved before traces still validates and its report has no trace section', () => {
    expect(data.traces).toBeUndefined()
    expect(resultDataSchemas.race.safeParse(data).success).toBe(true)
    expect(exportHtml(saved)).not.toContain('Lost updates, one by one')
  })

  it('the report lists each trace\'s sentences, the mutex check among them, and a table of its lost updates', () => {
    const traces = [
      trace('node-unsynchronised', 'Node: unsynchronised', false, 4, [worker(0, 1, 2), worker(1, 3)]),
      trace('node-mutex', 'Node: mutex', true, 4, [worker(0, 2), worker(1, 3)]),
    ]
    const withTraces = { ...saved, data: { ...data, traces, traceNotes: ['No Python trace: Python 3 was not found on this machine, so only the Node traces were taken.'] } }
    expect(resultDataSchemas.race.safeParse(withTraces.data).success).toBe(true)
    const html = exportHtml(withTraces)
    expect(html).toContain('<h2>Lost updates, one by one</h2>')
    for (const sentence of traces.flatMap((t) => t.sentences)) expect(html).toContain(`<li>${escapeHtml(sentence)}</li>`)
    expect(html).toMatch(/Check passed: no two of the 4 traced increments read the same value/)
    expect(html).toContain('<td class="num">1</td><td class="num">2</td><td>worker 1, increment 2</td><td>worker 2, increment 1</td>')
    expect(html).toContain('No Python trace: Python 3 was not found')
  })

  it('the schema refuses a trace that keeps more than it may', () => {
    const big = trace('node-unsynchronised', 'Node: unsynchronised', false, 2000, [worker(...Array.from({ length: 1000 }, (_, k) => 2 * k)), worker(...Array.from({ length: 1000 }, (_, k) => 2 * k + 1))])
    const overfull = { ...big, lanes: big.lanes.map((l) => ({ ...l, reads: [...l.reads, ...l.reads], writes: [...l.writes, ...l.writes] })) }
    expect(resultDataSchemas.race.safeParse({ ...data, traces: [big] }).success).toBe(true)
    expect(resultDataSchemas.race.safeParse({ ...data, traces: [overfull] }).success).toBe(false)
  })
})
