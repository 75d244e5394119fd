import { randomUUID } from 'node:crypto'
import { CHAPTER_SCHEMA_VERSION, chapterTitle, type ChapterProgress, type ChapterState, type ChapterStepOutcome, type ChapterSummary } from '../../../shared/chapter/chapter'
import { chapterFraction, estimateTimeLeftMs, type FinishedStep } from '../../../shared/chapter/time-left'
import { lessonVerdicts } from '../../../shared/chapter/verdicts'
import type { ChapterView } from '../../../shared/contract/contract'
import { LabError, toErrorData, type LabErrorData } from '../../../shared/errors'
import { findExperiment } from '../../../shared/experiments/catalog'
import type { MachineInfo } from '../../../shared/model/machine'
import type { RunResult } from '../../../shared/model/result'
import type { EventHub } from '../runs/event-hub'
import type { RunManager } from '../runs/run-manager'
import { runToEnd } from '../runs/run-to-end'
import { defaultChapterSteps, EXPECTED_DEFAULT_RUN_MS, partialNote, skipReason, type ChapterStep } from './chapter-plan'

export interface ChapterRunnerDeps {
  runs: RunManager
  events: EventHub
  machineInfo(): Promise<MachineInfo>
  /** The experiments to run; the whole catalog with its defaults unless a test gives fewer. */
  steps?: () => ChapterStep[]
  now?: () => number
}

/** A chapter run, kept after it ends so that its report and bundle can be exported. */
export interface ChapterRecord {
  chapterId: string
  progress: ChapterProgress
  results: RunResult[]
  summary?: ChapterSummary
  error?: LabErrorData
}

interface ActiveChapter {
  record: ChapterRecord
  controller: AbortController
  done: Promise<void>
}

/** Progress events at most this often; the first and the last of every step always go out. */
const PROGRESS_EVERY_MS = 150
const CHAPTERS_KEPT = 5

/**
 * Runs every experiment of the chapter in turn through the run manager (so each result is saved as
 * it finishes, and a cancel takes the current run's own cancel path), reckons one overall progress
 * with the time left, and words each lesson's verdict from what was measured.
 */
export class ChapterRunner {
  private readonly chapters = new Map<string, ChapterRecord>()
  private active: ActiveChapter | undefined
  private latestId: string | undefined
  private readonly now: () => number

  constructor(private readonly deps: ChapterRunnerDeps) {
    this.now = deps.now ?? Date.now
  }

  start(): { chapterId: string } {
    if (this.active) throw new LabError('not-available', 'The chapter is already running; cancel it, or wait for it to finish, before starting it again.')
    const steps = (this.deps.steps ?? defaultChapterSteps)()
    const chapterId = randomUUID()
    const record: ChapterRecord = { chapterId, results: [], progress: { chapterId, state: 'running', fraction: 0, done: 0, total: steps.length, timeLeftMs: null, elapsedMs: 0 } }
    this.chapters.set(chapterId, record)
    this.latestId = chapterId
    this.forgetOldChapters()
    const controller = new AbortController()
    const active: ActiveChapter = { record, controller, done: Promise.resolve() }
    this.active = active
    active.done = this.execute(record, steps, controller.signal).finally(() => {
      if (this.active === active) this.active = undefined
    })
    this.deps.events.emit('chapterProgress', record.progress)
    return { chapterId }
  }

  cancel(chapterId: string): boolean {
    if (this.active?.record.chapterId !== chapterId) return false
    this.active.controller.abort()
    return true
  }

  /** The latest chapter run of this session as the page shows it, or null when none has run. */
  view(): ChapterView | null {
    const record = this.latestId ? this.chapters.get(this.latestId) : undefined
    if (!record) return null
    return { progress: record.progress, ...(record.summary ? { summary: record.summary } : {}), ...(record.error ? { error: record.error } : {}) }
  }

  record(chapterId: string): ChapterRecord {
    const record = this.chapters.get(chapterId)
    if (!record) throw new LabError('unknown-run', `No chapter run has the id ${chapterId} in this session; run the chapter again to export it.`)
    return record
  }

  /** Resolves once the chapter has ended and every run it started is settled. */
  async settled(): Promise<void> {
    await this.active?.done
  }

  async shutdown(): Promise<void> {
    this.active?.controller.abort()
    await this.settled()
  }

