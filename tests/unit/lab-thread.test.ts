import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { EventName } from '../../src/shared/contract/contract'
import type { Envelope } from '../../src/shared/errors'
import type { Settings } from '../../src/shared/settings'
import type { RunResult } from '../../src/shared/model/result'
import { tellHostRuntime } from '../../src/main/lab/runtime'
import { startLabThread, type LabThread, type LabThreadOptions } from '../../src/main/lab/thread/lab-thread'
import { descendantsOf, processAlive } from './helpers/processes'
import { testPaths } from './helpers/lab'

const opened: LabThread[] = []

function testThread(overrides: Partial<LabThreadOptions> = {}): LabThread {
  const door = startLabThread({ host: 'browser', dataDir: mkdtempSync(join(tmpdir(), 'concurrency-lab-thread-')), paths: testPaths, ...overrides })
  opened.push(door)
  return door
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((door) => door.shutdown({ withinMs: 500 })))
})

const valueOf = <T>(envelope: Envelope<unknown>): T => {
  if (!envelope.ok) throw new Error(`refused: ${envelope.error.message}`)
  return envelope.value as T
}

/** Resolves with the payload of the first event of that name. */
function nextEvent(door: LabThread, wanted: EventName): Promise<unknown> {
  return new Promise((resolve) => {
    const unsubscribe = door.events.subscribe((name, payload) => {
      if (name !== wanted) return
      unsubscribe()
      resolve(payload)
    })
  })
}

/** Waits until `check` holds, or fails after `withinMs`. */
async function eventually(check: () => boolean, withinMs: number, what: string): Promise<void> {
  const until = Date.now() + withinMs
  while (!check()) {
    if (Date.now() > until) throw new Error(`not within ${withinMs} ms: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Starts a fan-out of 30 s children through the door; resolves with this process's descendants once they run. */
async function startLongChildren(door: LabThread, children: number): Promise<number[]> {
  const started = nextEvent(door, 'runProgress')
  valueOf(await door.request('startRun', { experimentId: 'fanout', params: { children, seconds: 30, runs: 1, warmup: 0 } }))
  await started
  await eventually(() => descendantsOf().length > 0, 5000, 'the run\'s children started')
  return descendantsOf()
}

describe('the engine in a thread of its own', () => {
  it('runs in another thread, answers requests and sends a run\'s events to the face', async () => {
    const door = testThread()
    const engine = door.engineThread()
    expect(engine?.threadId).toBeGreaterThan(0)
    const finished = nextEvent(door, 'runFinished')
    const { runId } = valueOf<{ runId: string }>(await door.request('startRun', { experimentId: 'fanout', params: { children: 2, seconds: 0.05, runs: 1, warmup: 0 } }))
    const { result } = (await finished) as { result: RunResult }
    expect(result.runId).toBe(runId)
    expect(result.experimentId).toBe('fanout')
    expect(valueOf<{ state: string }>(await door.request('getRunStatus', { runId })).state).toBe('completed')
    // the same result is in the store the thread keeps
    expect(valueOf<RunResult>(await door.request('getResult', { runId })).runId).toBe(runId)
  })

  it('validates every payload in the engine, and refuses an unknown request', async () => {
    const door = testThread()
    const refused = await door.request('startRun', { experimentId: 'fanout', params: { children: -3 } })
    expect(refused.ok).toBe(false)
    if (!refused.ok) expect(refused.error.code).toBe('invalid-params')
    const unknown = await door.request('formatDisk', {})
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown-channel' } })
  })

  it('hands the requests only the face can answer (a save dialog) to the face, and tells it of saved settings', async () => {
    const asked: unknown[] = []
    const saved: Settings[] = []
    const door = testThread({
      saveExport: async (args) => (asked.push(args), { savedPath: '/home/someone/chart.png' }),
      onSettingsSaved: (settings) => saved.push(settings),
    })
    const answer = await door.request('saveExport', { suggestedName: 'chart.png', dataBase64: 'aGVsbG8=' })
    expect(valueOf<{ savedPath: string }>(answer)).toEqual({ savedPath: '/home/someone/chart.png' })
    expect(asked).toHaveLength(1)
    // a face without a PDF printer says so, from the engine, as any face without one does
    expect(await door.request('saveReportPdf', { suggestedName: 'r.pdf', html: '<p>x</p>' })).toMatchObject({ ok: false })
    valueOf(await door.request('saveSettings', { theme: 'dark' }))
    expect(saved.map((settings) => settings.theme)).toEqual(['dark'])
  })

  it('tells the thread which Electron the app runs in, which the thread\'s own process.versions may not say', async () => {
    tellHostRuntime({ electron: { electron: '45.5.0', chrome: '146.0.0.0' } })
    try {
      const door = testThread()
      tellHostRuntime(undefined)
      const info = valueOf<{ runtimes: Record<string, string> }>(await door.request('getMachineInfo', {}))
      expect(info.runtimes).toMatchObject({ electron: '45.5.0', chrome: '146.0.0.0', node: process.versions.node })
    } finally {
      tellHostRuntime(undefined)
    }
  })

  it('answers the requests of a thread that dies with an error, kills its children, and starts afresh on the next request', async () => {
    const door = testThread()
    const children = await startLongChildren(door, 1)
    // probing every Python takes the engine tens of ms at least: still unanswered when the thread goes
    const pending = door.request('listInterpreters', { refresh: true })
    // ended from outside, as a crash would: no 'exit' handler of the thread runs
    await door.engineThread()!.terminate()
    expect(await pending).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringMatching(/engine stopped/) } })
    await eventually(() => children.every((pid) => !processAlive(pid)), 5000, `children ${children.join(', ')} ended with the thread`)
    expect(door.engineThread()).toBeUndefined()
    const info = valueOf<{ logicalCores: number }>(await door.request('getMachineInfo', {}))
    expect(info.logicalCores).toBeGreaterThan(0)
    expect(door.engineThread()).toBeDefined()
  })

  it('shuts down with its runs cancelled, its children and the thread ended, and takes no more requests', async () => {
    const door = testThread()
    const children = await startLongChildren(door, 2)
    const engine = door.engineThread()!
    const ended = new Promise((resolve) => engine.once('exit', resolve))
    await door.shutdown()
    await ended
    expect(children.filter(processAlive)).toEqual([])
    expect(descendantsOf()).toEqual([])
    expect(await door.request('getSettings', undefined)).toMatchObject({ ok: false, error: { code: 'not-available' } })
  })
})
