import type { RunProgress } from '../../../shared/contract/contract'
import type { LabErrorData } from '../../../shared/errors'
import type { RunResult } from '../../../shared/model/result'

type RunPhase = 'idle' | 'starting' | 'queued' | 'running' | 'cancelling' | 'completed' | 'failed' | 'cancelled'

export interface RunView {
  phase: RunPhase
  runId?: string
  progress?: RunProgress
  result?: RunResult
  error?: LabErrorData
}

export type RunEvent =
  | { type: 'started'; runId: string }
  | { type: 'progress'; progress: RunProgress }
  | { type: 'finished'; result: RunResult }
  | { type: 'failed'; error: LabErrorData; cancelled: boolean }
  | { type: 'cancelRequested' }
  | { type: 'rejected'; error: LabErrorData }

/** How a run's view follows its events; pure, so it is tested without a host. */
export function nextRunView(view: RunView, event: RunEvent): RunView {
  switch (event.type) {
    case 'started':
      return { phase: 'queued', runId: event.runId, result: view.result }
    case 'progress':
      return view.phase === 'cancelling' ? { ...view, progress: event.progress } : { ...view, phase: 'running', progress: event.progress }
    case 'finished':
      return { phase: 'completed', runId: view.runId, result: event.result }
    case 'failed':
      return { phase: event.cancelled ? 'cancelled' : 'failed', runId: view.runId, error: event.error, result: view.result }
    case 'cancelRequested':
      return view.phase === 'queued' || view.phase === 'running' ? { ...view, phase: 'cancelling' } : view
    case 'rejected':
      return { phase: 'failed', error: event.error, result: view.result }
  }
}

export const isBusy = (view: RunView): boolean => ['starting', 'queued', 'running', 'cancelling'].includes(view.phase)

export const progressFraction = (view: RunView): number => {
  const p = view.progress
  if (view.phase === 'completed') return 1
  return p && p.total > 0 ? Math.min(1, p.done / p.total) : 0
}

/** What a run is doing, in words, while it runs or once cancelled; '' otherwise. */
export function runStatusText(view: RunView): string {
  switch (view.phase) {
    case 'starting':
      return 'Starting…'
    case 'queued':
      return 'Waiting for the run before it to finish…'
    case 'running':
      return view.progress?.message ?? 'Running…'
    case 'cancelling':
      return 'Cancelling: stopping every child and worker…'
    case 'cancelled':
      return 'Cancelled. Every child process it started has been stopped.'
    default:
      return ''
  }
}
