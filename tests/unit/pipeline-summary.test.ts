import { createHash } from 'node:crypto'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { summarizePipeline, type PipelineTrial, type RecordedPipelineRun } from '../../src/main/lab/experiments/pipeline-summary'
import type { Measured } from '../../src/main/lab/measure/interleave'
import type { PipelineCounts } from '../../src/shared/experiments/pipeline'
import { formatDurationMs, formatRatio } from '../../src/shared/units'
import { forbiddenCalls, medianOf, readRecording, valuesOf, type PipelineRecording } from './helpers/recorded-trials'

/**
 * summarizePipeline, fed trials recorded once on a real machine (tests/unit/fixtures/pipeline-trials.json:
 * "fixed", 2 pipelines × 3 runs, every hash verified; "book", 4 pipelines × 2 runs, where the parent's
 * race left some hash stages with no input). Re-record them with
 *
 *   RECORD_TRIALS=1 npx vitest run tests/unit/record-trials.test.ts
 *
 * The expected figures are computed here from the recording (each hash parsed from what the hash
 * stage printed and compared with the reference, the medians, the paired speedup), so they hold for
 * any recording. Edge cases edit a copy of it. Nothing here may start a process or a thread: the functions that
 * would are replaced by ones that throw, and none may have been called.
 */

vi.mock('node:child_process', async (importOriginal) => (await import('./helpers/recorded-trials')).forbidding(await importOriginal<object>(), ['spawn', 'spawnSync', 'fork', 'exec', 'execSync', 'execFile', 'execFileSync']))
vi.mock('node:worker_threads', async (importOriginal) => (await import('./helpers/recorded-trials')).forbidding(await importOriginal<object>(), ['Worker']))

afterAll(() => {
  expect(forbiddenCalls()).toEqual([])
})

/** The recordings were made on a 2-core machine; the speedup sentence names the cores. */
const recordedMachine = { logicalCores: 2 }
const recorded = (mode: 'fixed' | 'book'): PipelineRecording => readRecording<{ fixed: PipelineRecording; book: PipelineRecording }>('pipeline-trials.json')[mode]
const summarize = (r: PipelineRecording): ReturnType<typeof summarizePipeline> => summarizePipeline(r.params, r.trials, recordedMachine)
const EMPTY_MD5 = createHash('md5').digest('hex')
const runsOf = (measured: Measured<PipelineTrial>): RecordedPipelineRun[] => measured.details.flatMap((trial) => trial.runs)
const allRuns = (r: PipelineRecording): RecordedPipelineRun[] => [...runsOf(r.trials.serial), ...runsOf(r.trials.parallel)]
const firstRun = (r: PipelineRecording): RecordedPipelineRun => r.trials.serial.details[0]!.runs[0]!
const elapsed = (o: { startedAtMs: number; exitedAtMs: number }): string => formatDurationMs(o.exitedAtMs - o.startedAtMs)

/** The status of each pipeline, worked out here: what the hash stage printed against the reference. */
function expectedCounts(r: PipelineRecording, runs: readonly RecordedPipelineRun[]): PipelineCounts {
  const counts = { total: runs.length, verified: 0, emptyInput: 0, mismatch: 0, failed: 0 }
  for (const run of runs) {
    const printed = /\b([0-9a-f]{32})\b/.exec(run.hash.stdout.text)?.[1]
    const cleanExit = [run.encrypt, run.hash].every((o) => o.exitCode === 0 && o.signal === null && !o.startError)
    if (!cleanExit || printed === undefined) counts.failed++
    else if (printed === r.trials.references[run.job.index]!.hash) counts.verified++
    else if (printed === EMPTY_MD5) counts.emptyInput++
    else counts.mismatch++
  }
  return counts
}

