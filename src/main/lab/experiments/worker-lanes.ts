import { median } from 'simple-statistics'
import type { LaneTurn, LanesFigure, StampCost, WorkerLane } from '../../../shared/experiments/worker-lanes'
import { formatCount, formatDurationMs, formatPercent } from '../../../shared/units'

/**
 * From the slices the workers of one traced trial stamped to the figures of lanes.ts: each
 * worker's turns, the time two or more ran at once, the median turn, and what is impossible.
 */

/** One slice a worker stamped, on the machine's monotonic clock (ms). */
export interface WorkSlice {
  startMs: number
  endMs: number
  /** The CPU time its thread used during the slice, where the runtime can read it (Python's thread_time). */
  cpuMs?: number
  /** What it worked on (a number, a call). */
  task: string
}

export interface TracedLane {
  label: string
  pid?: number
  threadId?: number
  slices: WorkSlice[]
}

/** What one traced trial recorded, before anything is computed from it. */
export interface TracedTrial {
  id: string
  runtime: LanesFigure['runtime']
  strategy: string
  workers: number
  title: string
  activity: LanesFigure['activity']
  /** The trial's start and end on the same monotonic clock as the slices. */
  startedAtMs: number
  finishedAtMs: number
  lanes: TracedLane[]
  /** What one stamp costs, calibrated in the workers (absent for blocking calls, which stamp nothing extra). */
  perStampNs?: number
  stamps?: number
  switchIntervalMs?: number
}

/** Within a slice, waiting longer than this (and than PAUSE_SHARE of it) means its worker was paused. */
const PAUSE_MS = 0.02
const PAUSE_SHARE = 0.03
/** A slice of a fixed amount of work this many times the worker's median slice was paused inside. */
const PAUSED_LENGTH_FACTOR = 2
/** The clocks' agreement and the stamps' own duration: overlaps or offsets below this are not evidence. */
export const CLOCK_TOLERANCE_MS = 0.05
/** The most tasks a turn's detail names before it says how many. */
const TASKS_NAMED = 3

const durationOf = (s: { startMs: number; endMs: number }): number => s.endMs - s.startMs

/**
 * A slice its worker was paused inside (descheduled, or waiting for the GIL): its thread used
 * clearly less CPU than the wall time, or, where CPU time is not known, it took much longer than
 * the worker's median slice of the same work. Where in it the worker ran is unknown, so it counts as a gap.
 */
export function pausedSlices(slices: readonly WorkSlice[]): Set<WorkSlice> {
  const typicalMs = slices.length > 0 ? median(slices.map(durationOf)) : 0
  return new Set(
    slices.filter((s) => {
      const wallMs = durationOf(s)
      if (s.cpuMs !== undefined) return wallMs - s.cpuMs > Math.max(PAUSE_MS, PAUSE_SHARE * wallMs)
      return wallMs > PAUSED_LENGTH_FACTOR * typicalMs + PAUSE_MS
    }),
  )
}

function describeTasks(tasks: readonly string[]): string {
  if (tasks.length <= TASKS_NAMED) return tasks.join(', ')
  return `${tasks.length} tasks: ${tasks[0]} … ${tasks.at(-1)}`
}

/**
 * A worker's turns: consecutive slices it was not paused in and that share a boundary stamp,
 * joined; times relative to `originMs`. Any gap ends a turn, however short: another worker's
 * slice (a few µs, at the end of a number) may fit in it.
 */
export function turnsOf(slices: readonly WorkSlice[], originMs: number, options: { detectPauses: boolean }): LaneTurn[] {
  const sorted = [...slices].sort((a, b) => a.startMs - b.startMs)
  const paused = options.detectPauses ? pausedSlices(sorted) : new Set<WorkSlice>()
  const turns: { startMs: number; endMs: number; tasks: string[] }[] = []
  let open: (typeof turns)[number] | undefined
  for (const slice of sorted) {
    if (paused.has(slice)) {
      open = undefined
      continue
    }
    if (open && slice.startMs <= open.endMs) {
      open.endMs = Math.max(open.endMs, slice.endMs)
      if (open.tasks.at(-1) !== slice.task) open.tasks.push(slice.task)
    } else {
      open = { startMs: slice.startMs, endMs: slice.endMs, tasks: [slice.task] }
      turns.push(open)
    }
  }
  return turns.map((t) => ({ startMs: t.startMs - originMs, endMs: t.endMs - originMs, detail: describeTasks(t.tasks) }))
}

