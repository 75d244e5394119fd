import type { EventName, EventPayload, LabBridge, RequestArgs, RequestName, RequestResult } from '../../../src/shared/contract/contract'
import { createBridge, type BridgeTransport } from '../../../src/shared/contract/create-bridge'
import type { Envelope } from '../../../src/shared/errors'

/** What a test answers, per request: typed by the contract, so a double cannot drift from it. */
export type TestAnswers = { [K in RequestName]?: (args: RequestArgs<K> | undefined) => Envelope<RequestResult<K>> | Promise<Envelope<RequestResult<K>>> }

type Listeners = { [E in EventName]?: Set<(payload: EventPayload<E>) => void> }

export interface InMemoryBridge {
  bridge: LabBridge
  /** Delivers an engine event to the page's listeners, now. */
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void
}

/** A window.lab for tests, built by the same createBridge as the real hosts, over a transport in memory. */
export function inMemoryBridge(answers: TestAnswers = {}, host: LabBridge['host'] = 'browser'): InMemoryBridge {
  const listeners: Listeners = {}
  const transport: BridgeTransport = {
    host,
    request: async (name, args) => answers[name]?.(args) ?? { ok: false, error: { name: 'LabError', code: 'not-available', message: `No engine in this test answers ${name}.` } },
    subscribe: (name, listener) => subscribeTo(listeners, name, listener),
  }
  return { bridge: createBridge(transport), emit: (name, payload) => emitTo(listeners, name, payload) }
}

// typed over E itself, so that TypeScript pairs the event's name with its listeners
function subscribeTo<E extends EventName>(listeners: { [P in E]?: Set<(payload: EventPayload<P>) => void> }, name: E, listener: (payload: EventPayload<E>) => void): () => void {
  const subscribed = listeners[name] ?? new Set()
  listeners[name] = subscribed
  subscribed.add(listener)
  return () => subscribed.delete(listener)
}

function emitTo<E extends EventName>(listeners: { [P in E]?: Set<(payload: EventPayload<P>) => void> }, name: E, payload: EventPayload<E>): void {
  for (const listener of listeners[name] ?? []) listener(payload)
}
