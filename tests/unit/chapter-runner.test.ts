import { describe, expect, it } from 'vitest'
import type { ChapterProgress } from '../../src/shared/chapter/chapter'
import { experimentParamSchemas, experiments } from '../../src/shared/experiments/catalog'
import { defaultChapterSteps, EXPECTED_DEFAULT_RUN_MS, type ChapterStep } from '../../src/main/lab/chapter/chapter-plan'
import type { Lab } from '../../src/main/lab/lab'
import { labChildren } from './helpers/processes'
import { useLabs } from './helpers/run-experiment'

const newLab = useLabs()

/** A short chapter: the real engine, fewer and smaller experiments. */
const quickSteps: ChapterStep[] = [
  { experimentId: 'timeout', params: { runs: 1 } },
  { experimentId: 'race', params: { workers: 2, increments: 2000, trials: 3, runtime: 'node', modes: ['unsynchronised', 'atomic', 'mutex'] } },
  { experimentId: 'fanout', params: { children: 2, seconds: 0.05, runs: 2, warmup: 0, sweep: false, program: 'auto', launcher: 'helpers', compareLaunchers: false } },
]

function recordProgress(lab: Lab): ChapterProgress[] {
  const seen: ChapterProgress[] = []
  lab.events.subscribe((name, payload) => {
    if (name === 'chapterProgress') seen.push(payload as ChapterProgress)
  })
  return seen
}

/** The chapter's experiments: the catalog but those marked notInChapter (your own function). */
const lessonExperiments = experiments.filter((e) => !('notInChapter' in e))

describe('the chapter plan', () => {
  it('is every lesson experiment of the catalog (not your own function), in its order, with its default parameters, each with an expected duration', () => {
    const steps = defaultChapterSteps()
    expect(steps.map((s) => s.experimentId)).toEqual(lessonExperiments.map((e) => e.id))
    expect(steps.map((s) => s.experimentId)).not.toContain('workload')
    for (const step of steps) {
      expect(step.params).toEqual(experimentParamSchemas[step.experimentId].parse({}))
      expect(EXPECTED_DEFAULT_RUN_MS[step.experimentId]).toBeGreaterThan(0)
    }
  })

  it('a lab without a chapter list of its own runs every lesson experiment of the catalog', async () => {
    const lab = newLab()
    const { chapterId } = lab.chapters.start()
    const first = await new Promise<ChapterProgress>((resolve) => lab.events.subscribe((name, payload) => name === 'chapterProgress' && (payload as ChapterProgress).currentExperimentId && resolve(payload as ChapterProgress)))
    expect(first.total).toBe(lessonExperiments.length)
    expect(first.currentExperimentId).toBe(experiments[0].id)
    lab.chapters.cancel(chapterId)
    await lab.chapters.settled()
  })
})

describe('running the chapter', () => {
  it('runs each experiment in turn, saves each result, reports one progress with the time left, and words the verdicts', async () => {
    const lab = newLab({ chapterSteps: () => quickSteps })
    const progress = recordProgress(lab)
    const { chapterId } = lab.chapters.start()
    expect(() => lab.chapters.start()).toThrow(/already running/)
    await lab.chapters.settled()
    const record = lab.chapters.record(chapterId)
    const summary = record.summary!
    expect(summary.state).toBe('completed')
    expect(summary.title).toMatch(/^Concurrency on .+ \(\d+ logical cores, linux /)
    expect(summary.steps.map((s) => [s.experimentId, s.state])).toEqual(quickSteps.map((s) => [s.experimentId, 'completed']))
    for (const step of summary.steps) expect((await lab.store.load(step.runId!)).headline).toBe(step.headline)

    const running = progress.filter((p) => p.state === 'running' && p.currentExperimentId)
    expect([...new Set(running.map((p) => p.currentExperimentId))]).toEqual(quickSteps.map((s) => s.experimentId))
    // the fraction never goes back, and once a run has finished there is a time left to show
    running.forEach((p, i) => i > 0 && expect(p.fraction).toBeGreaterThanOrEqual(running[i - 1]!.fraction))
    expect(running.filter((p) => p.done >= 1).every((p) => typeof p.timeLeftMs === 'number' && p.timeLeftMs >= 0)).toBe(true)
    expect(progress.at(-1)).toMatchObject({ state: 'completed', fraction: 1, done: 3, total: 3, timeLeftMs: 0 })

    expect(summary.lessons.map((l) => [l.lessonId, l.status === 'not-measured'])).toEqual([
      ['processes', false],
      ['threads', true],
      ['races', false],
    ])
    const fanout = record.results.find((r) => r.experimentId === 'fanout')!
    expect(summary.lessons[0]!.verdict).toMatch(/^2 children at once took .+ instead of .+ one after another: .+× faster, ideal 2×\.$/)
    expect(summary.lessons[0]!.runIds).toContain(fanout.runId)
    expect(lab.chapters.view()).toMatchObject({ progress: { state: 'completed' }, summary: { chapterId } })
  }, 90_000)

  it('cancel stops the current run through its own cancel path, starts no other, and leaves no child behind', async () => {
    const lab = newLab({
      chapterSteps: () => [
        { experimentId: 'fanout', params: { children: 3, seconds: 5, runs: 1, warmup: 0, sweep: false, program: 'auto', launcher: 'helpers', compareLaunchers: false } },
        { experimentId: 'timeout', params: { runs: 1 } },
      ],
    })
    const { chapterId } = lab.chapters.start()
    for (let waited = 0; labChildren(lab).length === 0 && waited < 15_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50))
    expect(labChildren(lab).length).toBeGreaterThan(0)
    const cancelledAt = Date.now()
    expect(lab.chapters.cancel(chapterId)).toBe(true)
    await lab.chapters.settled()
    expect(Date.now() - cancelledAt).toBeLessThan(4_000)
    expect(labChildren(lab)).toEqual([])
    const summary = lab.chapters.record(chapterId).summary!
    expect(summary.state).toBe('cancelled')
    expect(summary.steps.map((s) => s.state)).toEqual(['cancelled', 'cancelled'])
    expect(summary.steps[1]!.note).toBe('Not started: the chapter was cancelled.')
    expect((await lab.store.list()).results).toEqual([])
    expect(lab.chapters.cancel(chapterId)).toBe(false)
  }, 60_000)

  it('skips, with a sentence, what cannot run here, and says what a run could not measure', async () => {
    const lab = newLab({
      pythonCommand: 'no-such-python-for-the-chapter',
      chapterSteps: () => [
        { experimentId: 'blocking-io', params: { calls: 2, ms: 10, runtime: 'python', runs: 1, warmup: 0 } },
        { experimentId: 'blocking-io', params: { calls: 2, ms: 10, runtime: 'both', runs: 1, warmup: 0 } },
      ],
    })
    const { chapterId } = lab.chapters.start()
    await lab.chapters.settled()
    const [pythonOnly, both] = lab.chapters.record(chapterId).summary!.steps
    expect(pythonOnly).toMatchObject({ state: 'skipped' })
    expect(pythonOnly!.note).toMatch(/^Blocking I\/O runs only Python here, and no Python 3 was found .*install Python 3 or set its path in Settings\.$/)
    expect(both).toMatchObject({ state: 'completed' })
    expect(both!.note).toMatch(/^Only the Node half ran: no Python 3 was found/)
  }, 60_000)

  it('an unknown chapter id is refused with a sentence', () => {
    const lab = newLab()
    expect(() => lab.chapters.record('nope')).toThrow('No chapter run has the id nope in this session; run the chapter again to export it.')
  })
})