export interface OverlapFigures {
  busyMs: number
  overlapMs: number
  possibleOverlapMs: number
}

/** Sweeps the turns of all lanes: time with at least one active, time with two or more. */
export function overlapOf(lanes: readonly (readonly { startMs: number; endMs: number }[])[]): OverlapFigures {
  const events: [number, number][] = []
  for (const turns of lanes) for (const t of turns) if (t.endMs > t.startMs) events.push([t.startMs, 1], [t.endMs, -1])
  // at the same instant, ends come first: turns that touch do not overlap
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  let active = 0
  let lastMs = 0
  let busyMs = 0
  let overlapMs = 0
  for (const [atMs, change] of events) {
    if (active >= 1) busyMs += atMs - lastMs
    if (active >= 2) overlapMs += atMs - lastMs
    active += change
    lastMs = atMs
  }
  const activeMs = lanes.map((turns) => turns.reduce((sum, t) => sum + Math.max(0, durationOf(t)), 0))
  // every instant with two or more active uses two workers' time: at most half the sum, and at most all but the longest one's
  const totalMs = activeMs.reduce((a, b) => a + b, 0)
  const possibleOverlapMs = activeMs.length < 2 ? 0 : Math.min(totalMs - Math.max(...activeMs), totalMs / 2)
  return { busyMs, overlapMs, possibleOverlapMs }
}

const share = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null)

export interface SharedWindow {
  /** How far apart the lanes' first turns began: the latest first start minus the earliest. */
  startSpreadMs: number
  /** Time when two or more lanes had begun their first turn and not yet ended their last: when they could have run together. */
  sharedWindowMs: number
}

/** When the lanes had work at the same time, from each lane's first start to its last end. */
export function sharedWindowOf(lanes: readonly (readonly { startMs: number; endMs: number }[])[]): SharedWindow {
  const spans = lanes.filter((turns) => turns.length > 0).map((turns) => ({ startMs: Math.min(...turns.map((t) => t.startMs)), endMs: Math.max(...turns.map((t) => t.endMs)) }))
  if (spans.length < 2) return { startSpreadMs: 0, sharedWindowMs: 0 }
  const starts = spans.map((s) => s.startMs)
  return { startSpreadMs: Math.max(...starts) - Math.min(...starts), sharedWindowMs: overlapOf(spans.map((span) => [span])).overlapMs }
}

function stampCostOf(trial: TracedTrial, lanes: readonly WorkerLane[], untracedMedianMs: number | null): StampCost | undefined {
  if (trial.perStampNs === undefined || trial.stamps === undefined) return undefined
  const activeMs = lanes.reduce((sum, lane) => sum + lane.activeMs, 0)
  return {
    stamps: trial.stamps,
    perStampNs: trial.perStampNs,
    shareOfWork: activeMs > 0 ? (trial.stamps * trial.perStampNs) / 1e6 / activeMs : 0,
    tracedMs: trial.finishedAtMs - trial.startedAtMs,
    untracedMedianMs,
  }
}

/** Takes turns: at most this share of the busy time had two or more at once. */
const TURN_TAKING_SHARE = 0.01
/** Starts far enough apart to be worth a sentence: the time all had work is below this share of the most overlap possible. */
const STARTS_LIMIT_SHARE = 0.8

