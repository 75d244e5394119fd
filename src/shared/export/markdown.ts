import { isScalingComparison, type RunResult } from '../model/result'
import { formatSeconds } from '../units'
import { escapeMarkdown, markdownCode } from './escape'
import type { Exporter } from './exporter'
import { explanationsOf } from './explanations'
import { experimentTitle, fixed, timesText, machineFacts, memoryText, paramsText, relativeToFastest } from './format'

/** hyperfine's --export-markdown table: Command | Mean [ms] | Min [ms] | Max [ms] | Relative. */
function seriesTableMarkdown(result: RunResult): string[] {
  if (result.series.length === 0) return []
  const relative = relativeToFastest(
    result.series.map((s) => s.summary.mean),
    result.series.map((s) => s.summary.sd),
  )
  return [
    '| Command | Mean [ms] | Min [ms] | Max [ms] | Relative |',
    '|:---|---:|---:|---:|---:|',
    ...result.series.map((s, i) => {
      const r = relative[i]!
      const rel = r.fastest ? '1.00' : `${fixed(r.ratio, 2)} ± ${fixed(r.sd, 2)}`
      return `| ${markdownCode(s.label)} | ${fixed(s.summary.mean)} ± ${fixed(s.summary.sd)} | ${fixed(s.summary.min)} | ${fixed(s.summary.max)} | ${rel} |`
    }),
  ]
}

function comparisonsMarkdown(result: RunResult): string[] {
  if (result.comparisons.length === 0) return []
  return [
    '## Speedups',
    '',
    'Paired run by run (each baseline run ÷ the candidate run of the same round), so a drift in the machine’s speed cancels out.',
    '',
    '| Comparison | Median | Mean ± σ | 95% interval | Ideal | Pairs |',
    '|:---|---:|---:|---:|---:|---:|',
    ...result.comparisons.map((c) => `| ${escapeMarkdown(c.label)} | ${timesText(c.summary.median)} | ${fixed(c.summary.mean, 2)} ± ${fixed(c.summary.sd, 2)} | ${fixed(c.summary.ci95[0], 2)}–${fixed(c.summary.ci95[1], 2)} | ${isScalingComparison(c, result.experimentId) ? timesText(c.ideal, 0) : '—'} | ${c.ratios.length} |`),
    '',
  ]
}

/** A run as Markdown: the hyperfine table, the speedups, the warnings, what the engine found, then what it ran on. */
function exportMarkdown(result: RunResult): string {
  const memory = memoryText(result)
  const explanations = explanationsOf(result)
  const lines = [
    `# ${escapeMarkdown(experimentTitle(result))}: ${escapeMarkdown(result.name)}`,
    '',
    escapeMarkdown(result.headline),
    '',
    ...seriesTableMarkdown(result),
    '',
    ...comparisonsMarkdown(result),
    ...(result.warnings.length > 0 ? ['## Warnings', '', ...result.warnings.map((w) => `- ${escapeMarkdown(w.message)}`), ''] : []),
    ...(explanations.length > 0 ? ['## What it shows', '', ...explanations.map((sentence) => `- ${escapeMarkdown(sentence)}`), ''] : []),
    '## Run',
    '',
    `- Experiment: ${escapeMarkdown(result.experimentId)}; run ${escapeMarkdown(result.runId)}, started ${result.startedAt}, ${formatSeconds(result.durationMs, 1)} in all`,
    `- Parameters: ${paramsText(result.params).map(markdownCode).join(', ') || 'none'}`,
    ...machineFacts(result.machine).map(([name, value]) => `- ${name}: ${escapeMarkdown(value)}`),
    ...(memory ? [`- Peak memory: ${escapeMarkdown(memory)}`] : []),
    '',
  ]
  return lines.join('\n')
}

export const markdownExporter: Exporter = {
  id: 'markdown',
  label: 'Table (Markdown)',
  fileExtension: 'md',
  mimeType: 'text/markdown',
  export: exportMarkdown,
}
