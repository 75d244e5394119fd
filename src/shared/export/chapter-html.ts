import { STATUS_WORDS, type ChapterStepOutcome, type ChapterSummary, type LessonVerdict } from '../chapter/chapter'
import { lessons } from '../experiments/lessons'
import type { RunResult } from '../model/result'
import { formatDurationMs } from '../units'
import { escapeHtml } from './escape'
import type { ChartImage } from './exporter'
import { experimentTitle, machineFacts } from './format'
import { resultReportBody } from './html'
import { chartFigure, htmlDocument, htmlTable, section } from './html-page'

export interface ChapterReportOptions {
  /** Every chart of each result, by run id, the key chart first (drawn by the engine, headless). */
  chartsByRun?: Readonly<Record<string, readonly ChartImage[]>>
}

const STEP_WORDS: Record<ChapterStepOutcome['state'], string> = { completed: 'done', skipped: 'skipped', failed: 'could not run', cancelled: 'cancelled' }

const anchor = (runId: string): string => `run-${runId.replace(/[^A-Za-z0-9-]/g, '')}`
const list = (items: readonly string[]): string => (items.length ? `<ul>\n${items.map((item) => `<li>${escapeHtml(item)}</li>`).join('\n')}\n</ul>` : '')

/** The appendix letter of the n-th result: A, B, … Z, AA, AB, … */
function appendixLetter(index: number): string {
  let n = index + 1
  let letters = ''
  while (n > 0) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters
    n = Math.floor((n - 1) / 26)
  }
  return letters
}

function lessonSection(verdict: LessonVerdict, results: ReadonlyMap<string, RunResult>, appendix: ReadonlyMap<string, string>, options: ChapterReportOptions): string {
  const keyCharts = verdict.runIds
    .map((runId) => {
      const result = results.get(runId)
      const key = options.chartsByRun?.[runId]?.[0]
      if (!result || !key) return ''
      return `${chartFigure(key)}\n<p class="muted">${escapeHtml(experimentTitle(result))}: ${escapeHtml(result.headline)} (<a href="#${anchor(runId)}">appendix ${appendix.get(runId)}</a>)</p>`
    })
    .filter(Boolean)
  return [
    `<section>\n<h2>${escapeHtml(verdict.title)}<span class="status status-${verdict.status}">${escapeHtml(STATUS_WORDS[verdict.status])}</span></h2>`,
    `<p><span class="muted">The classic claim:</span> ${escapeHtml(verdict.claim)}</p>`,
    `<p class="verdict">${escapeHtml(verdict.verdict)}</p>`,
    verdict.divergences.length ? `<h3>Where this machine differs, and why</h3>\n${list(verdict.divergences)}` : '',
    verdict.evidence.length ? `<h3>What supports it</h3>\n${list(verdict.evidence)}` : '',
    keyCharts.join('\n'),
    '</section>',
  ]
    .filter(Boolean)
    .join('\n')
}

function stepsTable(steps: readonly ChapterStepOutcome[], appendix: ReadonlyMap<string, string>): string {
  return htmlTable(
    [{ title: 'Experiment' }, { title: 'Outcome' }, { title: 'What it found, or why not' }, { title: 'Took', numeric: true }],
    steps.map((step) => [
      step.title,
      step.runId && appendix.has(step.runId) ? { html: `<a href="#${anchor(step.runId)}">${escapeHtml(STEP_WORDS[step.state])}, appendix ${appendix.get(step.runId)}</a>` } : STEP_WORDS[step.state],
      [step.headline, step.note].filter(Boolean).join(' '),
      step.durationMs === undefined ? '—' : formatDurationMs(step.durationMs),
    ]),
  )
}

/** The appendix keeps the run's own report; its headings move one level down, under the appendix's. */
const demoteHeadings = (html: string): string => html.replace(/<(\/?)h([1-5])>/g, (_, slash: string, level: string) => `<${slash}h${Number(level) + 1}>`)

function appendixSection(result: RunResult, letter: string, options: ChapterReportOptions): string {
  const charts = options.chartsByRun?.[result.runId] ?? []
  const body = demoteHeadings(resultReportBody(result, { chartImages: charts }))
  return `<section class="appendix" id="${anchor(result.runId)}">\n<h2>Appendix ${letter}: ${escapeHtml(experimentTitle(result))}</h2>\n${body}\n</section>`
}

/**
 * "Concurrency on <this machine>": the machine, each lesson's verdict against the classic claim
 * with the key chart of each experiment, then every result in full as an appendix. Self-contained,
 * as the one-run report: no scripts, nothing fetched, every text escaped.
 */
export function exportChapterHtml(summary: ChapterSummary, results: readonly RunResult[], options: ChapterReportOptions = {}): string {
  const byRun = new Map(results.map((result) => [result.runId, result]))
  const ordered = summary.steps.map((step) => (step.runId ? byRun.get(step.runId) : undefined)).filter((r): r is RunResult => !!r)
  const appendix = new Map(ordered.map((result, i) => [result.runId, appendixLetter(i)]))
  const verdictOrder = lessons.map((lesson) => summary.lessons.find((v) => v.lessonId === lesson.id)).filter((v): v is LessonVerdict => !!v)
  const ran = summary.steps.filter((s) => s.state === 'completed').length
  const body = [
    `<header>\n<h1>${escapeHtml(summary.title)}</h1>\n<p class="headline">${ran} of ${summary.steps.length} experiments ran with their default parameters${summary.state === 'cancelled' ? ', then the run was cancelled' : ''}: ${escapeHtml(formatDurationMs(summary.durationMs))} in all, started ${escapeHtml(summary.startedAt)}.</p>\n</header>`,
    section('This machine', htmlTable([{ title: 'Fact' }, { title: 'Value' }], machineFacts(summary.machine))),
    ...verdictOrder.map((verdict) => lessonSection(verdict, byRun, appendix, options)),
    section('Every experiment', stepsTable(summary.steps, appendix)),
    ...ordered.map((result) => appendixSection(result, appendix.get(result.runId)!, options)),
    `<footer>Concurrency Lab · chapter ${escapeHtml(summary.chapterId)} · chapter schema ${summary.schemaVersion}</footer>`,
  ]
  return htmlDocument(summary.title, body.filter(Boolean).join('\n'))
}
