import { z } from 'zod'
import { LabError } from '../errors'
import { experimentIds, experimentParamSchemas, findExperiment, type ExperimentId } from '../experiments/catalog'
import { formatIssues } from '../validation'
import { resultDataSchemas } from './result-data-schema'
import { RESULT_SCHEMA_VERSION, type RunResult } from './result'

/** The largest result file the lab reads (an import, a file on the command line). */
export const MAX_RESULT_JSON_CHARS = 32 * 1024 * 1024

// JSON has no NaN or Infinity: JSON.stringify writes them as null, so a statistic of nothing reads back as null.
// zod's number is finite already (a JSON 1e400 reads as Infinity and is refused).
const statistic = z.number().nullable()
const text = z.string().max(100_000)
const shortText = z.string().max(1000)
/** A count or an index: a whole number, never negative. */
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
/** A list as long as a result may hold: more than any run records, few enough that an export stays quick. */
const list = <T extends z.ZodType>(item: T, max = 100_000) => z.array(item).max(max)

/** Dates of a run, as epoch ms: from the year 2000 to the year 2200, where every formatter has a date to show. */
const EARLIEST_RESULT_TIME_MS = Date.UTC(2000, 0, 1)
const LATEST_RESULT_TIME_MS = Date.UTC(2200, 0, 1)
const timeRange = 'must be a time from the year 2000 to 2200'
const epochMs = z.number({ error: `${timeRange}, in ms since 1970` }).min(EARLIEST_RESULT_TIME_MS, { error: timeRange }).max(LATEST_RESULT_TIME_MS, { error: timeRange })
const isoDate = z
  .string()
  .max(64)
  .refine((value) => !Number.isNaN(Date.parse(value)), { error: 'must be a date and time' })
  .refine((value) => {
    const ms = Date.parse(value)
    return Number.isNaN(ms) || (ms >= EARLIEST_RESULT_TIME_MS && ms <= LATEST_RESULT_TIME_MS)
  }, { error: timeRange })

const summary = z.looseObject({
  n: count,
  mean: statistic,
  sd: statistic,
  median: statistic,
  min: statistic,
  max: statistic,
  ci95: z.tuple([statistic, statistic]),
  outliers: list(count),
})
const sample = z.looseObject({ trial: count, startedAtMs: epochMs, valueMs: statistic })
const series = z.looseObject({ id: text, label: text, samples: list(sample), warmupSamples: list(sample), summary })
const comparison = z.looseObject({
  baselineId: text,
  candidateId: text,
  label: text,
  parallelism: z.number(),
  ideal: z.number(),
  ratios: list(statistic),
  summary,
  // absent in results saved before the engine kept it; the result store fills it in on load
  efficiency: statistic.optional(),
  kind: z.literal('cost').optional(),
})
const span = z.looseObject({
  lane: count,
  label: text,
  startMs: statistic,
  runningMs: statistic.optional(),
  endMs: statistic,
  outcome: z.enum(['exited', 'failed', 'killed', 'cancelled']),
  detail: text.optional(),
})
const python = z.looseObject({
  found: z.boolean(),
  command: text,
  version: shortText.optional(),
  executable: text.optional(),
  gilEnabled: z.boolean().optional(),
  implementation: shortText.optional(),
  freeThreadedBuild: z.boolean().optional(),
  switchIntervalS: z.number().nonnegative().optional(),
  realExecutable: text.optional(),
  gilNote: text.optional(),
  foundAt: list(z.looseObject({ source: shortText, path: text }), 100).optional(),
  reason: text.optional(),
})
const machine = z.looseObject({
  cpuModel: text,
  logicalCores: count,
  totalMemoryBytes: count,
  os: z.looseObject({ platform: shortText, release: shortText, arch: shortText }),
  loadAverage: list(z.number(), 16),
  runtimes: z.looseObject({ node: shortText, v8: shortText, electron: shortText.optional(), chrome: shortText.optional() }),
  python,
  pythonCandidates: list(python, 100).optional(),
  pythonsSideBySide: list(python, 100).optional(),
  host: shortText,
})
const resources = z.looseObject({
  method: text,
  sampleIntervalMs: z.number().min(0),
  enginePeakRssBytes: count,
  engineMaxRssLifetimeBytes: count,
  children: z.looseObject({
    available: z.boolean(),
    reason: text.optional(),
    seen: count,
    peakRssBytesMax: count.optional(),
    peakRssBytesMedian: count.optional(),
    largest: list(z.looseObject({ pid: count, command: text, peakRssBytes: count }), 1000),
  }),
})

