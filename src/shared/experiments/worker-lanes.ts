import type { RunResult } from '../model/result'

/**
 * Who ran when, from one traced trial: one lane per worker (thread, process or async task),
 * the stretches it was running (or waiting, for blocking calls) as turns, and what the slices
 * say about running together versus taking turns.
 */

/** One stretch of a worker, in ms since the traced trial started. */
export interface LaneTurn {
  startMs: number
  endMs: number
  /** What it worked on: the numbers, or the call. */
  detail: string
}

export interface WorkerLane {
  /** "worker thread 1 (thread id 3)", "child process 2 (pid 4242)", "async task 1". */
  label: string
  /** The worker's process id, where it is a process of its own. */
  pid?: number
  /** The runtime's id of the thread (Node threadId, Python thread ident), where it has one. */
  threadId?: number
  /** The sum of its turns. */
  activeMs: number
  turns: LaneTurn[]
}

/** What the stamps cost: per stamp (calibrated in the worker), in all, and the traced trial against the untraced ones. */
export interface StampCost {
  stamps: number
  perStampNs: number
  /** stamps × perStampNs ÷ the workers' active time. */
  shareOfWork: number
  tracedMs: number
  /** The median of the same variant's untraced trials. */
  untracedMedianMs: number | null
}

export interface LanesFigure {
  /** The series it belongs to ("threads-2", "python-threads-2"). */
  id: string
  runtime: 'node' | 'python'
  strategy: string
  workers: number
  title: string
  /** Computing (a CPU-bound slice) or waiting (a blocking call). */
  activity: 'computing' | 'waiting'
  lanes: WorkerLane[]
  /** Slices the workers stamped (for blocking calls, the calls). */
  slices: number
  /** Slices left out because the worker was paused inside them (its thread's CPU time, or its length, says so). */
  pausedSlices: number
  /** Time when at least one worker was active. */
  busyMs: number
  /** Time when two or more workers were active at once. */
  overlapMs: number
  /** overlapMs ÷ busyMs. */
  overlapShare: number | null
  /** The most overlap their active times allow: half their sum, and no more than all but the longest (for two, the shorter one's time). */
  possibleOverlapMs: number
  /** overlapMs ÷ possibleOverlapMs. */
  overlapOfPossible: number | null
  /** How far apart the workers' first turns began (absent in results saved before it was measured). */
  startSpreadMs?: number
  /** Time when two or more workers had begun their work and not yet finished it: the most they could run at once, given when each began. */
  sharedWindowMs?: number
  /** The median length of a turn: how long a worker ran before another took over (or it paused). */
  medianTurnMs: number | null
  /** Python: sys.getswitchinterval(), how long a thread may hold the GIL while another waits. */
  switchIntervalMs?: number
  stampCost?: StampCost
  /** What the figures say, in words, from the numbers only. */
  sentence: string
}

const hasLanes = (data: unknown): data is { lanes: LanesFigure[] } => typeof data === 'object' && data !== null && Array.isArray((data as { lanes?: unknown }).lanes)

/** The lanes a result carries (factorize, blocking-io); none for other experiments or results saved before lanes existed. */
export const lanesOf = (result: Pick<RunResult, 'data'>): LanesFigure[] => (hasLanes(result.data) ? result.data.lanes : [])
