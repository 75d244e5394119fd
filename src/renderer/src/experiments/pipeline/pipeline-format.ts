/** Display glue for the pipeline panel: status labels, short hashes, and which rows to show. */
import type { PipelineRow, PipelineStatus } from '../../../../shared/experiments/pipeline'

export const PIPELINE_STATUS_LABEL: Record<PipelineStatus, string> = {
  verified: 'verified',
  'empty-input': 'empty input',
  mismatch: 'mismatch',
  failed: 'failed',
}

/** The start of a hash, enough to tell two apart at a glance. */
export const shortHash = (hash: string | null, length = 12): string => (hash === null ? 'no hash' : hash.length > length ? `${hash.slice(0, length)}…` : hash)

export type PipelineFilter = 'all' | 'problems'

/** The rows to show: all, or only the ones not verified; at most `limit` unless everything is asked for. */
export function visiblePipelineRows(rows: readonly PipelineRow[], filter: PipelineFilter, limit: number | undefined): { rows: PipelineRow[]; matching: number } {
  const matching = filter === 'all' ? [...rows] : rows.filter((r) => r.status !== 'verified')
  return { rows: limit === undefined ? matching : matching.slice(0, limit), matching: matching.length }
}
