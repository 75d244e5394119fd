import { z } from 'zod'
import { LabError } from '../errors'
import { formatIssues } from '../validation'
import { RESULT_SCHEMA_VERSION, type RunResult } from './result'

/** The largest result file the lab reads (an import, a file on the command line). */
export const MAX_RESULT_JSON_CHARS = 32 * 1024 * 1024

// JSON has no NaN or Infinity: JSON.stringify writes them as null, so a statistic of nothing reads back as null.
const statistic = z.number().nullable()
const text = z.string().max(100_000)
const isoDate = z.string().max(64).refine((value) => !Number.isNaN(Date.parse(value)), { error: 'must be a date and time' })

const summary = z.looseObject({
  n: z.number(),
  mean: statistic,
  sd: statistic,
  median: statistic,
  min: statistic,
  max: statistic,
  ci95: z.tuple([statistic, statistic]),
  outliers: z.array(z.number()),
})
const sample = z.looseObject({ trial: z.number(), startedAtMs: statistic, valueMs: statistic })
const series = z.looseObject({ id: text, label: text, samples: z.array(sample), warmupSamples: z.array(sample), summary })
const comparison = z.looseObject({
  baselineId: text,
  candidateId: text,
  label: text,
  parallelism: z.number(),
  ideal: z.number(),
  ratios: z.array(statistic),
  summary,
})
const span = z.looseObject({
  lane: z.number(),
  label: text,
  startMs: statistic,
  runningMs: statistic.optional(),
  endMs: statistic,
  outcome: z.enum(['exited', 'failed', 'killed', 'cancelled']),
  detail: text.optional(),
})
const machine = z.looseObject({
  cpuModel: text,
  logicalCores: z.number(),
  totalMemoryBytes: z.number(),
  os: z.looseObject({ platform: text, release: text, arch: text }),
  loadAverage: z.array(z.number()),
  runtimes: z.looseObject({ node: text, v8: text }),
  python: z.looseObject({ found: z.boolean(), command: text }),
  host: text,
})

const runResultSchema = z.looseObject({
  schemaVersion: z.literal(RESULT_SCHEMA_VERSION),
  runId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, { error: 'runId must be 1 to 64 letters, digits or dashes' }),
  experimentId: z.string().min(1).max(64),
  name: z.string().max(1000),
  params: z.record(z.string(), z.unknown()),
  machine,
  startedAt: isoDate,
  finishedAt: isoDate,
  durationMs: z.number(),
  series: z.array(series),
  comparisons: z.array(comparison),
  timelines: z.array(z.looseObject({ id: text, title: text, spans: z.array(span) })),
  warnings: z.array(z.looseObject({ code: text, message: text })),
  headline: text,
  data: z.unknown(),
  resources: z.unknown().optional(),
})

/**
 * Reads a saved or imported result: JSON, then the schema version, then the shape. Throws a
 * LabError whose sentence names `source` and says what is wrong with it.
 */
export function parseRunResult(json: string, source: string): RunResult {
  if (json.length > MAX_RESULT_JSON_CHARS) {
    throw new LabError('invalid-params', `${source} is ${json.length} characters long; a result file may have at most ${MAX_RESULT_JSON_CHARS}.`)
  }
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    throw new LabError('invalid-params', `${source} is not valid JSON (damaged, or cut short while it was written?).`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('schemaVersion' in value) || !('runId' in value)) {
    throw new LabError('invalid-params', `${source} is not a Concurrency Lab result (it has no schemaVersion and runId).`)
  }
  const version = (value as { schemaVersion: unknown }).schemaVersion
  if (typeof version === 'number' && version > RESULT_SCHEMA_VERSION) {
    throw new LabError('invalid-params', `${source} was written by a newer Concurrency Lab (result schema ${version}; this one reads ${RESULT_SCHEMA_VERSION}). Update the lab to open it.`)
  }
  if (version !== RESULT_SCHEMA_VERSION) {
    throw new LabError('invalid-params', `${source} has result schema version ${JSON.stringify(version)}, which this lab does not know (it reads ${RESULT_SCHEMA_VERSION}).`)
  }
  const parsed = runResultSchema.safeParse(value)
  if (!parsed.success) throw new LabError('invalid-params', formatIssues(parsed.error.issues, value, `result in ${source}`))
  return parsed.data as unknown as RunResult
}
