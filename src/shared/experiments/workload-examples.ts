import { WORKLOAD_LANGUAGES, type WorkloadLanguage, type WorkloadParams } from './workload'

type ExampleName = 'cpu-hash' | 'io-timer' | 'uneven'

/** The examples to start from, as the modules a user would write: each exports work(input) and inputs(). */
const WORKLOAD_EXAMPLE_SOURCES: Record<ExampleName, string> = {
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

/** The same three in Python: each defines work(x) and inputs(). */
const PYTHON_WORKLOAD_EXAMPLE_SOURCES: Record<ExampleName, string> = {
  'cpu-hash': `# CPU-bound: a hash loop (FNV-1a over a counter), no I/O at all.
def inputs():
    return [1, 2, 3, 4, 5, 6, 7, 8]


def work(seed):
    h = 2166136261 ^ seed
    for i in range(300_000):
        h = ((h ^ (i & 0xFF)) * 16777619) & 0xFFFFFFFF
    return h
`,
  'io-timer': `# I/O-bound: each input waits 50 ms, as a network or disk call would (the GIL is let go while waiting).
import time


def inputs():
    return [1, 2, 3, 4, 5, 6, 7, 8]


def work(item):
    time.sleep(0.05)
    return {"id": item, "waited_ms": 50}
`,
  uneven: `# CPU-bound with one input far larger than the rest: it sets a bound no number of workers can pass.
def inputs():
    return [8, 1, 1, 1, 1, 1, 1, 1]


def work(size):
    h = 2166136261
    for i in range(size * 80_000):
        h = ((h ^ (i & 0xFF)) * 16777619) & 0xFFFFFFFF
    return {"size": size, "hash": h}
`,
}

const EXAMPLES: Record<WorkloadLanguage, Record<ExampleName, string>> = { javascript: WORKLOAD_EXAMPLE_SOURCES, python: PYTHON_WORKLOAD_EXAMPLE_SOURCES }

/** Every example's source by "language/example", as the form fills Source ("own": empty). */
export const WORKLOAD_EXAMPLE_TEXTS: Record<string, string> = Object.fromEntries(
  WORKLOAD_LANGUAGES.flatMap((language) => [...Object.entries(EXAMPLES[language]).map(([example, source]) => [`${language}/${example}`, source]), [`${language}/own`, '']]),
)

/** The module a run runs, and its name: the Source when given (an example's name when it is that example unchanged), else the example's. */
export function workloadModule(params: Pick<WorkloadParams, 'language' | 'example' | 'source'> & { moduleFile?: string }): { source: string; name: string } {
  const examples = EXAMPLES[params.language]
  const given = params.source.trim() !== ''
  const example = (Object.entries(examples) as [string, string][]).find(([, source]) => source === (given ? params.source : examples[params.example as ExampleName]))
  if (!given) return { source: example?.[1] ?? '', name: `the ${example?.[0] ?? params.example} example` }
  if (example) return { source: params.source, name: `the ${example[0]} example` }
  return { source: params.source, name: params.moduleFile ? `your module ${params.moduleFile}` : 'your module' }
}
