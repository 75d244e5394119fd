import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { EventName, EventPayload } from '../../../src/shared/contract/contract'
import { createLab, type Lab } from '../../../src/main/lab/lab'

export function testLab(): Lab {
  return createLab({
    host: 'cli',
    dataDir: mkdtempSync(join(tmpdir(), 'concurrency-lab-test-')),
    paths: { workersDir: resolve('out/main/workers'), resourcesDir: resolve('resources') },
  })
}

/** Resolves with the first event of that name for the run. */
export function nextEvent<E extends EventName>(lab: Lab, name: E, runId?: () => string | undefined): Promise<EventPayload<E>> {
  return new Promise((resolvePromise) => {
    const unsubscribe = lab.events.subscribe((eventName, payload) => {
      if (eventName !== name) return
      const id = (payload as { runId?: string }).runId
      const wanted = runId?.()
      if (wanted !== undefined && id !== wanted) return
      unsubscribe()
      resolvePromise(payload as EventPayload<E>)
    })
  })
}
