import { setImmediate as nextTurn } from 'node:timers/promises'
import { chapterBundleJson, parseChapterBundle, type ChapterBundle } from '../../../shared/chapter/bundle'
import type { ChapterSummary } from '../../../shared/chapter/chapter'
import { LabError } from '../../../shared/errors'
import { exportChapterHtml } from '../../../shared/export/chapter-html'
import type { ChartImage } from '../../../shared/export/exporter'
import type { ResultListing } from '../../../shared/model/result'
import { fileNameStamp } from '../../../shared/units'
import { reportChartImages } from '../charts/report-charts'
import type { ResultStore } from '../store/result-store'
import type { ChapterRecord } from './chapter-runner'

export type ChapterFormat = 'html' | 'json'

const MIME_TYPES: Record<ChapterFormat, string> = { html: 'text/html', json: 'application/json' }

/** "concurrency-lab-chapter-2026-11-29T17-20-00.html": one stamp for the report and the bundle. */
export const chapterFileName = (summary: Pick<ChapterSummary, 'startedAt'>, format: ChapterFormat): string => `concurrency-lab-chapter-${fileNameStamp(summary.startedAt)}.${format}`.replace(/[^0-9A-Za-z._-]/g, '-')

function endedSummary(record: ChapterRecord): ChapterSummary {
  if (!record.summary) throw new LabError('not-available', record.error ? `The chapter run failed (${record.error.message}), so it has no report.` : 'The chapter is still running: its report and bundle are ready when it ends.')
  return record.summary
}

/** Every chart of every result, drawn headless; the event loop gets a turn between charts, so a host stays responsive. */
async function chartsByRun(record: ChapterRecord): Promise<Record<string, ChartImage[]>> {
  const charts: Record<string, ChartImage[]> = {}
  for (const result of record.results) {
    charts[result.runId] = reportChartImages(result)
    await nextTurn()
  }
  return charts
}

/** The chapter's report or its bundle, as text to save under the name given. */
export async function exportChapter(record: ChapterRecord, format: ChapterFormat): Promise<{ fileName: string; mimeType: string; text: string }> {
  const summary = endedSummary(record)
  const text = format === 'html' ? exportChapterHtml(summary, record.results, { chartsByRun: await chartsByRun(record) }) : chapterBundleJson(summary, record.results)
  return { fileName: chapterFileName(summary, format), mimeType: MIME_TYPES[format], text }
}

async function alreadyStored(store: ResultStore, result: ChapterBundle['results'][number]): Promise<boolean> {
  try {
    return (await store.load(result.runId)).startedAt === result.startedAt
  } catch {
    return false
  }
}

/** Saves a bundle's results as one set; a result already here (same run, same start) is kept, not copied. */
export async function importChapterBundle(store: ResultStore, json: string): Promise<{ summary: ChapterSummary; imported: ResultListing[]; alreadyHere: number }> {
  const bundle = parseChapterBundle(json)
  const imported: ResultListing[] = []
  let alreadyHere = 0
  for (const result of bundle.results) {
    if (await alreadyStored(store, result)) alreadyHere++
    else imported.push(await store.importResult(JSON.stringify(result)))
  }
  return { summary: bundle.summary, imported, alreadyHere }
}
