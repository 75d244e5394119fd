import { beforeAll, describe, expect, it } from 'vitest'
import { chapterBundleJson, parseChapterBundle } from '../../src/shared/chapter/bundle'
import type { ChapterSummary } from '../../src/shared/chapter/chapter'
import { lessonVerdicts } from '../../src/shared/chapter/verdicts'
import type { PipelineData } from '../../src/shared/experiments/pipeline'
import type { RaceData } from '../../src/shared/experiments/race'
import { exportChapterHtml } from '../../src/shared/export/chapter-html'
import type { RunResult } from '../../src/shared/model/result'
import { exportChapter, importChapterBundle } from '../../src/main/lab/chapter/chapter-export'
import type { ChapterRecord } from '../../src/main/lab/chapter/chapter-runner'
import { useLabs } from './helpers/run-experiment'

const newLab = useLabs()
let record: ChapterRecord
let summary: ChapterSummary

beforeAll(async () => {
  const lab = newLab({
    chapterSteps: () => [
      { experimentId: 'race', params: { workers: 2, increments: 2000, trials: 3, runtime: 'node' } },
      { experimentId: 'pipeline', params: { pipelines: 2, runs: 1, warmup: 0 } },
      { experimentId: 'fanout', params: { children: 2, seconds: 0.05, runs: 2, warmup: 0, sweep: false } },
    ],
  })
  const { chapterId } = lab.chapters.start()
  await lab.chapters.settled()
  record = lab.chapters.record(chapterId)
  summary = record.summary!
}, 90_000)

const resultOf = <Data>(id: string): RunResult<Data> => structuredClone(record.results.find((r) => r.experimentId === id)) as RunResult<Data>
const verdictOf = (results: RunResult[], lessonId: string) => lessonVerdicts(results).find((v) => v.lessonId === lessonId)!

describe('the chapter bundle', () => {
  it('reads back as the same summary and results, every result checked by the result schema', () => {
    const bundle = parseChapterBundle(chapterBundleJson(summary, record.results))
    expect(bundle.summary).toEqual(JSON.parse(JSON.stringify(summary)))
    expect(bundle.results).toEqual(JSON.parse(JSON.stringify(record.results)))
  })

  it('refuses a damaged bundle with a sentence that says where', () => {
    const bundle = JSON.parse(chapterBundleJson(summary, record.results))
    bundle.results[1].durationMs = 'long'
    expect(() => parseChapterBundle(JSON.stringify(bundle))).toThrow(/result 2 of the bundle/)
    expect(() => parseChapterBundle(JSON.stringify({ ...JSON.parse(chapterBundleJson(summary, record.results)), kind: 'other' }))).toThrow(/kind must be "concurrency-lab-chapter"/)
    expect(() => parseChapterBundle(JSON.stringify(record.results[0]))).toThrow('The bundle is one result, not a chapter bundle: import it with Import result.')
    expect(() => parseChapterBundle('{"kind": ')).toThrow(/not valid JSON/)
  })

  it('imports into another lab as one set, and keeps results it already has', async () => {
    const json = chapterBundleJson(summary, record.results)
    const other = newLab()
    const first = await importChapterBundle(other.store, json)
    expect(first.imported.map((l) => l.runId).sort()).toEqual(record.results.map((r) => r.runId).sort())
    expect(first.summary.chapterId).toBe(summary.chapterId)
    const again = await importChapterBundle(other.store, json)
    expect(again).toMatchObject({ imported: [], alreadyHere: record.results.length })
    expect((await other.store.list()).results).toHaveLength(record.results.length)
  })
})

