import { describe, expect, it } from 'vitest'
import { isBusy, nextRunView, progressFraction, type RunView } from '../../src/renderer/src/composables/run-state'

const progress = { runId: 'r1', experimentId: 'fanout', message: 'Measuring', done: 2, total: 8 }

describe('a run as the screen shows it', () => {
  it('goes queued → running → completed', () => {
    let view: RunView = { phase: 'idle' }
    view = nextRunView(view, { type: 'started', runId: 'r1' })
    expect(view).toMatchObject({ phase: 'queued', runId: 'r1' })
    expect(isBusy(view)).toBe(true)
    view = nextRunView(view, { type: 'progress', progress })
    expect(view.phase).toBe('running')
    expect(progressFraction(view)).toBe(0.25)
    view = nextRunView(view, { type: 'finished', result: {} as never })
    expect(view.phase).toBe('completed')
    expect(isBusy(view)).toBe(false)
    expect(progressFraction(view)).toBe(1)
  })

  it('stays cancelling while late progress arrives, then ends cancelled', () => {
    let view: RunView = nextRunView({ phase: 'idle' }, { type: 'started', runId: 'r1' })
    view = nextRunView(view, { type: 'cancelRequested' })
    view = nextRunView(view, { type: 'progress', progress })
    expect(view.phase).toBe('cancelling')
    view = nextRunView(view, { type: 'failed', cancelled: true, error: { name: 'LabError', message: 'The run was cancelled.' } })
    expect(view.phase).toBe('cancelled')
  })

  it('keeps the previous result on screen when a new run is refused', () => {
    const previous = { runId: 'old' } as never
    const view = nextRunView({ phase: 'completed', result: previous }, { type: 'rejected', error: { name: 'LabError', message: 'Invalid.' } })
    expect(view).toMatchObject({ phase: 'failed', result: previous })
  })
})
