/** The examples to start from, as the modules a user would write: each exports work(input) and inputs(). */
export const WORKLOAD_EXAMPLE_SOURCES: Record<'cpu-hash' | 'io-timer' | 'uneven', string> = {
  'cpu-hash': `// CPU-bound: a hash loop (FNV-1a over a counter), no I/O at all.
export function inputs() {
  return [1, 2, 3, 4, 5, 6, 7, 8]
}

export function work(seed) {
  let hash = 2166136261 ^ seed
  for (let i = 0; i < 20_000_000; i++) {
    hash ^= i & 0xff
    hash = Math.imul(hash, 16777619) >>> 0
  }
  return hash
}
`,
  'io-timer': `// I/O-bound: each input waits 50 ms on a timer, as a network or disk call would.
export function inputs() {
  return [1, 2, 3, 4, 5, 6, 7, 8]
}

export async function work(id) {
  await new Promise((resolve) => setTimeout(resolve, 50))
  return { id, waitedMs: 50 }
}
`,
  uneven: `// CPU-bound with one input far larger than the rest: it sets a bound no number of workers can pass.
export function inputs() {
  return [8, 1, 1, 1, 1, 1, 1, 1]
}

export function work(size) {
  let hash = 2166136261
  for (let i = 0; i < size * 5_000_000; i++) hash = Math.imul(hash ^ (i & 0xff), 16777619) >>> 0
  return { size, hash }
}
`,
}
