/** Display glue for the timeout panel: labels, and each child's life drawn as a strip. */
import type { ReapState, TimeoutRunRow } from '../../../../shared/experiments/timeout'
import { formatDurationMs } from '../../../../shared/units'

export const optionalMs = (ms: number | undefined): string => (ms === undefined ? '—' : formatDurationMs(ms))

export const REAP_LABEL: Record<ReapState, string> = {
  reaped: 'reaped',
  zombie: 'zombie',
  alive: 'still alive',
  unknown: 'unknown',
}

export const groupGoneText = (gone: boolean | null): string => (gone === null ? 'n/a' : gone ? 'gone' : 'left behind')

export interface TimeoutSegment {
  id: 'running' | 'after-sigterm' | 'after-sigkill'
  label: string
  fromMs: number
  toMs: number
  /** Left edge and width as shares of `scaleMs`, 0..100. */
  leftPercent: number
  widthPercent: number
}

/** One timed-out child's life on a common scale: running until SIGTERM, then until SIGKILL, then until it was gone. */
export function timeoutSegments(run: Pick<TimeoutRunRow, 'elapsedMs' | 'sigtermAtMs' | 'sigkillAtMs'>, scaleMs: number): TimeoutSegment[] {
  const end = run.elapsedMs
  const term = Math.min(run.sigtermAtMs ?? end, end)
  const kill = Math.min(run.sigkillAtMs ?? end, end)
  const percent = (ms: number): number => (scaleMs > 0 ? (ms / scaleMs) * 100 : 0)
  const parts: Omit<TimeoutSegment, 'leftPercent' | 'widthPercent'>[] = [
    { id: 'running', label: 'running', fromMs: 0, toMs: term },
    { id: 'after-sigterm', label: 'after SIGTERM', fromMs: term, toMs: kill },
    { id: 'after-sigkill', label: 'after SIGKILL', fromMs: kill, toMs: end },
  ]
  return parts.filter((p) => p.toMs > p.fromMs).map((p) => ({ ...p, leftPercent: percent(p.fromMs), widthPercent: percent(p.toMs - p.fromMs) }))
}
