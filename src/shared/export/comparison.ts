import type { RunResult } from '../model/result'
import { compareRuns, describeMachine, formatP, type RunsComparison, type SeriesChange } from '../stats/compare'
import { formatDurationMs, formatPercent, formatSignedPercent } from '../units'
import { escapeHtml, escapeMarkdown } from './escape'
import type { ComparisonExporter, ComparisonExportOptions } from './exporter'
import { experimentTitle, fixed, paramsText } from './format'
import { chartFigures, htmlDocument, htmlTable, section } from './html-page'

const pText = (change: SeriesChange): string => (change.test ? formatP(change.test.p).replace(/^p (= )?/, '') : '—')
const criteria = (c: RunsComparison): string => `A change counts when Welch's t-test gives p < ${c.alpha} and the means differ by at least ${formatPercent(c.noiseThreshold, 0)} (the noise threshold).`

/** The verdicts as plain lines, for a terminal. */
export function comparisonText(comparison: RunsComparison): string {
  const lines = [`Baseline: ${comparison.baseline.name} (${comparison.baseline.runId}, ${comparison.baseline.startedAt})`, criteria(comparison)]
  for (const candidate of comparison.candidates) {
    lines.push('', `${candidate.run.name} (${candidate.run.runId}, ${candidate.run.startedAt}):`)
    for (const note of candidate.notes) lines.push(`  Note: ${note}`)
    const width = Math.max(...candidate.changes.map((c) => c.label.length), 0)
    for (const change of candidate.changes) lines.push(`  ${change.label.padEnd(width)}  ${change.verdict}`, `  ${' '.repeat(width)}  ${change.explanation}`)
    if (candidate.unmatched.length > 0) lines.push(`  Not in both runs, so not compared: ${candidate.unmatched.join(', ')}.`)
  }
  return `${lines.join('\n')}\n`
}

export function exportComparisonMarkdown(results: readonly RunResult[], options: ComparisonExportOptions = {}): string {
  const comparison = compareRuns(results, options)
  const lines = [
    `# Comparison: ${escapeMarkdown(experimentTitle(results[0]!))}, ${results.length} runs`,
    '',
    `Baseline: ${escapeMarkdown(comparison.baseline.name)} (run ${escapeMarkdown(comparison.baseline.runId)}, ${comparison.baseline.startedAt}) on ${escapeMarkdown(comparison.baseline.machine)}.`,
    '',
    escapeMarkdown(criteria(comparison)),
  ]
  for (const candidate of comparison.candidates) {
    lines.push('', `## ${escapeMarkdown(candidate.run.name)}`, '', `Run ${escapeMarkdown(candidate.run.runId)}, ${candidate.run.startedAt}, on ${escapeMarkdown(candidate.run.machine)}.`, '')
    for (const note of candidate.notes) lines.push(`- ${escapeMarkdown(note)}`)
    if (candidate.notes.length > 0) lines.push('')
    lines.push(
      '| Series | Baseline mean [ms] | Mean [ms] | Change | Verdict | p |',
      '|:---|---:|---:|---:|:---|---:|',
      ...candidate.changes.map((c) => `| ${escapeMarkdown(c.label)} | ${fixed(c.baseline.meanMs)} ± ${fixed(c.baseline.sdMs)} | ${fixed(c.candidate.meanMs)} ± ${fixed(c.candidate.sdMs)} | ${formatSignedPercent(c.relativeChange)} | ${escapeMarkdown(c.verdict)} | ${escapeMarkdown(pText(c))} |`),
    )
    if (candidate.unmatched.length > 0) lines.push('', `Not in both runs, so not compared: ${escapeMarkdown(candidate.unmatched.join(', '))}.`)
  }
  return `${lines.join('\n')}\n`
}

export function exportComparisonHtml(results: readonly RunResult[], options: ComparisonExportOptions = {}): string {
  const comparison = compareRuns(results, options)
  const title = `Comparison: ${experimentTitle(results[0]!)}, ${results.length} runs`
  const runs = htmlTable(
    [{ title: 'Run' }, { title: 'Started' }, { title: 'Machine' }, { title: 'Parameters' }],
    results.map((r, i) => [`${i === 0 ? 'Baseline: ' : ''}${r.name}`, r.startedAt, describeMachine(r.machine), paramsText(r.params).join(', ')]),
  )
  const candidates = comparison.candidates.map((candidate) => {
    const notes = candidate.notes.length > 0 ? `<ul>\n${candidate.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('\n')}\n</ul>\n` : ''
    const table = htmlTable(
      [{ title: 'Series' }, { title: 'Baseline', numeric: true }, { title: 'This run', numeric: true }, { title: 'Change', numeric: true }, { title: 'Verdict' }, { title: 'p', numeric: true }],
      candidate.changes.map((c) => [
        c.label,
        `${formatDurationMs(c.baseline.meanMs)} ± ${formatDurationMs(c.baseline.sdMs)} (n = ${c.baseline.n})`,
        `${formatDurationMs(c.candidate.meanMs)} ± ${formatDurationMs(c.candidate.sdMs)} (n = ${c.candidate.n})`,
        formatSignedPercent(c.relativeChange),
        { html: `<span class="${c.significant ? `significant-${c.direction}` : ''}">${escapeHtml(c.verdict)}</span><br><span class="muted">${escapeHtml(c.explanation)}</span>` },
        pText(c),
      ]),
    )
    const unmatched = candidate.unmatched.length > 0 ? `\n<p class="muted">Not in both runs, so not compared: ${escapeHtml(candidate.unmatched.join(', '))}.</p>` : ''
    return `<h3>${escapeHtml(candidate.run.name)}</h3>\n${notes}${table}${unmatched}`
  })
  const body = [
    `<header>\n<h1>${escapeHtml(title)}</h1>\n<p class="muted">${escapeHtml(criteria(comparison))}</p>\n</header>`,
    section('Runs', runs),
    chartFigures(options.chartImages),
    section('Against the baseline', candidates.join('\n')),
    `<footer>Concurrency Lab · experiment ${escapeHtml(comparison.experimentId)}</footer>`,
  ]
  return htmlDocument(title, body.filter(Boolean).join('\n'))
}

export const comparisonMarkdownExporter: ComparisonExporter = {
  id: 'comparison-markdown',
  label: 'Comparison (Markdown)',
  fileExtension: 'md',
  mimeType: 'text/markdown',
  export: exportComparisonMarkdown,
}

export const comparisonHtmlExporter: ComparisonExporter = {
  id: 'comparison-html',
  label: 'Comparison report (HTML)',
  fileExtension: 'html',
  mimeType: 'text/html',
  export: exportComparisonHtml,
}
