import { performance } from 'node:perf_hooks'
import { parentPort } from 'node:worker_threads'
import { RELEASED, START_CELL } from '../races/counter-cells'
import { incrementers } from '../races/increment'
import type { TrialRequest, WorkerReply } from '../races/protocol'
import { traceLogViews } from '../races/trace-buffer'
import { incrementTraced } from '../races/traced-increment'

/**
 * One racer: for each trial it says "ready", sleeps at the start barrier until the parent
 * releases every racer at once, then increments the shared counter in the trial's mode.
 */
const port = parentPort
if (!port) throw new Error('race.worker must run as a worker thread.')
const reply = (message: WorkerReply): void => port.postMessage(message)
const epochMs = (): number => performance.timeOrigin + performance.now()

port.on('message', (request: TrialRequest) => {
  try {
    const cells = new Int32Array(request.buffer)
    const increment = incrementers[request.mode] as (typeof incrementers)[keyof typeof incrementers] | undefined
    if (!increment) throw new Error(`unknown race mode "${request.mode}"`)
    reply({ type: 'ready', trialId: request.trialId })
    // Sleeps until the parent releases everyone; returns at once if it already did ("not-equal").
    // No spinning here: on 2 cores, spinning racers starve the parent that must release them.
    Atomics.wait(cells, START_CELL, 0)
    if (Atomics.load(cells, START_CELL) !== RELEASED) throw new Error('woke at the start barrier without being released')
    const startedAtMs = epochMs()
    if (request.trace) {
      const { log, rendezvous, workers } = request.trace
      incrementTraced(request.mode, cells, request.increments, traceLogViews(log, request.increments), new Int32Array(rendezvous), workers)
    } else {
      increment(cells, request.increments)
    }
    reply({ type: 'done', trialId: request.trialId, startedAtMs, endedAtMs: epochMs() })
  } catch (error) {
    reply({ type: 'failed', trialId: request.trialId, message: (error as Error).message })
  }
})
reply({ type: 'loaded' })
