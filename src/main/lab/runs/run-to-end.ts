import type { RunProgress } from '../../../shared/contract/contract'
import { LabError } from '../../../shared/errors'
import type { ExperimentId } from '../../../shared/experiments/catalog'
import type { RunResult } from '../../../shared/model/result'
import type { EventHub } from './event-hub'
import type { RunManager } from './run-manager'

/**
 * Starts one run and resolves with its result, or throws its failure as a LabError (code
 * 'cancelled' when `signal` cancelled it); returns only once every child and worker it started is gone.
 */
export async function runToEnd(lab: { runs: RunManager; events: EventHub }, experimentId: ExperimentId, params: Record<string, unknown>, onProgress: (progress: RunProgress) => void, signal: AbortSignal): Promise<RunResult> {
  const { runId } = lab.runs.start(experimentId, params)
  const onAbort = (): void => void lab.runs.cancel(runId)
  if (signal.aborted) onAbort()
  else signal.addEventListener('abort', onAbort, { once: true })
  try {
    return await new Promise<RunResult>((resolve, reject) => {
      const unsubscribe = lab.events.subscribe((name, payload) => {
        if ((payload as { runId?: string }).runId !== runId) return
        if (name === 'runProgress') {
          onProgress(payload as RunProgress)
        } else if (name === 'runFinished') {
          unsubscribe()
          resolve((payload as { result: RunResult }).result)
        } else if (name === 'runFailed') {
          unsubscribe()
          const { error } = payload as { error: { code?: string; message: string } }
          reject(new LabError((error.code as LabError['code']) ?? 'internal', error.message))
        }
      })
    })
  } finally {
    signal.removeEventListener('abort', onAbort)
    await lab.runs.settled(runId)
  }
}
