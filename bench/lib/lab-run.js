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

/**
 * Starts a run as a face does (door.request: a lab of this thread, or the engine's own thread, as
 * the desktop app and the browser host run it) and resolves with its result (rejects with the
 * run's error message).
 */
export async function runExperiment(door, experimentId, params) {
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
