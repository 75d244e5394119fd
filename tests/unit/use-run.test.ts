// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
// the page's declaration of window.lab: useRun reaches it through the page's own client of the bridge
import type {} from '../../src/renderer/src/env'
import { fixtureResult } from './fixtures/run-result'
import { inMemoryBridge } from './helpers/bridge'

let onStartRun: (runId: string) => void = () => {}

// the page's bridge, in memory: events and replies are delivered in whatever order a test chooses
const { bridge, emit } = inMemoryBridge({
  startRun: async () => {
    const runId = `run-${Math.random()}`
    onStartRun(runId)
    return { ok: true, value: { runId } }
  },
})
window.lab = bridge

const { useRun } = await import('../../src/renderer/src/composables/useRun')

describe('a run on screen, whatever order its events and the reply arrive in', () => {
  it('shows the result of a run that finished before the reply to startRun named it', async () => {
    onStartRun = (runId) => {
      // a fast run (capture): its events overtake the reply
      emit('runProgress', { runId, experimentId: 'capture', message: 'Running', done: 0, total: 1 })
      emit('runFinished', { runId, result: fixtureResult({ runId, headline: 'done' }) })
    }
    const { view, start } = useRun('capture')
    await start({})
    expect(view.phase).toBe('completed')
    expect(view.result?.headline).toBe('done')
  })

  it('still follows a run whose events come after the reply, and ignores runs it did not start', async () => {
    let started = ''
    onStartRun = (runId) => {
      started = runId
      emit('runFinished', { runId: 'someone-elses-run', result: fixtureResult({ runId: 'someone-elses-run', headline: 'not ours' }) })
    }
    const { view, start } = useRun('fanout')
    await start({})
    expect(view.phase).toBe('queued')
    emit('runFailed', { runId: started, experimentId: 'fanout', cancelled: true, error: { name: 'LabError', message: 'The run was cancelled.' } })
    expect(view.phase).toBe('cancelled')
  })
})
