import { lanesOf } from '../experiments/worker-lanes'
import { isScalingComparison, type RunResult, type Series } from '../model/result'
import { formatDurationMs, formatPercent } from '../units'
import { escapeHtml } from './escape'
import type { ExportOptions, Exporter } from './exporter'
import { explanationsOf } from './explanations'
import { experimentTitle, fixed, timesText, machineFacts, memoryText, relativeToFastest } from './format'
import { chartFigures, htmlDocument, htmlTable, section } from './html-page'
import { raceTraceHtml } from './html-race-trace'

function timesTable(result: RunResult): string {
  if (result.series.length === 0) return ''
  const relative = relativeToFastest(
    result.series.map((s) => s.summary.mean),
    result.series.map((s) => s.summary.sd),
  )
  return htmlTable(
    [{ title: 'Variant' }, { title: 'Runs', numeric: true }, { title: 'Median', numeric: true }, { title: 'Mean ± σ', numeric: true }, { title: '95% interval', numeric: true }, { title: 'Min – max', numeric: true }, { title: 'Relative', numeric: true }, { title: 'Outliers', numeric: true }],
    result.series.map((s, i) => {
      const r = relative[i]!
      return [
        s.label,
        String(s.summary.n),
        formatDurationMs(s.summary.median),
        `${formatDurationMs(s.summary.mean)} ± ${formatDurationMs(s.summary.sd)}`,
        `${formatDurationMs(s.summary.ci95[0])} – ${formatDurationMs(s.summary.ci95[1])}`,
        `${formatDurationMs(s.summary.min)} – ${formatDurationMs(s.summary.max)}`,
        r.fastest ? '1.00' : `${fixed(r.ratio, 2)} ± ${fixed(r.sd, 2)}`,
        s.summary.outliers.length > 0 ? s.summary.outliers.map((o) => `run ${(s.samples[o]?.trial ?? o) + 1}`).join(', ') : 'none',
      ]
    }),
  )
}

function speedupTable(result: RunResult): string {
  if (result.comparisons.length === 0) return ''
  const table = htmlTable(
    [{ title: 'Comparison' }, { title: 'Median', numeric: true }, { title: 'Mean ± σ', numeric: true }, { title: '95% interval', numeric: true }, { title: 'Ideal', numeric: true }, { title: 'Efficiency', numeric: true }, { title: 'Pairs', numeric: true }],
    result.comparisons.map((c) => [
      c.label,
      timesText(c.summary.median),
      `${fixed(c.summary.mean, 2)} ± ${fixed(c.summary.sd, 2)}`,
      `${fixed(c.summary.ci95[0], 2)} – ${fixed(c.summary.ci95[1], 2)}`,
      isScalingComparison(c, result.experimentId) ? timesText(c.ideal, 0) : '—',
      isScalingComparison(c, result.experimentId) && typeof c.efficiency === 'number' ? formatPercent(c.efficiency, 0) : '—',
      String(c.ratios.length),
    ]),
  )
  return `<p class="muted">Each baseline run divided by the candidate run of the same round, so a drift in the machine's speed cancels out. Efficiency is the speedup ÷ the ideal.</p>\n${table}`
}

function timelinesTable(result: RunResult): string {
  if (result.timelines.length === 0) return ''
  return htmlTable(
    [{ title: 'Timeline' }, { title: 'Spans', numeric: true }, { title: 'Lanes', numeric: true }, { title: 'Outcomes' }, { title: 'Ends at', numeric: true }],
    result.timelines.map((t) => {
      const outcomes = new Map<string, number>()
      for (const s of t.spans) outcomes.set(s.outcome, (outcomes.get(s.outcome) ?? 0) + 1)
      return [
        t.title,
        String(t.spans.length),
        String(new Set(t.spans.map((s) => s.lane)).size),
        [...outcomes].map(([outcome, count]) => `${count} ${outcome}`).join(', ') || '—',
        formatDurationMs(t.spans.reduce((end, s) => Math.max(end, s.endMs), 0)),
      ]
    }),
  )
}

