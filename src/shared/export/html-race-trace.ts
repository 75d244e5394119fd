import type { RaceData } from '../experiments/race'
import type { RunResult } from '../model/result'
import { formatCount } from '../units'
import { escapeHtml } from './escape'
import { htmlTable } from './html-page'

/** Lost updates listed per traced variant, in the report: the first of the kept ones. */
const LINKS_IN_REPORT = 20

/** The traced trials of a race result: the engine's sentences (its check among them) and a table of the first lost updates. */
export function raceTraceHtml(result: Pick<RunResult, 'experimentId' | 'data'>): string {
  if (result.experimentId !== 'race') return ''
  const data = result.data as RaceData
  const traces = data.traces ?? []
  if (traces.length === 0 && (data.traceNotes ?? []).length === 0) return ''
  const parts = traces.map((trace) => {
    const sentences = `<ul>\n${trace.sentences.map((s) => `<li>${escapeHtml(s)}</li>`).join('\n')}\n</ul>`
    const links = trace.links.slice(0, LINKS_IN_REPORT)
    const table = links.length === 0
      ? ''
      : `\n<p class="muted">The first ${formatCount(links.length)} of ${formatCount(trace.lostUpdates)} lost updates: two increments that read the same value, so both wrote the same value and one write was overwritten.</p>\n${htmlTable(
          [{ title: 'Read', numeric: true }, { title: 'Wrote', numeric: true }, { title: 'One increment' }, { title: 'The other' }],
          links.map((l) => [formatCount(l.value), formatCount(l.value + 1), `worker ${l.first.worker + 1}, increment ${formatCount(l.first.index + 1)}`, `worker ${l.second.worker + 1}, increment ${formatCount(l.second.index + 1)}${l.crossWorker ? '' : ' (same worker)'}`]),
        )}`
    return `<h3>${escapeHtml(trace.label)}</h3>\n${sentences}${table}`
  })
  const notes = (data.traceNotes ?? []).map((note) => `<p class="muted">${escapeHtml(note)}</p>`)
  return [...parts, ...notes].join('\n')
}
