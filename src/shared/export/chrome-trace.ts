import { lanesOf, type LanesFigure } from '../experiments/worker-lanes'
import type { RunResult } from '../model/result'
import { msToUs, usToMs } from '../units'
import type { Exporter } from './exporter'

/** One event of the Chrome trace event format (the JSON that chrome://tracing and Perfetto open). */
export interface TraceEvent {
  name: string
  ph: 'X' | 'M'
  pid: number
  tid: number
  ts?: number
  dur?: number
  cat?: string
  args?: Record<string, unknown>
}

interface ChromeTrace {
  traceEvents: TraceEvent[]
  displayTimeUnit: 'ms'
  otherData: Record<string, string | number>
}

/** µs with ns precision, so the file does not carry float noise. */
const micros = (ms: number): number => Math.round(msToUs(ms) * 1000) / 1000

/** Worker lanes get pids from here on, clear of the timelines' 1, 2, …; each figure a block of its own. */
const LANES_PID_BASE = 1000
const PIDS_PER_FIGURE = 1000

/**
 * Each worker of a traced trial as a real track: worker threads of one process as threads (tid per
 * worker) of one pid; child processes each as a pid of their own. A turn is a complete event named
 * by what it worked on, so Perfetto shows the turns lane by lane.
 */
function laneEvents(figure: LanesFigure, index: number): TraceEvent[] {
  const events: TraceEvent[] = []
  const base = LANES_PID_BASE + index * PIDS_PER_FIGURE
  const ownProcesses = figure.lanes.length > 1 && new Set(figure.lanes.map((lane) => lane.pid)).size === figure.lanes.length
  const sortIndex = LANES_PID_BASE + index
  if (!ownProcesses) {
    events.push({ name: 'process_name', ph: 'M', pid: base, tid: 0, args: { name: `Who ran when: ${figure.title}` } })
    events.push({ name: 'process_sort_index', ph: 'M', pid: base, tid: 0, args: { sort_index: sortIndex } })
  }
  figure.lanes.forEach((lane, laneIndex) => {
    const pid = ownProcesses ? base + laneIndex + 1 : base
    const tid = ownProcesses ? 1 : laneIndex + 1
    if (ownProcesses) {
      events.push({ name: 'process_name', ph: 'M', pid, tid: 0, args: { name: `Who ran when: ${figure.title}: ${lane.label}` } })
      events.push({ name: 'process_sort_index', ph: 'M', pid, tid: 0, args: { sort_index: sortIndex } })
    }
    events.push({ name: 'thread_name', ph: 'M', pid, tid, args: { name: lane.label } })
    for (const turn of lane.turns) {
      if (!Number.isFinite(turn.startMs) || !Number.isFinite(turn.endMs)) continue
      events.push({ name: turn.detail, cat: figure.activity, ph: 'X', ts: micros(turn.startMs), dur: micros(Math.max(0, turn.endMs - turn.startMs)), pid, tid, args: { worker: lane.label } })
    }
  })
  return events
}

/**
 * Every timeline as a process (pid 1, 2, …) and every lane as a thread (tid = lane + 1), each
 * span a complete event (`ph: "X"`) named by its label; the time a child took to start running
 * is a nested "starting" slice. Times are from the start of the trial the timeline shows.
 */
function toChromeTrace(result: RunResult): ChromeTrace {
  const traceEvents: TraceEvent[] = []
  result.timelines.forEach((timeline, index) => {
    const pid = index + 1
    traceEvents.push({ name: 'process_name', ph: 'M', pid, tid: 0, args: { name: timeline.title } })
    traceEvents.push({ name: 'process_sort_index', ph: 'M', pid, tid: 0, args: { sort_index: index } })
    const lanes = [...new Set(timeline.spans.map((s) => s.lane))].sort((a, b) => a - b)
    for (const lane of lanes) traceEvents.push({ name: 'thread_name', ph: 'M', pid, tid: lane + 1, args: { name: `Lane ${lane + 1}` } })
    for (const span of timeline.spans) {
      if (!Number.isFinite(span.startMs) || !Number.isFinite(span.endMs)) continue // a span without its times cannot be placed
      const running = typeof span.runningMs === 'number' && Number.isFinite(span.runningMs) ? span.runningMs : undefined
      const args: Record<string, unknown> = { outcome: span.outcome }
      if (span.detail !== undefined) args.detail = span.detail
      if (running !== undefined) args.runningAfterMs = usToMs(micros(running - span.startMs))
      traceEvents.push({ name: span.label, cat: span.outcome, ph: 'X', ts: micros(span.startMs), dur: micros(Math.max(0, span.endMs - span.startMs)), pid, tid: span.lane + 1, args })
      if (running !== undefined && running > span.startMs) {
        traceEvents.push({ name: 'starting', cat: 'spawn', ph: 'X', ts: micros(span.startMs), dur: micros(Math.min(running, span.endMs) - span.startMs), pid, tid: span.lane + 1 })
      }
    }
  })
  lanesOf(result).forEach((figure, index) => traceEvents.push(...laneEvents(figure, index)))
  return {
    traceEvents,
    displayTimeUnit: 'ms',
    otherData: { runId: result.runId, experimentId: result.experimentId, name: result.name, startedAt: result.startedAt, schemaVersion: result.schemaVersion },
  }
}

/** Compact, one event per line: timelines of many children stay small and diff well. */
function exportChromeTrace(result: RunResult): string {
  const { traceEvents, ...rest } = toChromeTrace(result)
  const events = traceEvents.map((e) => JSON.stringify(e)).join(',\n')
  return `{"traceEvents":[\n${events}\n],\n${JSON.stringify(rest).slice(1, -1)}}\n`
}

export const chromeTraceExporter: Exporter = {
  id: 'trace',
  label: 'Timelines (Chrome trace, for Perfetto)',
  fileExtension: 'trace.json',
  mimeType: 'application/json',
  export: exportChromeTrace,
}
