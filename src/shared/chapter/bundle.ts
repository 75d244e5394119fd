import { z } from 'zod'
import { LabError } from '../errors'
import type { RunResult } from '../model/result'
import { parseRunResultValue } from '../model/result-schema'
import { formatIssues } from '../validation'
import { CHAPTER_SCHEMA_VERSION, type ChapterSummary } from './chapter'

export const CHAPTER_BUNDLE_KIND = 'concurrency-lab-chapter'
/** A chapter holds one result per experiment; a bundle may hold a few chapters' worth. */
export const MAX_BUNDLE_RESULTS = 64
/** Under the browser host's 48 MB import body, with room for the JSON around it. */
export const MAX_BUNDLE_JSON_CHARS = 40 * 1024 * 1024

/** A chapter run in one file: its summary and every result it saved, each as the result store writes it. */
export interface ChapterBundle {
  kind: typeof CHAPTER_BUNDLE_KIND
  schemaVersion: typeof CHAPTER_SCHEMA_VERSION
  summary: ChapterSummary
  results: RunResult[]
}

const text = z.string().max(100_000)
const shortText = z.string().max(1000)
const isoDate = z.string().max(64).refine((value) => !Number.isNaN(Date.parse(value)), { error: 'must be a date and time' })

const verdict = z.looseObject({
  lessonId: z.enum(['processes', 'threads', 'races']),
  title: shortText,
  claim: text,
  status: z.enum(['holds', 'partly', 'diverges', 'not-measured']),
  verdict: text,
  evidence: z.array(text).max(100),
  divergences: z.array(text).max(100),
  runIds: z.array(shortText).max(MAX_BUNDLE_RESULTS),
})
const step = z.looseObject({
  experimentId: shortText,
  title: shortText,
  state: z.enum(['completed', 'skipped', 'failed', 'cancelled']),
  runId: shortText.optional(),
  headline: text.optional(),
  note: text.optional(),
  durationMs: z.number().min(0).optional(),
})
const summary = z.looseObject({
  schemaVersion: z.literal(CHAPTER_SCHEMA_VERSION),
  chapterId: shortText,
  title: shortText,
  state: z.enum(['completed', 'cancelled']),
  startedAt: isoDate,
  finishedAt: isoDate,
  durationMs: z.number().min(0),
  // the machine is checked with every result; here it only has to be an object
  machine: z.looseObject({ cpuModel: text, logicalCores: z.number().int().min(0), os: z.looseObject({ platform: shortText, arch: shortText }) }),
  lessons: z.array(verdict).max(10),
  steps: z.array(step).max(MAX_BUNDLE_RESULTS),
})
const bundleSchema = z.strictObject({
  kind: z.literal(CHAPTER_BUNDLE_KIND, { error: `kind must be "${CHAPTER_BUNDLE_KIND}"` }),
  schemaVersion: z.literal(CHAPTER_SCHEMA_VERSION, { error: `schemaVersion must be ${CHAPTER_SCHEMA_VERSION}` }),
  summary,
  results: z.array(z.unknown()).min(1).max(MAX_BUNDLE_RESULTS),
})

export function chapterBundleJson(summary: ChapterSummary, results: readonly RunResult[]): string {
  const bundle: ChapterBundle = { kind: CHAPTER_BUNDLE_KIND, schemaVersion: CHAPTER_SCHEMA_VERSION, summary, results: [...results] }
  return `${JSON.stringify(bundle, null, 2)}\n`
}

/**
 * Reads a chapter bundle: JSON, the bundle's own shape, then every result against the result
 * schema, as a result file would be. Throws a LabError whose sentence says what is wrong.
 */
export function parseChapterBundle(json: string, source = 'The bundle'): ChapterBundle {
  if (json.length > MAX_BUNDLE_JSON_CHARS) throw new LabError('invalid-params', `${source} is ${json.length} characters long; a chapter bundle may have at most ${MAX_BUNDLE_JSON_CHARS}.`)
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    throw new LabError('invalid-params', `${source} is not valid JSON (damaged, or cut short while it was written?).`)
  }
  if (typeof value === 'object' && value !== null && 'schemaVersion' in value && 'runId' in value) {
    throw new LabError('invalid-params', `${source} is one result, not a chapter bundle: import it with Import result.`)
  }
  const parsed = bundleSchema.safeParse(value)
  if (!parsed.success) throw new LabError('invalid-params', formatIssues(parsed.error.issues, value, source.toLowerCase()))
  const results = parsed.data.results.map((result, i) => parseRunResultValue(result, `result ${i + 1} of ${source.toLowerCase()}`))
  return { ...parsed.data, summary: parsed.data.summary as unknown as ChapterSummary, results }
}
