import type { EventName, EventPayload, LabBridge, RequestCallArgs, RequestMethod, RequestName, RequestResult } from '../../../shared/contract/contract'
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
export async function request<K extends RequestName>(name: K, ...args: RequestCallArgs<K>): Promise<RequestResult<K>> {
  // seen as a table typed over K, so that TypeScript pairs this name with its method
  const methods: { [P in K]: RequestMethod<P> } = bridge
  const send = methods[name]
  const envelope = await send(...args)
  if (!envelope.ok) throw new LabRequestError(envelope.error)
  return envelope.value
}

export function onEvent<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
  return bridge.on(name, listener)
}

export const hostKind = bridge.host