describe('summarizePipeline with recorded trials', () => {
  it('fixed: every recorded hash is the reference hash of its input', () => {
    const r = recorded('fixed')
    const { data, warnings } = summarize(r)
    const total = r.params.pipelines * r.params.runs * 2
    expect(expectedCounts(r, allRuns(r))).toEqual({ total, verified: total, emptyInput: 0, mismatch: 0, failed: 0 })
    expect(data.counts).toEqual(expectedCounts(r, allRuns(r)))
    expect(data.countsByVariant).toEqual({ serial: expectedCounts(r, runsOf(r.trials.serial)), parallel: expectedCounts(r, runsOf(r.trials.parallel)) })
    expect(data.rowsTotal).toBe(total)
    for (const row of data.rows) {
      expect(row.expected).toBe(r.trials.references[row.pipeline - 1]!.hash)
      expect(row).toMatchObject({ status: 'verified', hashed: row.expected })
    }
    expect(data.verificationSentence).toMatch(new RegExp(`\\(md5\\), and compares\\. All ${total} hashes were verified\\.$`))
    expect(warnings).toEqual([])
    expect(data.emptyInputHash).toBe(EMPTY_MD5)
    expect(data.encryptedBytesPerPipeline).toBe(r.trials.references[0]!.bytes)
  })

  it('book: counts the hashes of empty input the race left, and says how many in the warning, the sentence and the headline', () => {
    const r = recorded('book')
    const { data, warnings, headline } = summarize(r)
    const counts = expectedCounts(r, allRuns(r))
    expect(counts.emptyInput).toBeGreaterThan(0)
    expect(data.counts).toEqual(counts)
    expect(data.countsByVariant.parallel).toEqual(expectedCounts(r, runsOf(r.trials.parallel)))
    expect(data.rows.filter((row) => row.status === 'empty-input').every((row) => row.hashed === EMPTY_MD5)).toBe(true)
    expect(warnings.map((w) => w.code)).toEqual(['race-lost-bytes'])
    expect(warnings[0]!.message).toMatch(
      new RegExp(`^${counts.total - counts.verified} of ${counts.total} hashes did not match the app's own hash of the encrypted bytes \\(${counts.emptyInput} were the hash of empty input\\)\\. The fix for the book's code`),
    )
    expect(data.verificationSentence).toContain(`Only ${counts.verified} of ${counts.total} were verified: ${counts.emptyInput} were the hash of empty input (${EMPTY_MD5.slice(0, 8)}…): the hash stage got none of the bytes`)
    expect(data.verificationSentence).toMatch(/ The parent read those bytes itself\.$/)
    expect(headline).toContain(`(book): ${counts.verified} of ${counts.total} hashes verified, ${counts.emptyInput} of empty input;`)
  })

  it('times each order by its recorded wall times, and the speedup round by round against the ideal of one per pipeline', () => {
    const r = recorded('fixed')
    const { series, comparisons, headline } = summarize(r)
    const serial = valuesOf(r.trials.serial.samples)
    const parallel = valuesOf(r.trials.parallel.samples)
    const ratios = serial.map((s, i) => s / parallel[i]!)
    expect(series.map((s) => [s.id, s.summary.n])).toEqual([['serial', r.params.runs], ['parallel', r.params.runs]])
    expect(series[0]!.summary.median).toBe(medianOf(serial))
    expect(series[1]!.summary.median).toBe(medianOf(parallel))
    expect(comparisons).toHaveLength(1)
    expect(comparisons[0]!.ratios).toEqual(ratios)
    expect(comparisons[0]!.summary.median).toBeCloseTo(medianOf(ratios), 12)
    expect(comparisons[0]).toMatchObject({ baselineId: 'serial', candidateId: 'parallel', parallelism: r.params.pipelines, ideal: r.params.pipelines })
    expect(headline).toBe(
      `${r.params.pipelines} × openssl enc -des3 → md5sum (fixed): ${r.params.pipelines * r.params.runs * 2} of ${r.params.pipelines * r.params.runs * 2} hashes verified; serial ${formatDurationMs(medianOf(serial))}, parallel ${formatDurationMs(medianOf(parallel))} (${formatRatio(medianOf(ratios))})`,
    )
  })

  it('draws the last trial of each order: two stages per pipeline, on the trial\'s own clock', () => {
    const r = recorded('fixed')
    const { timelines, data } = summarize(r)
    const last = r.trials.parallel.details.at(-1)!
    const parallel = timelines.find((t) => t.id === 'parallel')!
    expect(timelines.map((t) => t.id)).toEqual(['parallel', 'serial'])
    expect(parallel.title).toBe(`Parallel: ${r.params.pipelines} pipelines started together (two children each)`)
    expect(parallel.spans.map((s) => s.label)).toEqual(last.runs.flatMap((run, k) => [`pipeline ${k + 1}: openssl enc (pid ${run.encrypt.pid})`, `pipeline ${k + 1}: md5sum (pid ${run.hash.pid})`]))
    expect(parallel.spans[0]!.startMs).toBeCloseTo(last.runs[0]!.encrypt.startedAtMs - last.originMs, 9)
    expect(parallel.spans[1]!.endMs).toBeCloseTo(last.runs[0]!.hash.exitedAtMs - last.originMs, 9)
    expect(data.spawnParallel).toMatchObject({ children: 2 * r.params.pipelines, wallMs: last.wallMs })
    expect(data.spawnSerial.wallMs).toBe(r.trials.serial.details.at(-1)!.wallMs)
  })

  it("reports openssl's stderr over every pipeline as a warning while it exits 0, and the command line without the password", () => {
    const r = recorded('fixed')
    const { data } = summarize(r)
    const withStderr = allRuns(r).filter((run) => run.encrypt.stderr.bytes > 0)
    expect(withStderr.length).toBeGreaterThan(0) // the lesson's old key derivation: OpenSSL 3 warns
    const firstLine = withStderr[0]!.encrypt.stderr.text.trim().split('\n')[0]
    expect(data.encryptStderr.pipelinesWithStderr).toBe(withStderr.length)
    expect(data.encryptStderr.sentence).toBe(
      `openssl wrote to stderr in ${withStderr.length} of ${allRuns(r).length} pipelines ("${firstLine}"); it still exited with code 0, so this is a warning, not a failure. OpenSSL 3 warns about the old key derivation the lesson uses; switch on pbkdf2 to use the modern one.`,
    )
    expect(data.encryptArgv).toEqual([r.trials.tools.openssl, 'enc', '-des3', '-pass', 'env:CONCURRENCY_LAB_PASSWORD', '-S', '<salt>'])
    expect(summarizePipeline({ ...r.params, pbkdf2: true }, r.trials, recordedMachine).data.encryptArgv).toContain('-pbkdf2')
  })
})

