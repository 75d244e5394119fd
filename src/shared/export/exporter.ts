import type { RunResult } from '../model/result'
import type { CompareOptions } from '../stats/compare'
import { fileNameStamp } from '../units'

/** A chart drawn by the renderer, handed to a report as a PNG (base64, without the data: prefix). */
export interface ChartImage {
  title: string
  pngBase64: string
}

export interface ExportOptions {
  /** Charts to embed (the HTML report); exporters that cannot hold images ignore them. */
  chartImages?: readonly ChartImage[]
}

export type ExportOutput = Uint8Array | string

/** One file format for one run: a pure function from a result to the file's bytes or text. */
export interface Exporter {
  id: 'json' | 'csv' | 'markdown' | 'trace' | 'html'
  /** What a button or --help calls it. */
  label: string
  /** Without the dot; may have two parts ("trace.json"). */
  fileExtension: string
  mimeType: string
  export(result: RunResult, options?: ExportOptions): ExportOutput
}

export type ComparisonExportOptions = ExportOptions & CompareOptions

/** One file format for a comparison of two or more runs of one experiment (the first is the baseline). */
export interface ComparisonExporter {
  id: 'comparison-markdown' | 'comparison-html'
  label: string
  fileExtension: string
  mimeType: string
  export(results: readonly RunResult[], options?: ComparisonExportOptions): ExportOutput
}

export const toBytes = (output: ExportOutput): Uint8Array => (typeof output === 'string' ? new TextEncoder().encode(output) : output)

/**
 * The name of every file exported from one run, its data and its charts alike, so that they carry
 * one stamp and sort together: "concurrency-lab-fanout-2026-11-27T10-15-00.csv",
 * "concurrency-lab-fanout-2026-11-27T10-15-00-speedup.png". `extension` has no dot and may have two
 * parts ("trace.json"); `part` names one chart of the run. Safe on every file system.
 */
export function exportFileName(result: Pick<RunResult, 'experimentId' | 'startedAt'>, extension: string, part = ''): string {
  return `${exportBaseName(result)}${part ? `-${part}` : ''}.${extension}`.replace(/[^0-9A-Za-z._-]/g, '-')
}

/** The start of every file exported from one run: "concurrency-lab-fanout-2026-11-27T10-15-00". */
function exportBaseName(result: Pick<RunResult, 'experimentId' | 'startedAt'>): string {
  return `concurrency-lab-${result.experimentId}-${fileNameStamp(result.startedAt)}`.replace(/[^0-9A-Za-z._-]/g, '-')
}
