/** The engine as the app drives it: createLab, a run started through the run manager, its result. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { labPaths } from './paths.js'

export function newLab(createLab) {
  const dataDir = mkdtempSync(join(tmpdir(), 'concurrency-lab-bench-'))
  const lab = createLab({ host: 'cli', dataDir, paths: labPaths })
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