describe('summarizePipeline on edited trials', () => {
  it('a hash stage that failed: the pipeline counts as failed, with how each stage ended', () => {
    const r = recorded('fixed')
    const run = firstRun(r)
    run.hash.exitCode = 1
    const { data, warnings } = summarize(r)
    const total = r.params.pipelines * r.params.runs * 2
    expect(data.counts).toEqual({ total, verified: total - 1, emptyInput: 0, mismatch: 0, failed: 1 })
    expect(data.rows[0]!.status).toBe('failed')
    expect(warnings.map((w) => w.code)).toEqual(['not-verified', 'stage-failed'])
    expect(warnings[1]!.message).toBe(`1 pipelines had a stage that did not exit cleanly (first: exited with code 0 after ${elapsed(run.encrypt)}; exited with code 1 after ${elapsed(run.hash)}).`)
    expect(data.verificationSentence).toMatch(new RegExp(`Only ${total - 1} of ${total} were verified: 1 pipelines failed to run\\.$`))
    expect(summarize(r).headline).toContain(`${total - 1} of ${total} hashes verified;`)
  })

  it('a stage that never started, or a hash stage that printed no hash, fails its pipeline', () => {
    const r = recorded('fixed')
    firstRun(r).hash.startError = { name: 'LabError', code: 'program-not-found', message: 'The program "md5sum" was not found.' }
    r.trials.parallel.details[0]!.runs[1]!.hash.stdout.text = ''
    const { data, warnings } = summarize(r)
    expect(data.counts.failed).toBe(2)
    expect(data.rows[0]!.hashEnd).toBe('The program "md5sum" was not found.')
    expect(data.rows.find((row) => row.variant === 'parallel' && row.trial === 0 && row.pipeline === 2)).toMatchObject({ status: 'failed', hashed: null })
    expect(warnings.find((w) => w.code === 'stage-failed')!.message).toMatch(/^2 pipelines had a stage that did not exit cleanly \(first: exited with code 0 after .*; The program "md5sum" was not found\.\)\.$/)
  })

  it('a hash of other bytes is a mismatch, told apart from the hash of empty input', () => {
    const r = recorded('fixed')
    firstRun(r).hash.stdout.text = `${'ab'.repeat(16)}  -\n`
    r.trials.serial.details[1]!.runs[0]!.hash.stdout.text = `${EMPTY_MD5}  -\n`
    const { data, warnings } = summarize(r)
    const total = r.params.pipelines * r.params.runs * 2
    expect(data.counts).toEqual(expectedCounts(r, allRuns(r)))
    expect(data.counts).toEqual({ total, verified: total - 2, emptyInput: 1, mismatch: 1, failed: 0 })
    expect(data.rows[0]).toMatchObject({ status: 'mismatch', hashed: 'ab'.repeat(16) })
    expect(warnings).toEqual([{ code: 'not-verified', message: `2 of ${total} hashes did not match the app's own hash of the encrypted bytes (1 were the hash of empty input).` }])
    expect(data.verificationSentence).toMatch(new RegExp(`Only ${total - 2} of ${total} were verified: 1 were the hash of empty input \\(${EMPTY_MD5.slice(0, 8)}…\\): the hash stage got none of the bytes; 1 were of only part of the bytes\\.$`))
    expect(summarize(r).headline).toContain(`${total - 2} of ${total} hashes verified, 1 of empty input;`)
  })

  it('tee: a relayed hash that differs from the reference is reported', () => {
    const r = recorded('fixed')
    const runs = allRuns(r)
    runs.forEach((run) => (run.teeHash = r.trials.references[run.job.index]!.hash))
    expect(summarize(r).warnings).toEqual([])
    runs[3]!.teeHash = 'cd'.repeat(16)
    const { data, warnings } = summarize(r)
    expect(warnings).toEqual([{ code: 'reference-differs', message: "In 1 pipelines the bytes the parent relayed differ from the reference encryption: openssl's output was not reproducible here." }])
    expect(data.rows.filter((row) => row.teeHash !== undefined)).toHaveLength(runs.length)
  })

  it('an encryption that failed after writing to stderr is counted in the stderr sentence', () => {
    const r = recorded('fixed')
    firstRun(r).encrypt.exitCode = 1
    const { data } = summarize(r)
    expect(data.counts.failed).toBe(1)
    expect(data.encryptStderr.sentence).toMatch(/; 1 of them failed\. OpenSSL 3 warns/)
  })

  it('no stderr at all, with pbkdf2: nothing to report', () => {
    const r = recorded('fixed')
    for (const run of allRuns(r)) run.encrypt.stderr = { text: '', bytes: 0, truncated: false }
    const { data } = summarizePipeline({ ...r.params, pbkdf2: true }, r.trials, recordedMachine)
    expect(data.encryptStderr).toEqual({ sample: '', pipelinesWithStderr: 0, sentence: 'openssl wrote nothing to stderr.' })
  })

  it('a single run: one sample each, no spread, one ratio, and the rows of that run alone', () => {
    const r = recorded('fixed')
    for (const measured of [r.trials.serial, r.trials.parallel]) Object.assign(measured, { samples: measured.samples.slice(0, 1), details: measured.details.slice(0, 1) })
    const { series, comparisons, data } = summarize(r)
    for (const s of series) expect(s.summary).toMatchObject({ n: 1, sd: 0, ci95: [s.samples[0]!.valueMs, s.samples[0]!.valueMs] })
    expect(comparisons[0]!.ratios).toEqual([r.trials.serial.samples[0]!.valueMs / r.trials.parallel.samples[0]!.valueMs])
    expect(data.counts.total).toBe(2 * r.params.pipelines)
  })

  it('zero spread: no standard deviation, and the headline gives the exact speedup', () => {
    const r = recorded('fixed')
    r.trials.serial.samples.forEach((s) => (s.valueMs = 200))
    r.trials.parallel.samples.forEach((s) => (s.valueMs = 100))
    const { series, comparisons, headline } = summarize(r)
    expect(series.map((s) => [s.summary.sd, s.summary.ci95])).toEqual([[0, [200, 200]], [0, [100, 100]]])
    expect(comparisons[0]!.summary).toMatchObject({ median: 2, sd: 0 })
    expect(headline).toMatch(/; serial 200 ms, parallel 100 ms \(2\.00×\)$/)
  })

  it('the built-in hash program is named as such', () => {
    const r = recorded('fixed')
    r.trials.tools = { ...r.trials.tools, hashSource: 'builtin' }
    const { headline, timelines } = summarize(r)
    expect(headline).toContain('→ built-in md5 (fixed)')
    expect(timelines[0]!.spans[1]!.label).toMatch(/^pipeline 1: built-in md5 \(pid \d+\)$/)
  })

  it('keeps at most 1000 rows, and says how many there were', () => {
    const r = recorded('fixed')
    for (const measured of [r.trials.serial, r.trials.parallel]) measured.details = Array.from({ length: 200 }, () => measured.details).flat()
    const { data } = summarize(r)
    expect(data.rowsTotal).toBe(2 * 200 * r.params.runs * r.params.pipelines)
    expect(data.rows).toHaveLength(1000)
    expect(data.counts.total).toBe(data.rowsTotal)
  })
})
