import { setMaxListeners } from 'node:events'

export interface BatchSignal {
  signal: AbortSignal
  /** Stops following the parent; call when the batch is done. */
  release(): void
}

/**
 * A signal that aborts with `parent` and may carry one listener per task of a large batch
 * (Node warns about a leak beyond 10 listeners on one signal, and the run's signal is not ours).
 */
export function batchSignal(parent: AbortSignal | undefined): BatchSignal {
  const controller = new AbortController()
  setMaxListeners(0, controller.signal)
  if (!parent) return { signal: controller.signal, release: () => {} }
  const abort = (): void => controller.abort(parent.reason)
  if (parent.aborted) abort()
  else parent.addEventListener('abort', abort, { once: true })
  return { signal: controller.signal, release: () => parent.removeEventListener('abort', abort) }
}
