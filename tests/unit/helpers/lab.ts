import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { EventName, EventPayload } from '../../../src/shared/contract/contract'
import { createLab, type Lab, type LabOptions } from '../../../src/main/lab/lab'

/** The built workers of this checkout (CONCURRENCY_LAB_OUT when building apart) and the shipped resources. */
export const testPaths = { workersDir: resolve(process.env.CONCURRENCY_LAB_OUT ?? 'out', 'main', 'workers'), resourcesDir: resolve('resources') }

export function testLab(overrides: Partial<LabOptions> = {}): Lab {
  return createLab({
    host: 'cli',
    dataDir: mkdtempSync(join(tmpdir(), 'concurrency-lab-test-')),
    paths: testPaths,
    ...overrides,
  })
}

/** Resolves with the first event of that name for the run. */
export function nextEvent<E extends EventName>(lab: Lab, name: E, runId?: () => string | undefined): Promise<EventPayload<E>> {
  return new Promise((resolvePromise) => {
    const unsubscribe = lab.events.subscribe((eventName, payload) => {
      if ((eventName as EventName) !== name) return
      const id = (payload as { runId?: string }).runId
      const wanted = runId?.()
      if (wanted !== undefined && id !== wanted) return
      unsubscribe()
      resolvePromise(payload as EventPayload<E>)
    })
  })
}
