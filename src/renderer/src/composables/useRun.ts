import { reactive } from 'vue'
import type { ExperimentId } from '../../../shared/experiments/catalog'
import { LabRequestError, onEvent, request } from '../bridge/lab-client'
import { isBusy, nextRunView, type RunEvent, type RunView } from './run-state'

const views = new Map<string, RunView>()
const byRunId = new Map<string, string>()

function viewOf(experimentId: string): RunView {
  let view = views.get(experimentId)
  if (!view) {
    view = reactive<RunView>({ phase: 'idle' })
    views.set(experimentId, view)
  }
  return view
}

function apply(experimentId: string, event: RunEvent): void {
  Object.assign(viewOf(experimentId), { progress: undefined, result: undefined, error: undefined, runId: undefined }, nextRunView({ ...viewOf(experimentId) }, event))
}

/**
 * Events of runs this page has not heard of yet. A short run can finish before the reply to
 * startRun names it (events and replies travel apart), so they wait here and are replayed in order.
 */
const early = new Map<string, RunEvent[]>()
const EARLY_RUNS_KEPT = 20

const forRun = (runId: string, event: RunEvent): void => {
  const experimentId = byRunId.get(runId)
  if (!experimentId) {
    early.set(runId, [...(early.get(runId) ?? []), event])
    // runs started elsewhere (another window) are never claimed: keep only the newest few
    if (early.size > EARLY_RUNS_KEPT) early.delete(early.keys().next().value!)
    return
  }
  if (viewOf(experimentId).runId === runId) apply(experimentId, event)
}
onEvent('runProgress', (progress) => forRun(progress.runId, { type: 'progress', progress }))
onEvent('runFinished', ({ runId, result }) => forRun(runId, { type: 'finished', result }))
onEvent('runFailed', ({ runId, error, cancelled }) => forRun(runId, { type: 'failed', error, cancelled }))

/** One experiment's run as the screen shows it; the state outlives the screen, so leaving and coming back keeps it. */
export function useRun(experimentId: ExperimentId) {
  const view = viewOf(experimentId)

  async function start(params: Record<string, unknown>): Promise<void> {
    if (isBusy(view)) return
    view.phase = 'starting'
    view.error = undefined
    try {
      const { runId } = await request('startRun', { experimentId, params })
      byRunId.set(runId, experimentId)
      apply(experimentId, { type: 'started', runId })
      const arrivedFirst = early.get(runId) ?? []
      early.delete(runId)
      for (const event of arrivedFirst) forRun(runId, event)
    } catch (error) {
      apply(experimentId, { type: 'rejected', error: error instanceof LabRequestError ? error.data : { name: 'Error', message: String(error) } })
    }
  }

  async function cancel(): Promise<void> {
    if (!view.runId) return
    apply(experimentId, { type: 'cancelRequested' })
    await request('cancelRun', { runId: view.runId })
  }

  return { view, start, cancel }
}
