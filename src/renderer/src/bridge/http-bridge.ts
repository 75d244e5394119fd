import { eventNames, requestNames, type EventName, type LabBridge } from '../../../shared/contract/contract'
import type { Envelope } from '../../../shared/errors'

/**
 * The browser face of window.lab: the same contract over HTTP (requests) and server-sent
 * events (engine events). Every URL lives under the token path the page was opened at.
 */
const SUBSCRIBE_WAIT_MS = 3000

export function createHttpBridge(baseUrl: URL = new URL('.', window.location.href)): LabBridge {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>()
  let source: EventSource | undefined
  let subscribed: Promise<void> = Promise.resolve()

  const connect = (): void => {
    if (source) return
    source = new EventSource(new URL('events', baseUrl))
    // the host sends a run's events only to streams already open: requests wait for it (briefly)
    const opened = source
    subscribed = new Promise<void>((resolve) => {
      opened.addEventListener('open', () => resolve(), { once: true })
      opened.addEventListener('error', () => resolve(), { once: true })
      setTimeout(resolve, SUBSCRIBE_WAIT_MS)
    })
    for (const name of eventNames) {
      source.addEventListener(name, (message) => {
        const payload = JSON.parse((message as MessageEvent<string>).data) as unknown
        for (const listener of listeners.get(name) ?? []) listener(payload)
      })
    }
  }

  const request = async (name: string, args: unknown): Promise<Envelope<unknown>> => {
    await subscribed
    try {
      const response = await fetch(new URL(`api/${name}`, baseUrl), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: args === undefined ? '' : JSON.stringify(args),
      })
      return (await response.json()) as Envelope<unknown>
    } catch (error) {
      return { ok: false, error: { name: 'LabError', code: 'not-available', message: `The lab's host did not answer (${(error as Error).message}). Is concurrency-lab serve still running?` } }
    }
  }

  const requests = Object.fromEntries(requestNames.map((name) => [name, (args?: unknown) => request(name, args)]))
  return {
    ...requests,
    host: 'browser',
    on(name: EventName, listener: (payload: unknown) => void) {
      connect()
      const set = listeners.get(name) ?? new Set()
      set.add(listener)
      listeners.set(name, set)
      return () => set.delete(listener)
    },
  } as unknown as LabBridge
}