function sentenceOf(figure: Omit<LanesFigure, 'sentence'>): string {
  const pct = (x: number | null): string => (x === null ? '—' : formatPercent(x))
  const ms = formatDurationMs
  const who = figure.activity === 'waiting' ? 'calls were waiting' : 'workers were running'
  const parts: string[] = []
  if (figure.lanes.length < 2) {
    parts.push(`${figure.title}: one ${figure.activity === 'waiting' ? 'lane' : 'worker'}, active for ${ms(figure.busyMs)}, so nothing could overlap.`)
  } else {
    const shorter = figure.lanes.length === 2 ? `the ${ms(figure.possibleOverlapMs)} the shorter-running one was active` : `the ${ms(figure.possibleOverlapMs)} their active times allow at most`
    parts.push(
      `${figure.title}: two or more ${who} at once for ${ms(figure.overlapMs)}, ${pct(figure.overlapShare)} of the ${ms(figure.busyMs)} when any was, and ${pct(figure.overlapOfPossible)} of ${shorter} (the most overlap possible).`,
    )
    // a Node child boots its own runtime; a Python child may be forked (Linux) or spawned (macOS, Windows)
    const why = figure.strategy !== 'processes' ? '' : figure.runtime === 'node' ? ': each child process first starts its own Node runtime' : ': each child process has to be started first'
    const window = figure.sharedWindowMs
    if (figure.activity === 'computing' && window !== undefined && window <= CLOCK_TOLERANCE_MS) {
      parts.push(`They ran one after the other, not side by side: each began its work only once the one before had finished (their work began ${ms(figure.startSpreadMs ?? 0)} apart${why}).`)
    } else if (figure.activity === 'computing' && figure.medianTurnMs !== null) {
      const turnTaking = (figure.overlapShare ?? 0) <= TURN_TAKING_SHARE
      const switchInterval = figure.switchIntervalMs !== undefined ? ` (sys.getswitchinterval() is ${ms(figure.switchIntervalMs)})` : ''
      parts.push(
        turnTaking
          ? `They took turns: a turn lasted ${ms(figure.medianTurnMs)} (median)${switchInterval}.`
          : `A worker ran for ${ms(figure.medianTurnMs)} (median) before pausing or waiting for its next task${switchInterval}.`,
      )
      if (window !== undefined && window < STARTS_LIMIT_SHARE * figure.possibleOverlapMs) {
        parts.push(`Their work began up to ${ms(figure.startSpreadMs ?? 0)} apart${why}; ${figure.lanes.length === 2 ? 'both' : 'two or more'} had work for only ${ms(window)}, and ran at once for ${pct(share(figure.overlapMs, window))} of it.`)
      }
    }
  }
  const cost = figure.stampCost
  if (cost) {
    const against = cost.untracedMedianMs !== null ? `; this trial took ${ms(cost.tracedMs)} against a median of ${ms(cost.untracedMedianMs)} untraced` : ''
    parts.push(`Its ${formatCount(cost.stamps)} time stamps cost about ${formatPercent(cost.shareOfWork)} of the work (${cost.perStampNs.toFixed(0)} ns each)${against}.`)
  }
  return parts.join(' ')
}

/** The figure of one traced trial; `untracedMedianMs` is the median of the same variant's untraced trials. */
export function lanesFigure(trial: TracedTrial, untracedMedianMs: number | null): LanesFigure {
  const detectPauses = trial.activity === 'computing'
  let pausedCount = 0
  const lanes: WorkerLane[] = trial.lanes.map((lane) => {
    if (detectPauses) pausedCount += pausedSlices(lane.slices).size
    const turns = turnsOf(lane.slices, trial.startedAtMs, { detectPauses })
    return { label: lane.label, pid: lane.pid, threadId: lane.threadId, activeMs: turns.reduce((sum, t) => sum + durationOf(t), 0), turns }
  })
  const { busyMs, overlapMs, possibleOverlapMs } = overlapOf(lanes.map((lane) => lane.turns))
  const { startSpreadMs, sharedWindowMs } = sharedWindowOf(lanes.map((lane) => lane.turns))
  const turnLengths = lanes.flatMap((lane) => lane.turns.map(durationOf))
  const figure: Omit<LanesFigure, 'sentence'> = {
    id: trial.id,
    runtime: trial.runtime,
    strategy: trial.strategy,
    workers: trial.workers,
    title: trial.title,
    activity: trial.activity,
    lanes,
    slices: trial.lanes.reduce((n, lane) => n + lane.slices.length, 0),
    pausedSlices: pausedCount,
    busyMs,
    overlapMs,
    overlapShare: share(overlapMs, busyMs),
    possibleOverlapMs,
    overlapOfPossible: share(overlapMs, possibleOverlapMs),
    startSpreadMs,
    sharedWindowMs,
    medianTurnMs: turnLengths.length > 0 ? median(turnLengths) : null,
    switchIntervalMs: trial.switchIntervalMs,
    stampCost: stampCostOf(trial, lanes, untracedMedianMs),
  }
  return { ...figure, sentence: sentenceOf(figure) }
}

