/**
 * Crafted results for the tests that read them: a valid result with one to three fields (anywhere
 * in it) replaced by a hostile value or removed. Seeded, so a failing case can be replayed.
 */

/** A small seeded generator (a linear congruential one), so a failing case can be reproduced. */
export function seededRandom(seed: number): () => number {
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

export const REMOVE = Symbol('remove the field')
export const hostileValues: readonly unknown[] = [
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

export type Path = (string | number)[]

/** Every path in a JSON value, objects and arrays included. */
export function pathsOf(value: unknown, prefix: Path = [], into: Path[] = []): Path[] {
  if (typeof value !== 'object' || value === null) return into
  for (const [key, child] of Object.entries(value)) {
    const path = [...prefix, Array.isArray(value) ? Number(key) : key]
    into.push(path)
    pathsOf(child, path, into)
  }
  return into
}

export function replaceAt(root: Record<string, unknown>, path: Path, value: unknown): void {
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

export interface HostileCase {
  json: string
  changes: { path: Path; value: unknown }[]
  /** "case 12 (seed …): data.limits.0 = {}" — what to replay. */
  where: string
}

/** `count` crafted results from the bases, deterministic for a seed. */
export function* hostileCases(bases: readonly object[], count: number, seed: number): Generator<HostileCase> {
  const next = seededRandom(seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!
  for (let index = 0; index < count; index++) {
    const result = JSON.parse(JSON.stringify(pick(bases))) as Record<string, unknown>
    const paths = pathsOf(result)
    const changes = Array.from({ length: 1 + Math.floor(next() * 3) }, () => ({ path: pick(paths), value: pick(hostileValues) }))
    for (const { path, value } of changes) replaceAt(result, path, value)
    const where = `case ${index} (seed ${seed}): ${changes.map((c) => `${c.path.join('.')} = ${c.value === REMOVE ? 'removed' : JSON.stringify(c.value)?.slice(0, 40)}`).join('; ')}`
    yield { json: JSON.stringify(result), changes, where }
  }
}
