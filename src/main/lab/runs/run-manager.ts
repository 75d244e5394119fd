import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { LabError, toErrorData, type LabErrorData } from '../../../shared/errors'
import { experimentParamSchemas, findExperiment, type ExperimentId } from '../../../shared/experiments/catalog'
import type { MachineInfo } from '../../../shared/model/machine'
import { RESULT_SCHEMA_VERSION, type RunResult, type RunState, type RunStatus } from '../../../shared/model/result'
import { measurementWarnings } from '../../../shared/stats/warnings'
import { formatDateTime } from '../../../shared/units'
import { parseOrThrow } from '../../../shared/validation'
import { experimentRunners } from '../experiments/registry'
import { lessonVerdict } from '../experiments/explain/verdict'
import { AnalysisThread } from '../analysis/analysis-thread'
import { watchResources } from '../measure/memory'
import type { LabPaths } from '../paths'
import type { SpawnerHelpers } from '../processes/spawner-helpers'
import type { ResultStore } from '../store/result-store'
import type { EventHub } from './event-hub'

interface RunEntry {
  runId: string
  experimentId: ExperimentId
  params: Record<string, unknown>
  state: RunState
  controller: AbortController
  error?: LabErrorData
  done: Promise<void>
}

export interface RunManagerDeps {
  events: EventHub
  store: ResultStore
  paths: LabPaths
  spawners: SpawnerHelpers
  machineInfo(): Promise<MachineInfo>
}

const FINISHED_RUNS_KEPT = 200

/**
 * Runs experiments one at a time, in the order asked: two measurements at once would
 * disturb each other. Every finished result is saved before it is announced.
 */
export class RunManager {
  private readonly runs = new Map<string, RunEntry>()
  private tail: Promise<void> = Promise.resolve()

  constructor(private readonly deps: RunManagerDeps) {}

  start(experimentId: ExperimentId, rawParams: unknown): { runId: string } {
    const params = parseOrThrow(experimentParamSchemas[experimentId], rawParams, `parameters for ${experimentId}`) as Record<string, unknown>
    const runId = randomUUID()
    const entry: RunEntry = { runId, experimentId, params, state: 'queued', controller: new AbortController(), done: Promise.resolve() }
    this.runs.set(runId, entry)
    this.forgetOldRuns()
    entry.done = this.tail.then(() => this.execute(entry))
    this.tail = entry.done
    this.deps.events.emit('runQueued', this.status(runId))
    return { runId }
  }

  cancel(runId: string): boolean {
    const entry = this.runs.get(runId)
    if (!entry || (entry.state !== 'queued' && entry.state !== 'running')) return false
    entry.controller.abort()
    return true
  }

  status(runId: string): RunStatus {
    const entry = this.runs.get(runId)
    if (!entry) throw new LabError('unknown-run', `No run has the id ${runId} in this session.`)
    return { runId, experimentId: entry.experimentId, state: entry.state, ...(entry.error ? { error: entry.error } : {}) }
  }

  /** Resolves once the run has ended and every child and worker it started is gone. */
  async settled(runId: string): Promise<void> {
    await this.runs.get(runId)?.done
  }

  async shutdown(): Promise<void> {
    for (const entry of this.runs.values()) entry.controller.abort()
    await this.tail
  }

  private async execute(entry: RunEntry): Promise<void> {
    const { events, store, paths, spawners } = this.deps
    const signal = entry.controller.signal
    if (signal.aborted) return this.fail(entry, new LabError('cancelled', 'The run was cancelled before it started.'))
    entry.state = 'running'
    const startedAt = new Date()
    const info = findExperiment(entry.experimentId)!
    try {
      const machine = await this.deps.machineInfo()
      const memory = await watchResources(undefined, () => spawners.pids())
      const analysis = new AnalysisThread(join(paths.workersDir, 'analysis.js'))
      const output = await experimentRunners[entry.experimentId].run(entry.params, {
        signal,
        paths,
        machine,
        spawners,
        analysis,
        progress: (message, done, total) => events.emit('runProgress', { runId: entry.runId, experimentId: entry.experimentId, message, done, total }),
      }).finally(() => Promise.all([memory.stop(), analysis.close()]))
      const resources = await memory.stop()
      const finishedAt = new Date()
      const result: RunResult = {
        schemaVersion: RESULT_SCHEMA_VERSION,
        runId: entry.runId,
        experimentId: entry.experimentId,
        name: `${info.title}, ${formatDateTime(startedAt)}`,
        params: entry.params,
        machine,
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        durationMs: finishedAt.getTime() - startedAt.getTime(),
        ...output,
        verdict: lessonVerdict({ experimentId: entry.experimentId, params: entry.params, ...output }),
        // one place for every experiment: advice about the measurements themselves
        warnings: [...output.warnings, ...measurementWarnings(output.series)],
        resources,
      }
      try {
        await store.save(result)
      } catch (error) {
        result.warnings.push({ code: 'not-saved', message: (error as Error).message })
      }
      entry.state = 'completed'
      events.emit('runFinished', { runId: entry.runId, result })
    } catch (error) {
      this.fail(entry, signal.aborted ? new LabError('cancelled', 'The run was cancelled; every child process it started has been stopped.') : error)
    }
  }

  private fail(entry: RunEntry, error: unknown): void {
    const data = toErrorData(error)
    entry.state = data.code === 'cancelled' ? 'cancelled' : 'failed'
    entry.error = data
    this.deps.events.emit('runFailed', { runId: entry.runId, experimentId: entry.experimentId, cancelled: entry.state === 'cancelled', error: data })
  }

  private forgetOldRuns(): void {
    const finished = [...this.runs.values()].filter((r) => r.state !== 'queued' && r.state !== 'running')
    for (const entry of finished.slice(0, Math.max(0, finished.length - FINISHED_RUNS_KEPT))) this.runs.delete(entry.runId)
  }
}
