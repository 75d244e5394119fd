/** Display glue for the capture panel: the strip of the child's life, and stream sizes. */
import type { CapturePhases } from '../../../../shared/experiments/capture'
import { formatBytes } from '../../../../shared/units'

export interface PhaseSegment {
  id: 'spawning' | 'running' | 'draining'
  label: string
  fromMs: number
  toMs: number
  /** Share of the whole life, 0..100, for drawing. */
  percent: number
}

/** The child's life cut into spawning → running → draining the output, as shares of the whole. */
export function capturePhaseSegments(phases: CapturePhases): PhaseSegment[] {
  const total = Math.max(phases.streamsClosedMs, phases.exitedMs, phases.spawnReturnedMs)
  const parts: Omit<PhaseSegment, 'percent'>[] = [
    { id: 'spawning', label: 'spawning', fromMs: 0, toMs: phases.spawnReturnedMs },
    { id: 'running', label: 'running', fromMs: phases.spawnReturnedMs, toMs: Math.max(phases.spawnReturnedMs, phases.exitedMs) },
    { id: 'draining', label: 'last output', fromMs: Math.max(phases.spawnReturnedMs, phases.exitedMs), toMs: total },
  ]
  return parts.map((p) => ({ ...p, percent: total > 0 ? ((p.toMs - p.fromMs) / total) * 100 : 0 }))
}

/** "21 B", or "1.5 MiB (the first 64.0 KiB kept)". */
export function streamSize(bytes: number, truncated: boolean, keptBytes: number): string {
  return truncated ? `${formatBytes(bytes)} (the first ${formatBytes(keptBytes)} kept, the rest counted)` : formatBytes(bytes)
}
