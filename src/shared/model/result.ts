import type { Summary } from '../stats/summary'
import type { MachineInfo } from './machine'
import type { LabErrorData } from '../errors'
import type { RunResources } from './resources'

export const RESULT_SCHEMA_VERSION = 1

/** One measured repetition: its value and when it started (epoch ms), kept raw. */
export interface Sample {
  trial: number
  startedAtMs: number
  valueMs: number
}

/** A measured variant (serial, parallel, 4 workers, …) with all its raw samples. */
export interface Series {
  id: string
  label: string
  samples: Sample[]
  warmupSamples: Sample[]
  summary: Summary
}

/** Baseline ÷ candidate, trial by trial: a speedup with its spread. */
export interface Comparison {
  baselineId: string
  candidateId: string
  label: string
  /** The x value where comparisons form a curve (children, workers, concurrency limit). */
  parallelism: number
  /** What perfect scaling would give: the ideal line. */
  ideal: number
  ratios: number[]
  summary: Summary
  /** The median speedup ÷ the ideal: how much of perfect scaling was reached; absent for a cost comparison. */
  efficiency?: number
  /**
   * 'cost': how many times faster one guarantee is than another (Atomics.add against a mutex), with
   * no ideal to reach, so no efficiency. Absent: a parallel variant against serial (scaling).
   */
  kind?: 'cost'
}

/** A comparison whose ideal and efficiency mean something (a parallel variant against serial); results saved before `kind` existed say so by their experiment. */
export const isScalingComparison = (comparison: Pick<Comparison, 'kind'>, experimentId: string): boolean => comparison.kind !== 'cost' && experimentId !== 'race'

type SpanOutcome = 'exited' | 'failed' | 'killed' | 'cancelled'

/** One child, task or thread on a timeline, in ms since the trial started. */
export interface TimelineSpan {
  lane: number
  label: string
  startMs: number
  /** When the OS reported the child running; the gap from startMs is the cost of spawning. */
  runningMs?: number
  endMs: number
  outcome: SpanOutcome
  detail?: string
}

export interface Timeline {
  id: string
  title: string
  spans: TimelineSpan[]
}

export interface RunWarning {
  code: string
  message: string
}

export interface RunResult<Data = unknown> {
  schemaVersion: typeof RESULT_SCHEMA_VERSION
  runId: string
  experimentId: string
  /** A name the user gave the run; defaults to the experiment's title and time. */
  name: string
  params: Record<string, unknown>
  machine: MachineInfo
  startedAt: string
  finishedAt: string
  durationMs: number
  series: Series[]
  comparisons: Comparison[]
  timelines: Timeline[]
  warnings: RunWarning[]
  /** One line that says what was found. */
  headline: string
  /** The lesson's answer on this machine, in one sentence, where the experiment answers a lesson (fan-out, factorize, race). */
  verdict?: string
  /** Experiment-specific findings (kept small and JSON-safe). */
  data: Data
  /** Peak memory of the engine and its children during the run; absent in results saved before it was recorded. */
  resources?: RunResources
}

export interface ResultListing {
  runId: string
  experimentId: string
  name: string
  startedAt: string
  durationMs: number
  headline: string
  verdict?: string
}

export interface StoreProblem {
  file: string
  message: string
}

export type RunState = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled'

export interface RunStatus {
  runId: string
  experimentId: string
  state: RunState
  error?: LabErrorData
}
