import { describe, expect, it, vi } from 'vitest'
// the page's declaration of window.lab: useRun reaches it through the bridge this test replaces
import type {} from '../../src/renderer/src/env'

type Listener = (payload: unknown) => void
const listeners = new Map<string, Listener[]>()
const emit = (name: string, payload: unknown): void => listeners.get(name)?.forEach((listener) => listener(payload))
let onStartRun: (runId: string) => void = () => {}

// the page's bridge, replaced: events and replies are delivered in whatever order a test chooses
vi.mock('../../src/renderer/src/bridge/lab-client', () => ({
  LabRequestError: class extends Error {},
  onEvent: (name: string, listener: Listener) => {
    listeners.set(name, [...(listeners.get(name) ?? []), listener])
    return () => {}
  },
  request: async (name: string) => {
    if (name !== 'startRun') throw new Error(`unexpected request ${name}`)
    const runId = `run-${Math.random()}`
    onStartRun(runId)
    return { runId }
  },
}))

const { useRun } = await import('../../src/renderer/src/composables/useRun')

describe('a run on screen, whatever order its events and the reply arrive in', () => {
  it('shows the result of a run that finished before the reply to startRun named it', async () => {
    onStartRun = (runId) => {
      // a fast run (capture): its events overtake the reply
      emit('runProgress', { runId, experimentId: 'capture', message: 'Running', done: 0, total: 1 })
      emit('runFinished', { runId, result: { runId, headline: 'done' } })
    }
    const { view, start } = useRun('capture')
    await start({})
    expect(view.phase).toBe('completed')
    expect((view.result as { headline: string }).headline).toBe('done')
  })

  it('still follows a run whose events come after the reply, and ignores runs it did not start', async () => {
    let started = ''
    onStartRun = (runId) => {
      started = runId
      emit('runFinished', { runId: 'someone-elses-run', result: { headline: 'not ours' } })
    }
    const { view, start } = useRun('fanout')
    await start({})
    expect(view.phase).toBe('queued')
    emit('runFailed', { runId: started, cancelled: true, error: { name: 'LabError', message: 'The run was cancelled.' } })
    expect(view.phase).toBe('cancelled')
  })
})
