import { afterAll, describe, expect, it } from 'vitest'
import { requestNames, type RequestName } from '../../src/shared/contract/contract'
import { dispatch } from '../../src/main/lab/dispatch'
import { labChildren } from './helpers/processes'
import { testLab } from './helpers/lab'

/** A small seeded generator, so a failing payload can be reproduced. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

const HUGE_STRING = 'x'.repeat(1_000_000)
const atoms: unknown[] = [
  undefined, null, true, false, 0, -1, 1.5, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER + 2, 1e308, -0,
  '', ' ', 'fanout', '../../etc/passwd', '\u0000', '<script>alert(1)</script>', HUGE_STRING, '__proto__', 'constructor',
  [], {}, [1, 2, 3], { length: 1e9 },
]
const pollution = [
  () => JSON.parse('{"__proto__": {"polluted": true}}') as unknown,
  () => JSON.parse('{"constructor": {"prototype": {"polluted": true}}}') as unknown,
  () => JSON.parse('{"experimentId": "fanout", "params": {"__proto__": {"polluted": true}}}') as unknown,
  () => ({ experimentId: 'fanout', params: JSON.parse('{"__proto__": {"children": 5}}') as unknown }),
]
const fieldNames = ['runId', 'experimentId', 'params', 'name', 'suggestedName', 'dataBase64', 'children', 'seconds', '__proto__']

function nested(depth: number): unknown {
  let value: unknown = 1
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value }
  return value
}

function payload(next: () => number): unknown {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!
  const roll = next()
  if (roll < 0.3) return pick(atoms)
  if (roll < 0.4) return pick(pollution)()
  if (roll < 0.45) return nested(1 + Math.floor(next() * 2000))
  const object: Record<string, unknown> = {}
  const fields = 1 + Math.floor(next() * 4)
  for (let i = 0; i < fields; i++) object[pick(fieldNames)] = roll < 0.8 ? pick(atoms) : { [pick(fieldNames)]: pick(atoms) }
  if (next() < 0.3) object.experimentId = 'fanout'
  return object
}

const lab = testLab()
afterAll(() => lab.shutdown())

describe('hostile payloads on every request channel', () => {
  const PER_CHANNEL = 300

  it.each(requestNames.map((name) => [name]))('%s answers each with a clear error and stays up', async (name) => {
    const next = random(requestNames.indexOf(name as RequestName) + 1)
    let refused = 0
    for (let i = 0; i < PER_CHANNEL; i++) {
      const reply = await dispatch(lab.handlers, name, payload(next))
      expect(typeof reply.ok).toBe('boolean')
      if (reply.ok) {
        // a payload that happened to be valid: cancel whatever it started
        const runId = (reply.value as { runId?: string } | undefined)?.runId
        if (name === 'startRun' && runId) lab.runs.cancel(runId)
      } else {
        refused++
        expect(reply.error.message.length).toBeGreaterThan(10)
        expect(reply.error.message.length).toBeLessThan(2000)
        expect(reply.error.message).not.toMatch(/at .*\.ts:\d+|undefined is not|Cannot read propert/)
      }
    }
    expect(refused).toBeGreaterThan(PER_CHANNEL * 0.8)
  })

  it('pollutes no prototype, leaves no child, and a valid request still works', async () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(({} as Record<string, unknown>).children).toBeUndefined()
    await lab.runs.shutdown()
    expect(labChildren(lab)).toEqual([])
    const info = await dispatch(lab.handlers, 'getMachineInfo', undefined)
    expect(info.ok).toBe(true)
  })

  it('refuses channels that do not exist, whatever their name', async () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'x'.repeat(10_000)]) {
      const reply = await dispatch(lab.handlers, name, {})
      expect(reply.ok).toBe(false)
      expect(!reply.ok && reply.error.code).toBe('unknown-channel')
    }
  })
})