/** What the machine and the runtime allow, for telling a measured figure from an impossible one. */
export interface LaneFacts {
  logicalCores: number
  /** Python's threads share one GIL (false for a free-threaded build with the GIL off). */
  pythonGil?: boolean
}

/** Workers that can only take turns: async tasks on one thread, and Python threads under the GIL. */
function mustTakeTurns(figure: Pick<LanesFigure, 'runtime' | 'strategy' | 'activity'>, facts: LaneFacts): string | undefined {
  if (figure.activity !== 'computing') return undefined
  if (figure.runtime === 'node' && figure.strategy === 'concurrent') return 'async tasks on one thread run one at a time'
  if (figure.runtime === 'python' && figure.strategy === 'threads' && facts.pythonGil !== false) return 'Python threads under the GIL run Python code one at a time'
  return undefined
}

/** Each worker in one place at a time; its slices within the trial, on the clock they share. */
function traceProblems(trial: TracedTrial): string[] {
  const problems: string[] = []
  for (const lane of trial.lanes) {
    const outside = lane.slices.filter((s) => s.startMs < trial.startedAtMs - CLOCK_TOLERANCE_MS || s.endMs > trial.finishedAtMs + CLOCK_TOLERANCE_MS || s.endMs < s.startMs)
    if (outside.length > 0) {
      problems.push(`${trial.title}: ${outside.length} slice${outside.length === 1 ? '' : 's'} of ${lane.label} lie outside the trial (or end before they start), so the workers' clock and the lab's disagree; its lanes cannot be trusted.`)
    }
    const sorted = [...lane.slices].sort((a, b) => a.startMs - b.startMs)
    const selfOverlap = sorted.findIndex((s, i) => i > 0 && s.startMs < sorted[i - 1]!.endMs - CLOCK_TOLERANCE_MS)
    if (selfOverlap >= 0) problems.push(`${trial.title}: ${lane.label} was in two slices at once (at ${formatDurationMs(sorted[selfOverlap]!.startMs - trial.startedAtMs)}), which one worker cannot be.`)
  }
  return problems
}

/**
 * The figures that cannot come from a real run on this machine: workers that can only take turns
 * found running together beyond the clocks' tolerance, parallel workers never overlapping on two
 * or more cores, slices outside their trial. Each a sentence; none for a plausible trace.
 */
export function implausibleLanes(trial: TracedTrial, figure: LanesFigure, facts: LaneFacts): string[] {
  const problems = traceProblems(trial)
  const turnsOnly = mustTakeTurns(figure, facts)
  if (turnsOnly && figure.overlapMs > CLOCK_TOLERANCE_MS) {
    problems.push(`${figure.title}: two workers ran at once for ${formatDurationMs(figure.overlapMs)}, but ${turnsOnly}; the slices are not from a real run, or their clocks disagree.`)
  }
  // workers that began far apart (a child process starting its runtime) could only overlap while all had work
  const possibleMs = Math.min(figure.possibleOverlapMs, figure.sharedWindowMs ?? Infinity)
  const couldOverlap = !turnsOnly && figure.activity === 'computing' && figure.lanes.length >= 2 && facts.logicalCores >= 2 && possibleMs >= MIN_EXPECTED_OVERLAP_MS
  if (couldOverlap && figure.overlapMs / possibleMs < MIN_PARALLEL_SHARE) {
    problems.push(
      `${figure.title}: on ${facts.logicalCores} cores, the workers ran at once for only ${formatDurationMs(figure.overlapMs)} of a possible ${formatDurationMs(possibleMs)}; separate threads or processes should overlap, so the machine was fully taken by something else, or the slices are not from this run.`,
    )
  }
  return problems
}

/** Parallel workers with at least this much possible overlap must show some of it. */
const MIN_EXPECTED_OVERLAP_MS = 20
const MIN_PARALLEL_SHARE = 0.01
