/** The engine as the faces drive it: createLab (or the engine's own thread), a run started through the run manager, its result. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { labPaths } from './paths.js'

export function newLab(createLab, options = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'concurrency-lab-bench-'))
  const lab = createLab({ host: 'cli', dataDir, paths: labPaths, ...options })
  return {
    lab,
    async close() {
      await lab.shutdown()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Starts a run and resolves with its result (rejects with the run's error message). */
export function runExperiment(lab, experimentId, params) {
  return new Promise((resolve, reject) => {
    let runId
    const early = []
    const settle = (name, payload) => {
      if (name === 'runFinished') resolve(payload.result)
      else reject(new Error(`${experimentId} failed: ${payload.error.message}`))
      unsubscribe()
    }
    const unsubscribe = lab.events.subscribe((name, payload) => {
      if (name !== 'runFinished' && name !== 'runFailed') return
      if (runId === undefined) early.push([name, payload])
      else if (payload.runId === runId) settle(name, payload)
    })
    try {
      runId = lab.runs.start(experimentId, params).runId
    } catch (error) {
      unsubscribe()
      reject(error)
      return
    }
    for (const [name, payload] of early) if (payload.runId === runId) settle(name, payload)
  })
}

/**
 * Starts a run through a face's door (lab.request, as the desktop app and the browser host send
 * it; the engine may be in its own thread) and resolves with its result.
 */
export async function runThroughDoor(door, experimentId, params) {
  let runId
  const early = []
  let settle
  const settled = new Promise((resolve, reject) => {
    settle = (name, payload) => (name === 'runFinished' ? resolve(payload.result) : reject(new Error(`${experimentId} failed: ${payload.error.message}`)))
  })
  const unsubscribe = door.events.subscribe((name, payload) => {
    if (name !== 'runFinished' && name !== 'runFailed') return
    if (runId === undefined) early.push([name, payload])
    else if (payload.runId === runId) settle(name, payload)
  })
  try {
    const started = await door.request('startRun', { experimentId, params })
    if (!started.ok) throw new Error(`${experimentId} was refused: ${started.error.message}`)
    runId = started.value.runId
    for (const [name, payload] of early) if (payload.runId === runId) settle(name, payload)
    return await settled
  } finally {
    unsubscribe()
  }
}
