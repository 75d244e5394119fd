import { eventNames, requestNames, type EventName, type EventPayload, type LabBridge, type RequestArgs, type RequestMethod, type RequestName, type RequestResult } from './contract'
import type { Envelope } from '../errors'

/**
 * How a host carries the contract: the preload over Electron's IPC, the browser over HTTP and
 * server-sent events, a test in memory. A transport is where the contract's types meet the wire:
 * what arrives is taken to be what the contract says (the engine checks every request's arguments,
 * and its handlers are typed by the same contract).
 */
export interface BridgeTransport {
  readonly host: LabBridge['host']
  request<K extends RequestName>(name: K, args: RequestArgs<K> | undefined): Promise<Envelope<RequestResult<K>>>
  subscribe<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void
}

type RequestMethods = { [K in RequestName]: RequestMethod<K> }

/** The page's window.lab: one method per request name, `on` for the events, and the host's kind. */
export function createBridge(transport: BridgeTransport): LabBridge {
  return {
    ...requestMethods(transport),
    host: transport.host,
    on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
      if (!eventNames.includes(name)) throw new Error(`There is no event called "${String(name)}".`)
      return transport.subscribe(name, listener)
    },
  }
}

function requestMethods(transport: BridgeTransport): RequestMethods {
  const methods: { [K in RequestName]?: RequestMethod<K> } = {}
  for (const name of requestNames) addRequestMethod(methods, name, transport)
  // Each method is checked against its own request by addRequestMethod; what TypeScript cannot follow
  // through a loop over the names is that every name was then filled in, so that alone is asserted here.
  return methods as RequestMethods
}

// The table is typed over K itself so that TypeScript pairs this name with this method.
function addRequestMethod<K extends RequestName>(methods: { [P in K]?: RequestMethod<P> }, name: K, transport: BridgeTransport): void {
  methods[name] = (...args) => transport.request(name, args[0])
}
