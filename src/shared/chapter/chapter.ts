import type { MachineInfo } from '../model/machine'
import type { LessonId } from '../experiments/lessons'

export const CHAPTER_SCHEMA_VERSION = 1

/** How far the measurements agree with the classic claim. */
export type VerdictStatus = 'holds' | 'partly' | 'diverges' | 'not-measured'

/** A verdict's status in words, the same in the app, the report and the terminal. */
export const STATUS_WORDS: Record<VerdictStatus, string> = { holds: 'Holds here', partly: 'Partly holds here', diverges: 'Does not hold here', 'not-measured': 'Not measured' }

export interface LessonVerdict {
  lessonId: LessonId
  title: string
  claim: string
  status: VerdictStatus
  /** One sentence with the key figures: the answer on this machine. */
  verdict: string
  /** The figures that support it, a sentence each. */
  evidence: string[]
  /** Where this machine differs from the claim, and why. */
  divergences: string[]
  /** The saved results it was worded from. */
  runIds: string[]
}

/** One experiment of a chapter run: what became of it. */
export interface ChapterStepOutcome {
  experimentId: string
  title: string
  state: 'completed' | 'skipped' | 'failed' | 'cancelled'
  runId?: string
  headline?: string
  /** Why it was skipped or failed, or what it could not measure here (no Python). */
  note?: string
  durationMs?: number
}

export interface ChapterSummary {
  schemaVersion: typeof CHAPTER_SCHEMA_VERSION
  chapterId: string
  /** "Concurrency on Intel Xeon (2 logical cores, linux x64)". */
  title: string
  state: 'completed' | 'cancelled'
  startedAt: string
  finishedAt: string
  durationMs: number
  machine: MachineInfo
  lessons: LessonVerdict[]
  steps: ChapterStepOutcome[]
}

export type ChapterState = 'running' | 'completed' | 'cancelled' | 'failed'

/** The whole chapter's progress, as the engine reckons it. */
export interface ChapterProgress {
  chapterId: string
  state: ChapterState
  /** 0..1 of the expected work, the current experiment's own progress included. */
  fraction: number
  /** Experiments ended (completed, skipped or failed) of all. */
  done: number
  total: number
  currentExperimentId?: string
  currentTitle?: string
  /** The current run's own progress message. */
  message?: string
  /** Estimated from the runs so far; null until there is anything to estimate from. */
  timeLeftMs: number | null
  elapsedMs: number
}

export function machineTitle(machine: Pick<MachineInfo, 'cpuModel' | 'logicalCores' | 'os'>): string {
  return `${machine.cpuModel.trim() || 'an unnamed CPU'} (${machine.logicalCores} logical cores, ${machine.os.platform} ${machine.os.arch})`
}

export const chapterTitle = (machine: Pick<MachineInfo, 'cpuModel' | 'logicalCores' | 'os'>): string => `Concurrency on ${machineTitle(machine)}`