describe('the chapter report', () => {
  it('"Concurrency on <machine>": machine, each lesson with its verdict and key charts, every result as an appendix', async () => {
    const { fileName, mimeType, text } = await exportChapter(record, 'html')
    expect(fileName).toMatch(/^concurrency-lab-chapter-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.html$/)
    expect(mimeType).toBe('text/html')
    expect(text).toContain(`<h1>${summary.title}</h1>`)
    expect(text).toContain('<h2>This machine</h2>')
    for (const lesson of summary.lessons) expect(text).toContain(`<h2>${lesson.title}<span class="status status-${lesson.status}">`)
    expect(text).toContain('<h2>Appendix A: Races</h2>')
    expect(text).toContain('<h2>Appendix C: Fan-out</h2>')
    for (const result of record.results) expect(text).toContain(`id="run-${result.runId}"`)
    expect(text).toContain('<img alt="Outcomes of 3 trials per mode: 2 workers × 2,000 increments" src="data:image/png;base64,iVBORw0KGgo')
    expect(text).not.toMatch(/<script|src="http|href="http/i)
    expect((await exportChapter(record, 'json')).text).toBe(chapterBundleJson(summary, record.results))
  }, 60_000)

  it('escapes every text it is given', () => {
    const hostile = { ...summary, title: 'Concurrency on <b>&</b>', lessons: summary.lessons.map((l) => ({ ...l, verdict: '<script>alert(1)</script>' })) }
    const html = exportChapterHtml(hostile, record.results)
    expect(html).not.toContain('<script>')
    expect(html).toContain('Concurrency on &lt;b&gt;&amp;&lt;/b&gt;')
  })
})

describe('each lesson\'s verdict, worded from the results', () => {
  it('races: lost updates without a lock hold the claim; a lock that loses updates is called out', () => {
    const race = resultOf<RaceData>('race')
    const unlocked = race.data.variants.find((v) => v.id === 'node-unsynchronised')!
    unlocked.lossyTrials = 2
    unlocked.lostShare.max = 0.25
    expect(verdictOf([race], 'races')).toMatchObject({ status: 'holds', verdict: expect.stringMatching(/^Without a lock, Node: unsynchronised lost updates in 2 of 3 trials \(up to 25\.0% of them\); Node: Atomics\.add, Node: mutex stayed exact in every trial\.$/) })
    race.data.variants.find((v) => v.id === 'node-mutex')!.exactViolation = true
    expect(verdictOf([race], 'races')).toMatchObject({ status: 'diverges', verdict: expect.stringContaining('but Node: mutex lost updates, which a correct lock never does') })
  })

  it('races: explains CPython 3.10+ keeping the unlocked Counter exact, and a race that did not show', () => {
    const race = resultOf<RaceData>('race')
    const node = race.data.variants.find((v) => v.id === 'node-unsynchronised')!
    node.lossyTrials = 0
    race.data.variants.push({ ...structuredClone(node), id: 'python-unlocked', runtime: 'python', label: 'Python: Counter (no lock)' })
    race.data.python = { status: 'ran', version: '3.11.7' }
    const verdict = verdictOf([race], 'races')
    expect(verdict.status).toBe('partly')
    expect(verdict.divergences[0]).toMatch(/^Python 3\.11\.7 kept the unlocked Counter exact in all 3 trials: since CPython 3\.10 a thread is switched only at a call or a backward jump/)
    expect(verdict.divergences[1]).toMatch(/^Node's unsynchronised counter lost nothing in 3 trials: .* A race that does not show is still a race/)
    race.data.python.version = '3.8.10'
    expect(verdictOf([race], 'races').divergences[0]).toContain('no thread was switched between a read and its write in these trials')
  })

  it('processes: the book\'s pipeline hashing nothing is explained with its fix', () => {
    const pipeline = resultOf<PipelineData>('pipeline')
    pipeline.data.counts = { ...pipeline.data.counts, emptyInput: 2, verified: pipeline.data.counts.total - 2 }
    const verdict = verdictOf([resultOf('fanout'), pipeline], 'processes')
    expect(verdict.divergences.at(-1)).toMatch(new RegExp(`^The lesson's pipeline as printed races: in 2 of ${pipeline.data.counts.total} pipelines the parent read the encrypted bytes before the hash stage could, so it hashed nothing\\. The fix for the book's code`))
  })

  it('a lesson whose experiments did not run says so', () => {
    expect(verdictOf([], 'threads')).toMatchObject({ status: 'not-measured', verdict: 'Blocking I/O and Factorize did not run, so this machine has no answer to this lesson yet.', runIds: [] })
  })
})
