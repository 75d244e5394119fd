import type { EventName, EventPayload, LabBridge, RequestArgs, RequestName, RequestResult } from '../../../shared/contract/contract'
import type { LabErrorData } from '../../../shared/errors'
import { createHttpBridge } from './http-bridge'

/** A failed request, with the engine's sentence as its message. */
export class LabRequestError extends Error {
  constructor(readonly data: LabErrorData) {
    super(data.message)
    this.name = 'LabRequestError'
  }
}

const bridge: LabBridge = window.lab ?? createHttpBridge()

/** Sends a request through whichever host serves the page; resolves with the value or throws LabRequestError. */
export async function request<K extends RequestName>(name: K, ...args: undefined extends RequestArgs<K> ? [args?: RequestArgs<K>] : [args: RequestArgs<K>]): Promise<RequestResult<K>> {
  const send = bridge[name] as (args?: unknown) => Promise<{ ok: true; value: RequestResult<K> } | { ok: false; error: LabErrorData }>
  const envelope = await send(args[0])
  if (!envelope.ok) throw new LabRequestError(envelope.error)
  return envelope.value
}

export function onEvent<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
  return bridge.on(name, listener)
}

export const hostKind = bridge.host
