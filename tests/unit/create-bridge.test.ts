import { describe, expect, it } from 'vitest'
import { requestNames, type EventName, type EventPayload, type RequestName } from '../../src/shared/contract/contract'
import { createBridge, type BridgeTransport } from '../../src/shared/contract/create-bridge'
import type { Envelope } from '../../src/shared/errors'
import { inMemoryBridge } from './helpers/bridge'

/** A transport that records what the bridge hands it and answers each request with a fresh envelope. */
function recordingTransport(host: BridgeTransport['host'] = 'browser') {
  const sent: { name: RequestName; args: unknown; answer: Envelope<unknown> }[] = []
  const subscribed: EventName[] = []
  let unsubscribed = 0
  const transport: BridgeTransport = {
    host,
    request: async (name, args) => {
      const answer = { ok: false as const, error: { name: 'LabError', message: `answer ${sent.length} to ${name}` } }
      sent.push({ name, args, answer })
      return answer
    },
    subscribe: (name) => {
      subscribed.push(name)
      return () => void unsubscribed++
    },
  }
  return { transport, sent, subscribed, unsubscribedCount: () => unsubscribed }
}

describe('createBridge: window.lab built from the contract over any transport', () => {
  it('makes every request name a method that forwards the name and the arguments and returns the envelope', async () => {
    const { transport, sent } = recordingTransport()
    const bridge = createBridge(transport)
    const methods: Record<string, unknown> = bridge
    expect(Object.keys(bridge).sort()).toEqual([...requestNames, 'host', 'on'].sort())
    for (const name of requestNames) {
      const method = methods[name]
      if (typeof method !== 'function') throw new Error(`${name} is not a method`)
      const args = { marker: name }
      const answer: unknown = await Reflect.apply(method, bridge, [args])
      expect(sent.at(-1), name).toEqual({ name, args, answer })
      expect(sent.at(-1)!.args, name).toBe(args)
      expect(answer, name).toBe(sent.at(-1)!.answer)
    }
    expect(sent.map((request) => request.name)).toEqual(requestNames)
  })

  it('passes no arguments as undefined, and typed arguments as they are', async () => {
    const { transport, sent } = recordingTransport()
    const bridge = createBridge(transport)
    await bridge.getMachineInfo()
    await bridge.cancelRun({ runId: 'run-1' })
    expect(sent.map(({ name, args }) => [name, args])).toEqual([
      ['getMachineInfo', undefined],
      ['cancelRun', { runId: 'run-1' }],
    ])
  })

  it('refuses an event that the contract does not have, in the sentence the preload always gave', () => {
    const { transport, subscribed } = recordingTransport()
    const bridge = createBridge(transport)
    // @ts-expect-error the compiler refuses it too; a page in plain JavaScript reaches the check below
    expect(() => bridge.on('runExploded', () => {})).toThrow('There is no event called "runExploded".')
    expect(subscribed).toEqual([])
    bridge.on('runProgress', () => {})
    expect(subscribed).toEqual(['runProgress'])
  })

  it('delivers events until a listener unsubscribes, and only that listener stops', () => {
    const { bridge, emit } = inMemoryBridge()
    const seen: string[] = []
    const progress = (label: string) => (payload: EventPayload<'runProgress'>) => void seen.push(`${label}:${payload.message}`)
    const unsubscribeFirst = bridge.on('runProgress', progress('first'))
    bridge.on('runProgress', progress('second'))
    emit('runProgress', { runId: 'r', experimentId: 'fanout', message: 'one', done: 0, total: 2 })
    unsubscribeFirst()
    emit('runProgress', { runId: 'r', experimentId: 'fanout', message: 'two', done: 1, total: 2 })
    expect(seen).toEqual(['first:one', 'second:one', 'second:two'])
  })

  it("hands back the transport's own unsubscribe", () => {
    const recording = recordingTransport()
    const unsubscribe = createBridge(recording.transport).on('runFinished', () => {})
    expect(recording.unsubscribedCount()).toBe(0)
    unsubscribe()
    expect(recording.unsubscribedCount()).toBe(1)
  })

  it('carries the host it was built for', () => {
    expect(createBridge(recordingTransport('electron').transport).host).toBe('electron')
    expect(createBridge(recordingTransport('browser').transport).host).toBe('browser')
  })
})
