import { describe, expect, it } from 'vitest'
import { LabError } from '../../src/shared/errors'
import { comparisonExporters, exporters } from '../../src/shared/export/registry'
import { parseRunResult } from '../../src/shared/model/result-schema'
import { asCaptureRun, asPipelineRun, fixtureResult } from './fixtures/run-result'

/*
 * A property of every result the lab reads: it is refused with a sentence that names a field it
 * got wrong, or every exporter renders it. Each case is a valid result with one to three fields
 * (anywhere in it) replaced by a hostile value or removed. Seeded, so a failure can be replayed.
 */

const CASES = 600
const SEED = 20261129

/** A small seeded generator (a linear congruential one), so a failing case can be reproduced. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

function nested(depth: number): unknown {
  let value: unknown = 1
  for (let level = 0; level < depth; level++) value = level % 2 ? [value] : { a: value }
  return value
}

const REMOVE = Symbol('remove the field')
const hostileValues: readonly unknown[] = [
  {},
  { toString: 'x' },
  { valueOf: 'x', toString: 'x' },
  [],
  [{}],
  ['a', { toString: 'x' }],
  1e300,
  -1e300,
  -1,
  0,
  1.5,
  -0.5,
  null, // NaN and Infinity as JSON writes them
  '',
  'x'.repeat(200_001),
  '<script>alert(1)</script>',
  '2026-13-45T99:99:99Z',
  '3000-01-01T00:00:00.000Z',
  true,
  nested(200),
  REMOVE,
]

type Path = (string | number)[]

/** Every path in a JSON value, objects and arrays included. */
function pathsOf(value: unknown, prefix: Path = [], into: Path[] = []): Path[] {
  if (typeof value !== 'object' || value === null) return into
  for (const [key, child] of Object.entries(value)) {
    const path = [...prefix, Array.isArray(value) ? Number(key) : key]
    into.push(path)
    pathsOf(child, path, into)
  }
  return into
}

function replaceAt(root: Record<string, unknown>, path: Path, value: unknown): void {
  let parent = root as Record<string | number, unknown>
  for (const key of path.slice(0, -1)) {
    const next = parent[key]
    if (typeof next !== 'object' || next === null) return // an earlier change took this branch away
    parent = next as Record<string | number, unknown>
  }
  const last = path.at(-1)!
  if (value === REMOVE) {
    if (Array.isArray(parent)) parent.splice(last as number, 1)
    else delete parent[last]
  } else {
    parent[last] = structuredClone(value)
  }
}

/** The words a refusal may use for a field at this path: its names, and the top field's own sentence. */
function namesFor(path: Path): string[] {
  const names = path.filter((key): key is string => typeof key === 'string')
  if (path[0] === 'schemaVersion') names.push('result schema')
  return names
}

const bases = [fixtureResult(), asCaptureRun(fixtureResult()), asPipelineRun(fixtureResult())]

describe('a result with hostile fields is refused naming one, or exports in every format', () => {
  it(`${CASES} seeded cases`, () => {
    const next = seededRandom(SEED)
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!
    let refused = 0
    for (let index = 0; index < CASES; index++) {
      const base = pick(bases)
      const result = JSON.parse(JSON.stringify(base)) as Record<string, unknown>
      const paths = pathsOf(result)
      const changes = Array.from({ length: 1 + Math.floor(next() * 3) }, () => ({ path: pick(paths), value: pick(hostileValues) }))
      for (const { path, value } of changes) replaceAt(result, path, value)
      const json = JSON.stringify(result)
      const where = `case ${index} (seed ${SEED}): ${changes.map((c) => `${c.path.join('.')} = ${c.value === REMOVE ? 'removed' : JSON.stringify(c.value)?.slice(0, 40)}`).join('; ')}`
      let parsed
      try {
        parsed = parseRunResult(json, 'crafted.json')
      } catch (error) {
        refused++
        expect(error, where).toBeInstanceOf(LabError)
        const message = (error as Error).message
        expect(message, where).toMatch(/^\S.*\.$/s)
        expect(changes.some((c) => namesFor(c.path).some((name) => message.includes(name))), `${where}\n${message}`).toBe(true)
        continue
      }
      for (const exporter of exporters) expect(() => exporter.export(parsed), `${where}: ${exporter.id}`).not.toThrow()
      for (const exporter of comparisonExporters) expect(() => exporter.export([parsed, parsed]), `${where}: ${exporter.id}`).not.toThrow()
    }
    // most changes break the schema, but not all: both sides of the property are exercised
    expect(refused).toBeGreaterThan(CASES / 4)
    expect(refused).toBeLessThan(CASES)
  })
})