  private async execute(record: ChapterRecord, steps: readonly ChapterStep[], signal: AbortSignal): Promise<void> {
    const { events } = this.deps
    const startedAtMs = this.now()
    const outcomes: ChapterStepOutcome[] = []
    const finished: FinishedStep[] = []
    let lastEmitMs = 0
    const report = (progress: Omit<ChapterProgress, 'chapterId' | 'total' | 'elapsedMs'>, force: boolean): void => {
      record.progress = { chapterId: record.chapterId, total: steps.length, elapsedMs: this.now() - startedAtMs, ...progress }
      if (!force && this.now() - lastEmitMs < PROGRESS_EVERY_MS) return
      lastEmitMs = this.now()
      events.emit('chapterProgress', record.progress)
    }
    try {
      const machine = await this.deps.machineInfo()
      for (const [index, step] of steps.entries()) {
        const title = findExperiment(step.experimentId)?.title ?? step.experimentId
        const expectedMs = EXPECTED_DEFAULT_RUN_MS[step.experimentId]
        const upcomingExpectedMs = steps.slice(index + 1).map((s) => EXPECTED_DEFAULT_RUN_MS[s.experimentId])
        if (signal.aborted) {
          outcomes.push({ experimentId: step.experimentId, title, state: 'cancelled', note: 'Not started: the chapter was cancelled.' })
          continue
        }
        const skipped = skipReason(step, machine)
        if (skipped) {
          outcomes.push({ experimentId: step.experimentId, title, state: 'skipped', note: skipped })
          continue
        }
        const stepStartMs = this.now()
        const current = { expectedMs, elapsedMs: 0, fraction: 0 }
        const progressNow = (message: string | undefined, force: boolean): void => {
          current.elapsedMs = this.now() - stepStartMs
          const input = { finished, current, upcomingExpectedMs }
          report({ state: 'running', fraction: chapterFraction(input), done: index, currentExperimentId: step.experimentId, currentTitle: title, message, timeLeftMs: estimateTimeLeftMs(input) }, force)
        }
        progressNow(`Starting ${title}…`, true)
        try {
          const result = await runToEnd(
            this.deps,
            step.experimentId,
            step.params,
            (p) => {
              current.fraction = p.total > 0 ? Math.min(1, p.done / p.total) : 0
              progressNow(p.message, false)
            },
            signal,
          )
          record.results.push(result)
          const note = partialNote(step, machine)
          outcomes.push({ experimentId: step.experimentId, title, state: 'completed', runId: result.runId, headline: result.headline, durationMs: result.durationMs, ...(note ? { note } : {}) })
        } catch (error) {
          const data = toErrorData(error)
          outcomes.push({ experimentId: step.experimentId, title, state: data.code === 'cancelled' ? 'cancelled' : 'failed', note: data.message, durationMs: this.now() - stepStartMs })
        }
        finished.push({ expectedMs, tookMs: this.now() - stepStartMs })
      }
      const finishedAtMs = this.now()
      const state: ChapterState = signal.aborted ? 'cancelled' : 'completed'
      record.summary = {
        schemaVersion: CHAPTER_SCHEMA_VERSION,
        chapterId: record.chapterId,
        title: chapterTitle(machine),
        state,
        startedAt: new Date(startedAtMs).toISOString(),
        finishedAt: new Date(finishedAtMs).toISOString(),
        durationMs: finishedAtMs - startedAtMs,
        machine,
        lessons: lessonVerdicts(record.results),
        steps: outcomes,
      }
      report({ state, fraction: state === 'completed' ? 1 : record.progress.fraction, done: outcomes.filter((o) => o.state !== 'cancelled').length, timeLeftMs: 0 }, true)
      events.emit('chapterFinished', { chapterId: record.chapterId, state, summary: record.summary })
    } catch (error) {
      record.error = toErrorData(error)
      report({ state: 'failed', fraction: record.progress.fraction, done: outcomes.length, timeLeftMs: null }, true)
      events.emit('chapterFinished', { chapterId: record.chapterId, state: 'failed', error: record.error })
    }
  }

  private forgetOldChapters(): void {
    const ids = [...this.chapters.keys()]
    for (const id of ids.slice(0, Math.max(0, ids.length - CHAPTERS_KEPT))) this.chapters.delete(id)
  }
}