const runResultSchema = z.looseObject({
  schemaVersion: z.literal(RESULT_SCHEMA_VERSION),
  runId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, { error: 'runId must be 1 to 64 letters, digits or dashes' }),
  experimentId: z.string().min(1).max(64),
  name: z.string().max(1000),
  // checked against the experiment's own parameters below, once experimentId is known to be one
  params: z.record(z.string(), z.unknown()),
  machine,
  startedAt: isoDate,
  finishedAt: isoDate,
  durationMs: z.number(),
  series: list(series, 10_000),
  comparisons: list(comparison, 10_000),
  timelines: list(z.looseObject({ id: text, title: text, spans: list(span) }), 10_000),
  warnings: list(z.looseObject({ code: text, message: text }), 10_000),
  headline: text,
  verdict: text.optional(),
  data: z.unknown(),
  resources: resources.optional(),
})

/** Moves the issues of a part (params, data) under its field, so the sentence names it. */
function addIssuesUnder(field: string, issues: readonly z.core.$ZodIssue[], context: z.core.$RefinementCtx): void {
  for (const issue of issues) {
    // a check across the part's fields already says what it got
    const moved = issue.code === 'custom' && issue.path.length === 0 ? { ...issue, params: { ...issue.params, saysWhatItGot: true } } : issue
    context.addIssue({ ...moved, path: [field, ...issue.path] } as z.core.$ZodRawIssue)
  }
}

const knownExperimentIds = new Set<string>(experimentIds)

/**
 * A parameter the experiment no longer has (a result saved by an older lab): kept and shown as
 * it was, so it must be a plain value that every report can print.
 */
const plainValue = z.union([shortText, z.number(), z.boolean(), z.null()])
const retiredParamValue = z.union([plainValue, list(plainValue, 1000)])

/** What a result holds for its own experiment: the parameters it ran with and its findings. */
const experimentResultSchema = runResultSchema.superRefine((result, context) => {
  if (!knownExperimentIds.has(result.experimentId) || !findExperiment(result.experimentId)) {
    context.addIssue({ code: 'custom', path: ['experimentId'], message: `experimentId must name an experiment this lab knows (${experimentIds.join(', ')})`, input: result.experimentId })
    return
  }
  const id = result.experimentId as ExperimentId
  const specs = findExperiment(id)!.params
  const current: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(result.params)) {
    if (Object.hasOwn(specs, name)) current[name] = value
    else if (!retiredParamValue.safeParse(value).success) context.addIssue({ code: 'custom', path: ['params', name], message: `params.${name} is not a parameter of ${id}, and a retired parameter must be text, a number, true or false, or a list of them`, input: value })
  }
  const params = experimentParamSchemas[id].safeParse(current)
  if (!params.success) addIssuesUnder('params', params.error.issues, context)
  const data = resultDataSchemas[id].safeParse(result.data)
  if (!data.success) addIssuesUnder('data', data.error.issues, context)
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
  return parseRunResultValue(value, source)
}

/** The checks of parseRunResult on a value already read from JSON (a result inside a chapter bundle). */
export function parseRunResultValue(value: unknown, source: string): RunResult {
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
  const parsed = experimentResultSchema.safeParse(value)
  if (!parsed.success) throw new LabError('invalid-params', formatIssues(parsed.error.issues, value, `result in ${source}`))
  return parsed.data as unknown as RunResult
}
