import type { EventName, EventPayload, LabBridge, RequestArgs, RequestName, RequestResult } from '../../../shared/contract/contract'
import { createBridge } from '../../../shared/contract/create-bridge'
import type { Envelope } from '../../../shared/errors'

/**
 * The browser face of window.lab: the same contract over HTTP (requests) and server-sent
 * events (engine events). Every URL lives under the token path the page was opened at.
 */
const SUBSCRIBE_WAIT_MS = 3000

export function createHttpBridge(baseUrl: URL = new URL('.', window.location.href)): LabBridge {
  let source: EventSource | undefined
  let subscribed: Promise<void> = Promise.resolve()

  const connect = (): EventSource => {
    if (source) return source
    const opened = new EventSource(new URL('events', baseUrl))
    source = opened
    // the host sends a run's events only to streams already open: requests wait for it (briefly)
    subscribed = new Promise<void>((resolve) => {
      opened.addEventListener('open', () => resolve(), { once: true })
      opened.addEventListener('error', () => resolve(), { once: true })
      setTimeout(resolve, SUBSCRIBE_WAIT_MS)
    })
    return opened
  }

  const request = async <K extends RequestName>(name: K, args: RequestArgs<K> | undefined): Promise<Envelope<RequestResult<K>>> => {
    await subscribed
    try {
      const response = await fetch(new URL(`api/${name}`, baseUrl), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: args === undefined ? '' : JSON.stringify(args),
      })
      const envelope: Envelope<RequestResult<K>> = await response.json()
      return envelope
    } catch (error) {
      return { ok: false, error: { name: 'LabError', code: 'not-available', message: `The lab's host did not answer (${(error as Error).message}). Is concurrency-lab serve still running?` } }
    }
  }

  const subscribe = <E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): (() => void) => {
    const events = connect()
    const deliver = (message: MessageEvent<string>): void => listener(JSON.parse(message.data))
    events.addEventListener(name, deliver)
    return () => events.removeEventListener(name, deliver)
  }

  return createBridge({ host: 'browser', request, subscribe })
}
