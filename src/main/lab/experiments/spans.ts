import type { TimelineSpan } from '../../../shared/model/result'

const MAX_SPANS_PER_TIMELINE = 400

/**
 * Keeps a timeline drawable: beyond `maxSpans`, each lane's consecutive spans are merged
 * in groups of k (start of the first to end of the last), and the label says how many.
 */
export function compactSpans(spans: readonly TimelineSpan[], maxSpans = MAX_SPANS_PER_TIMELINE): TimelineSpan[] {
  if (spans.length <= maxSpans) return [...spans]
  const perGroup = Math.ceil(spans.length / maxSpans)
  const lanes = new Map<number, TimelineSpan[]>()
  for (const span of [...spans].sort((a, b) => a.startMs - b.startMs)) {
    const lane = lanes.get(span.lane) ?? []
    lane.push(span)
    lanes.set(span.lane, lane)
  }
  const merged: TimelineSpan[] = []
  for (const laneSpans of lanes.values()) {
    for (let i = 0; i < laneSpans.length; i += perGroup) {
      const group = laneSpans.slice(i, i + perGroup)
      const first = group[0]!
      merged.push({
        lane: first.lane,
        label: first.label,
        startMs: first.startMs,
        runningMs: first.runningMs,
        endMs: Math.max(...group.map((s) => s.endMs)),
        outcome: group.find((s) => s.outcome !== 'exited')?.outcome ?? 'exited',
        detail: group.length === 1 ? first.detail : `${group.length} tasks (${first.detail ?? first.label} … ${group.at(-1)!.detail ?? ''})`,
      })
    }
  }
  return merged
}
