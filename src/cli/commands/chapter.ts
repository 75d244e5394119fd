import { STATUS_WORDS, type ChapterProgress, type ChapterSummary } from '../../shared/chapter/chapter'
import { LabError } from '../../shared/errors'
import { formatRoughDurationMs } from '../../shared/units'
import { exportChapter } from '../../main/lab/chapter/chapter-export'
import { parseChapterSteps, type ChapterStep } from '../../main/lab/chapter/chapter-plan'
import type { Lab } from '../../main/lab/lab'
import type { ParsedArgs } from '../args'
import { checkOutPath, writeOutput } from './export'

/**
 * Tests of the command line and of the browser host run a shorter chapter: a JSON list of steps in
 * this variable. Only a process started with it sees it; the app's screens offer no such choice.
 */
export const TEST_CHAPTER_STEPS_VARIABLE = 'CONCURRENCY_LAB_CHAPTER_STEPS_FOR_TESTS'

export function testChapterSteps(env: NodeJS.ProcessEnv): (() => ChapterStep[]) | undefined {
  const json = env[TEST_CHAPTER_STEPS_VARIABLE]
  if (!json) return undefined
  const steps = parseChapterSteps(json, TEST_CHAPTER_STEPS_VARIABLE)
  return () => steps
}

/** "[3/8 41%] Pipelines: pipeline 2 of 3 · about 1 min left" */
export function progressLine(p: ChapterProgress): string {
  const left = p.timeLeftMs === null ? 'estimating the time left' : `about ${formatRoughDurationMs(p.timeLeftMs)} left`
  return `[${Math.min(p.done + 1, p.total)}/${p.total} ${Math.round(p.fraction * 100)}%] ${p.currentTitle ?? ''}${p.message ? `: ${p.message}` : ''} · ${left}`
}

/** What the chapter found, for the terminal: the title, then each lesson's status and verdict. */
export function verdictsText(summary: ChapterSummary): string {
  return [summary.title, ...summary.lessons.map((lesson) => `${lesson.title}: ${STATUS_WORDS[lesson.status]}. ${lesson.verdict}`)].join('\n')
}

const CHAPTER_FLAGS = new Set(['html', 'json', 'data-dir', 'python', 'quiet'])

/** Progress lines at most this often, and whenever the experiment changes. */
const LINE_EVERY_MS = 1000

/**
 * `concurrency-lab chapter [--html FILE] [--json FILE]`: every experiment with its defaults, each
 * saved as it finishes; then the report and the bundle. Ctrl+C cancels the current run and writes nothing.
 */
export async function chapterCommand(lab: Lab, args: ParsedArgs, out: (text: string) => void, err: (line: string) => void, signal: AbortSignal): Promise<void> {
  const unknown = [...args.flags.keys()].filter((flag) => !CHAPTER_FLAGS.has(flag))
  if (unknown.length > 0) throw new LabError('invalid-params', `chapter runs every experiment with its defaults and takes no --${unknown[0]}. Its options: ${[...CHAPTER_FLAGS].map((f) => `--${f}`).join(', ')}.`)
  const htmlPath = await checkOutPath(args, 'html')
  const jsonPath = await checkOutPath(args, 'json')
  const quiet = args.flags.has('quiet')
  let lastLine = { at: 0, step: '' }
  const unsubscribe = lab.events.subscribe((name, payload) => {
    if (name !== 'chapterProgress' || quiet) return
    const p = payload as ChapterProgress
    const now = Date.now()
    if (p.state !== 'running' || !p.currentTitle || (p.currentExperimentId === lastLine.step && now - lastLine.at < LINE_EVERY_MS)) return
    lastLine = { at: now, step: p.currentExperimentId ?? '' }
    err(progressLine(p))
  })
  const { chapterId } = lab.chapters.start()
  const onAbort = (): void => void lab.chapters.cancel(chapterId)
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    await lab.chapters.settled()
  } finally {
    signal.removeEventListener('abort', onAbort)
    unsubscribe()
  }
  const record = lab.chapters.record(chapterId)
  if (record.error) throw new LabError(record.error.code ?? 'internal', record.error.message)
  const saved = record.results.length
  if (record.summary?.state === 'cancelled') throw new LabError('cancelled', `The chapter was cancelled; the ${saved} result${saved === 1 ? '' : 's'} measured before it stay saved, and no report was written.`)
  for (const [format, path] of [['html', htmlPath], ['json', jsonPath]] as const) {
    if (!path) continue
    await writeOutput(path, (await exportChapter(record, format)).text)
    if (!quiet) err(`Wrote the ${format === 'html' ? 'report' : 'bundle'} to ${path}.`)
  }
  out(`${verdictsText(record.summary!)}\n`)
}
