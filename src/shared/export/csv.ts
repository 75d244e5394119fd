import type { RunResult, Sample, Series } from '../model/result'
import { csvField } from './escape'
import type { Exporter } from './exporter'

export const CSV_COLUMNS = ['run_id', 'experiment', 'series_id', 'series_label', 'trial', 'warmup', 'started_at', 'value_ms'] as const

function rowOf(result: RunResult, series: Series, sample: Sample, warmup: boolean): string {
  const startedAt = Number.isFinite(sample.startedAtMs) ? new Date(sample.startedAtMs).toISOString() : ''
  const valueMs = Number.isFinite(sample.valueMs) ? sample.valueMs : ''
  return [result.runId, result.experimentId, series.id, series.label, sample.trial, warmup, startedAt, valueMs].map(csvField).join(',')
}

/** One row per raw sample, warm-up runs included and marked, in RFC 4180 CSV (CRLF line ends). */
function exportCsv(result: RunResult): string {
  const rows = [CSV_COLUMNS.join(',')]
  for (const series of result.series) {
    for (const sample of series.warmupSamples) rows.push(rowOf(result, series, sample, true))
    for (const sample of series.samples) rows.push(rowOf(result, series, sample, false))
  }
  return `${rows.join('\r\n')}\r\n`
}

export const csvExporter: Exporter = {
  id: 'csv',
  label: 'Samples (CSV)',
  fileExtension: 'csv',
  mimeType: 'text/csv',
  export: exportCsv,
}