function lanesTable(result: RunResult): string {
  const lanes = lanesOf(result)
  if (lanes.length === 0) return ''
  const pct = (share: number | null): string => (share === null ? '—' : formatPercent(share))
  const table = htmlTable(
    [{ title: 'Variant' }, { title: 'Lanes', numeric: true }, { title: 'Work began apart', numeric: true }, { title: 'Parallel overlap', numeric: true }, { title: 'Of the busy time', numeric: true }, { title: 'Median turn', numeric: true }, { title: 'Switch interval', numeric: true }, { title: 'Cost of the stamps', numeric: true }],
    lanes.map((f) => [
      f.title,
      String(f.lanes.length),
      f.startSpreadMs === undefined ? '—' : formatDurationMs(f.startSpreadMs),
      `${pct(f.overlapOfPossible)} (${formatDurationMs(f.overlapMs)})`,
      pct(f.overlapShare),
      f.medianTurnMs === null ? '—' : formatDurationMs(f.medianTurnMs),
      f.switchIntervalMs === undefined ? '—' : formatDurationMs(f.switchIntervalMs),
      f.stampCost ? formatPercent(f.stampCost.shareOfWork) : '—',
    ]),
  )
  const sentences = `<ul>\n${lanes.map((f) => `<li>${escapeHtml(f.sentence)}</li>`).join('\n')}\n</ul>`
  return `<p class="muted">Parallel overlap: the time when two or more workers were active at once, against the most their active times allow (for two, the shorter one's time). Work began apart: how far apart the workers' first turns began (a child process first starts its own runtime).</p>\n${table}\n${sentences}`
}

function samplesDetails(series: Series): string {
  const rows = [...series.warmupSamples.map((s) => ({ s, warmup: true })), ...series.samples.map((s) => ({ s, warmup: false }))].map(({ s, warmup }) => [
    String(s.trial + 1),
    warmup ? 'warm-up' : 'measured',
    Number.isFinite(s.startedAtMs) ? new Date(s.startedAtMs).toISOString() : '—',
    `${fixed(s.valueMs, 3)} ms`,
  ])
  const table = htmlTable([{ title: 'Run', numeric: true }, { title: 'Kind' }, { title: 'Started' }, { title: 'Time', numeric: true }], rows)
  return `<details><summary>${escapeHtml(series.label)}: ${rows.length} samples</summary>\n${table}\n</details>`
}

/** "Races, 29/11/2026" as the run is named, not "Races: Races, 29/11/2026"; a name of the user's own gets the experiment in front. */
export function reportTitle(result: Pick<RunResult, 'experimentId' | 'name'>): string {
  const experiment = experimentTitle(result)
  return result.name.startsWith(experiment) ? result.name : `${experiment}: ${result.name}`
}

/**
 * A self-contained report of one run: no scripts, nothing fetched, every text escaped. Charts
 * come from the caller as PNGs (the page draws them, the command line draws them headless).
 */
export function exportHtml(result: RunResult, options: ExportOptions = {}): string {
  return htmlDocument(reportTitle(result), resultReportBody(result, options))
}

/** The report of one run without its page around it: a page of its own, or an appendix of a chapter report. */
export function resultReportBody(result: RunResult, options: ExportOptions = {}): string {
  const title = reportTitle(result)
  const memory = memoryText(result)
  const explanations = explanationsOf(result)
  const params = Object.entries(result.params).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)])
  const body = [
    `<header>\n<h1>${escapeHtml(title)}</h1>\n<p class="headline">${escapeHtml(result.headline)}</p>\n<p class="muted">Run ${escapeHtml(result.runId)} · started ${escapeHtml(result.startedAt)} · ${escapeHtml(formatDurationMs(result.durationMs))} in all</p>\n</header>`,
    section('Warnings', result.warnings.length > 0 ? `<ul class="warnings">\n${result.warnings.map((w) => `<li>${escapeHtml(w.message)}</li>`).join('\n')}\n</ul>` : ''),
    section('What it shows', explanations.length > 0 ? `<ul>\n${explanations.map((sentence) => `<li>${escapeHtml(sentence)}</li>`).join('\n')}\n</ul>` : ''),
    section('Lost updates, one by one', raceTraceHtml(result)),
    chartFigures(options.chartImages),
    section('Times', timesTable(result)),
    section('Speedups', speedupTable(result)),
    section('Who ran when', lanesTable(result)),
    section('Timelines', timelinesTable(result)),
    section('Parameters', params.length > 0 ? htmlTable([{ title: 'Parameter' }, { title: 'Value' }], params) : '<p>None.</p>'),
    section('Machine', `${htmlTable([{ title: 'Fact' }, { title: 'Value' }], machineFacts(result.machine))}${memory ? `\n<p>Peak memory: ${escapeHtml(memory)}.</p>` : ''}`),
    section('Raw samples', result.series.map(samplesDetails).join('\n')),
    `<footer>Concurrency Lab · experiment ${escapeHtml(result.experimentId)} · result schema ${result.schemaVersion}</footer>`,
  ]
  return body.filter(Boolean).join('\n')
}

export const htmlExporter: Exporter = {
  id: 'html',
  label: 'Report (HTML)',
  fileExtension: 'html',
  mimeType: 'text/html',
  export: exportHtml,
}
