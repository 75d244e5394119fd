import { join } from 'node:path'
import { SHARE_ENV, Worker } from 'node:worker_threads'
import type { EventName, EventPayload } from '../../../shared/contract/contract'
import { LabError, toErrorData, type Envelope } from '../../../shared/errors'
import type { Settings } from '../../../shared/settings'
import type { LabDoor } from '../lab'
import { hostRuntime } from '../runtime'
import { EventHub } from '../runs/event-hub'
import type { FromEngine, LabThreadSetup, ShellHandlers, ShellRequestName } from './thread-protocol'

export interface LabThreadOptions extends Omit<LabThreadSetup, 'shellRequests' | 'runtime'>, ShellHandlers {
  /** Told after the settings were saved (the desktop shell applies the theme to native menus and dialogs). */
  onSettingsSaved?: (settings: Settings) => void
}

export interface LabThread extends LabDoor {
  /** The engine's thread now, or undefined between a thread that died and the next request. */
  engineThread(): Worker | undefined
}

/** How long an orderly shutdown of the engine may take (its own deadline) before the thread is ended. */
const SHUTDOWN_WITHIN_MS = 3_000
/** What the engine thread gets beyond its own deadline to say it has shut down. */
const SHUTDOWN_SLACK_MS = 2_000

interface EngineThread {
  worker: Worker
  /** Requests sent to this thread and not yet answered, by id. */
  pending: Map<number, (envelope: Envelope<unknown>) => void>
  /** Settles when the thread has said it shut down, or has ended. */
  shut: Promise<void>
}

const stoppedEnvelope = (why: string): Envelope<never> => ({
  ok: false,
  error: toErrorData(new LabError('internal', `The lab's engine stopped (${why}) before it answered. Any run in progress ended; start it again.`)),
})

/**
 * The engine in a worker thread of its own, behind the same door as an engine in this thread:
 * the desktop app's main thread and the browser host's then only relay requests and events, so
 * what a run does there (starting children, collecting its own garbage, summarising) never holds
 * up a window or an HTTP answer. A thread that dies answers its pending requests with an error
 * and is started afresh on the next request; its children are ended with it (the addon kills
 * its children when the thread's environment goes, and an orderly shutdown ends everything).
 */
export function startLabThread(options: LabThreadOptions): LabThread {
  const { onSettingsSaved, saveExport, saveReportPdf, ...data } = options
  const shellHandlers: ShellHandlers = { saveExport, saveReportPdf }
  const setup: LabThreadSetup = {
    ...data,
    runtime: hostRuntime(),
    shellRequests: (Object.keys(shellHandlers) as ShellRequestName[]).filter((name) => shellHandlers[name] !== undefined),
  }
  const events = new EventHub()
  let current: EngineThread | undefined
  let closed = false
  let nextId = 0

  const answerShell = async (thread: EngineThread, id: number, name: ShellRequestName, args: unknown): Promise<void> => {
    let envelope: Envelope<unknown>
    try {
      // the thread asks only for the requests named in its setup, which are the handlers given
      const handler = shellHandlers[name] as (args: unknown) => Promise<unknown>
      envelope = { ok: true, value: await handler(args) }
    } catch (error) {
      envelope = { ok: false, error: toErrorData(error) }
    }
    thread.worker.postMessage({ type: 'shell-reply', id, envelope })
  }

  const start = (): EngineThread => {
    // SHARE_ENV: the engine's changes to the environment (the desktop app's repaired PATH) are the
    // process's, which is where the vfork addon's children read theirs from
    const worker = new Worker(join(options.paths.workersDir, 'engine.js'), { workerData: setup, env: SHARE_ENV, name: 'concurrency-lab engine' })
    let saidShut: () => void = () => {}
    const thread: EngineThread = { worker, pending: new Map(), shut: new Promise((resolve) => (saidShut = resolve)) }
    let failure = 'it ended'
    worker.on('message', (message: FromEngine) => {
      switch (message.type) {
        case 'reply':
          thread.pending.get(message.id)?.(message.envelope)
          thread.pending.delete(message.id)
          break
        case 'event':
          events.emit(message.name, message.payload as EventPayload<EventName>)
          break
        case 'shell-request':
          void answerShell(thread, message.id, message.name, message.args)
          break
        case 'settings-saved':
          onSettingsSaved?.(message.settings)
          break
        case 'shut':
          saidShut()
          break
      }
    })
    worker.on('error', (error) => (failure = `${error.name}: ${error.message}`))
    worker.on('exit', (code) => {
      if (current === thread) current = undefined
      const why = code === 0 ? failure : `${failure}, exit code ${code}`
      for (const answer of thread.pending.values()) answer(stoppedEnvelope(why))
      thread.pending.clear()
      saidShut()
    })
    return thread
  }

  const request = (name: string, args: unknown): Promise<Envelope<unknown>> => {
    if (closed) return Promise.resolve({ ok: false, error: toErrorData(new LabError('not-available', 'The lab is shutting down; it takes no more requests.')) })
    current ??= start()
    const thread = current
    const id = nextId++
    return new Promise((resolve) => {
      thread.pending.set(id, resolve)
      thread.worker.postMessage({ type: 'request', id, name, args })
    })
  }

  const shutdown = async ({ withinMs = SHUTDOWN_WITHIN_MS } = {}): Promise<void> => {
    closed = true
    const thread = current
    if (!thread) return
    thread.worker.postMessage({ type: 'shutdown', withinMs })
    let timer: NodeJS.Timeout | undefined
    await Promise.race([thread.shut, new Promise<void>((resolve) => (timer = setTimeout(resolve, withinMs + SHUTDOWN_SLACK_MS)))])
    clearTimeout(timer)
    // resolves once the thread's 'exit' has been handled (above): its pending requests are answered by then
    await thread.worker.terminate()
  }

  // started now, so that a host that asked for its spawner helpers at once has them before the first run
  current = start()
  return { request, events, shutdown, engineThread: () => current?.worker }
}
