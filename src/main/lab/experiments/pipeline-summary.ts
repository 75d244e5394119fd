import type { PipelineCounts, PipelineData, PipelineMode, PipelineParams, PipelineRow, PipelineStatus } from '../../../shared/experiments/pipeline'
import type { RunWarning, TimelineSpan } from '../../../shared/model/result'
import { formatDurationMs, formatRatio } from '../../../shared/units'
import type { Measured } from '../measure/interleave'
import { PASSWORD_VARIABLE, emptyInputHash, encryptArgs, parseHash, type PipelineJob, type PipelineRun, type PipelineTools } from '../processes/encrypt-hash'
import { childEnd, spanOf, spawnAccount } from '../processes/report'
import { pipelineHashName, pipelineSpeedupSentence } from './explain/pipeline'
import type { ChildOutcome } from '../processes/run-child'
import { compare, toSeries, type ExperimentOutput } from './experiment'

/**
 * The pipeline result computed from recorded trials alone: each hash checked against the app's
 * own, the speedup, the timelines and the sentences. No clock, no processes: what it needs comes
 * in as arguments.
 */

const ROWS_KEPT = 1000

/** One pipeline as the summary reads it: which input it had, how each stage ended, what the parent read. */
export type RecordedPipelineRun = Omit<PipelineRun, 'job'> & { job: Pick<PipelineJob, 'index'> }

export interface PipelineTrial {
  runs: RecordedPipelineRun[]
  originMs: number
  wallMs: number
}

/** What the measurement used and recorded, nothing computed from it. */
export interface PipelineTrials {
  tools: PipelineTools
  /** The app's own hash of each input's ciphertext, and its size, by input index. */
  references: { hash: string; bytes: number }[]
  serial: Measured<PipelineTrial>
  parallel: Measured<PipelineTrial>
}

const MODE_SENTENCES: Record<PipelineMode, string> = {
  fixed:
    "Fixed: the hash stage's stdin is openssl's stdout pipe, and right after starting the hash stage the parent lets go of its own copy of that pipe, so the hash stage is its only reader and hashes every byte.",
  book:
    "The lesson's code as printed: the hash stage's stdin is openssl's stdout pipe, but the parent keeps its copy and reads it too (proc.communicate() on the openssl process), so the two race for the same bytes. Whoever reads first takes them; when the parent wins, the hash stage hashes nothing and prints the hash of empty input.",
  tee: "Tee: the parent is the only reader of openssl's stdout; it hashes each chunk itself and passes it on to the hash stage's stdin, so the app checks the very bytes the hash stage saw (one copy more than a direct pipe).",
}

const FIX_SENTENCE =
  'The fix for the book\'s code: once the hash stage holds the pipe, the parent lets go of its copy and never reads it — proc.stdout.close() in Python right after starting the hash stage, stream.destroy() in Node. Node even stops reading a stream it hands to a child by default; reproducing the book\'s bug here takes an explicit resume().'

function statusOf(run: RecordedPipelineRun, hashed: string | null, expected: string, empty: string): PipelineStatus {
  const ok = (o: ChildOutcome): boolean => !o.startError && o.exitCode === 0 && o.signal === null
  if (!ok(run.encrypt) || !ok(run.hash) || hashed === null) return 'failed'
  if (hashed === expected) return 'verified'
  return hashed === empty ? 'empty-input' : 'mismatch'
}

function countsOf(rows: readonly PipelineRow[]): PipelineCounts {
  const count = (status: PipelineStatus): number => rows.filter((r) => r.status === status).length
  return { total: rows.length, verified: count('verified'), emptyInput: count('empty-input'), mismatch: count('mismatch'), failed: count('failed') }
}

function spansOf(trial: PipelineTrial, hashName: string): TimelineSpan[] {
  return trial.runs.flatMap((run, k) => [spanOf(run.encrypt, 2 * k, trial.originMs, `pipeline ${k + 1}: openssl enc`), spanOf(run.hash, 2 * k + 1, trial.originMs, `pipeline ${k + 1}: ${hashName}`)])
}

function verificationSentence(counts: PipelineCounts, algorithm: string, empty: string, mode: PipelineMode): string {
  const how = `The app checks every hash against its own: it encrypts the same input again, alone, with the same password and salt (openssl's -S salt makes the output reproducible), hashes that ciphertext with node:crypto (${algorithm}), and compares.`
  if (counts.verified === counts.total) return `${how} All ${counts.total} hashes were verified.`
  const parts = [
    counts.emptyInput > 0 ? `${counts.emptyInput} were the hash of empty input (${empty.slice(0, 8)}…): the hash stage got none of the bytes` : '',
    counts.mismatch > 0 ? `${counts.mismatch} were of only part of the bytes` : '',
    counts.failed > 0 ? `${counts.failed} pipelines failed to run` : '',
  ].filter(Boolean)
  return `${how} Only ${counts.verified} of ${counts.total} were verified: ${parts.join('; ')}.${mode === 'book' ? ' The parent read those bytes itself.' : ''}`
}

/** The result of a pipeline run from its recorded trials. */
export function summarizePipeline(params: PipelineParams, trials: PipelineTrials, machine: { logicalCores: number }): ExperimentOutput<PipelineData> {
  const { tools, references, serial, parallel } = trials
  const empty = emptyInputHash(tools.algorithm)
  const rowsOf = (variant: 'serial' | 'parallel', measured: PipelineTrial[]): PipelineRow[] =>
    measured.flatMap((trial, t) =>
      trial.runs.map((run) => {
        const hashed = parseHash(run.hash.stdout.text, tools.algorithm)
        const expected = references[run.job.index]!.hash
        return {
          variant,
          trial: t,
          pipeline: run.job.index + 1,
          hashed,
          expected,
          status: statusOf(run, hashed, expected, empty),
          parentReadBytes: run.parentReadBytes,
          ...(run.teeHash !== undefined ? { teeHash: run.teeHash } : {}),
          encryptEnd: childEnd(run.encrypt).sentence,
          hashEnd: childEnd(run.hash).sentence,
        }
      }),
    )
  const serialRows = rowsOf('serial', serial.details)
  const parallelRows = rowsOf('parallel', parallel.details)
  const rows = [...serialRows, ...parallelRows]
  const counts = countsOf(rows)

  const serialSeries = toSeries(serial)
  const parallelSeries = toSeries(parallel)
  const speedup = compare(serialSeries, parallelSeries, params.pipelines, params.pipelines)
  const allRuns = [...serial.details, ...parallel.details].flatMap((d) => d.runs)
  const withStderr = allRuns.filter((r) => r.encrypt.stderr.bytes > 0)
  const stderrSample = withStderr[0]?.encrypt.stderr.text.trim() ?? ''
  const encryptFailures = allRuns.filter((r) => r.encrypt.exitCode !== 0).length
  const lastParallel = parallel.details.at(-1)!
  const lastSerial = serial.details.at(-1)!
  const spawnParallel = spawnAccount(lastParallel.runs.flatMap((r) => [r.encrypt, r.hash]), lastParallel.wallMs)
  const hashName = pipelineHashName(tools.hashSource, tools.algorithm, tools.hash.file)

  const warnings: RunWarning[] = []
  if (counts.verified < counts.total) {
    warnings.push({
      code: params.mode === 'book' ? 'race-lost-bytes' : 'not-verified',
      message: `${counts.total - counts.verified} of ${counts.total} hashes did not match the app's own hash of the encrypted bytes (${counts.emptyInput} were the hash of empty input).${params.mode === 'book' ? ` ${FIX_SENTENCE}` : ''}`,
    })
  }
  const teeMismatch = allRuns.filter((r) => r.teeHash !== undefined && r.teeHash !== references[r.job.index]!.hash).length
  if (teeMismatch > 0) warnings.push({ code: 'reference-differs', message: `In ${teeMismatch} pipelines the bytes the parent relayed differ from the reference encryption: openssl's output was not reproducible here.` })
  if (counts.failed > 0) warnings.push({ code: 'stage-failed', message: `${counts.failed} pipelines had a stage that did not exit cleanly (first: ${rows.find((r) => r.status === 'failed')?.encryptEnd}; ${rows.find((r) => r.status === 'failed')?.hashEnd}).` })

  return {
    series: [serialSeries, parallelSeries],
    comparisons: [speedup],
    timelines: [
      { id: 'parallel', title: `Parallel: ${params.pipelines} pipelines started together (two children each)`, spans: spansOf(lastParallel, hashName) },
      { id: 'serial', title: 'Serial: one pipeline after another', spans: spansOf(lastSerial, hashName) },
    ],
    warnings,
    headline: `${params.pipelines} × openssl enc -${params.cipher} → ${hashName} (${params.mode}): ${counts.verified} of ${counts.total} hashes verified${counts.emptyInput > 0 ? `, ${counts.emptyInput} of empty input` : ''}; serial ${formatDurationMs(serialSeries.summary.median)}, parallel ${formatDurationMs(parallelSeries.summary.median)} (${formatRatio(speedup.summary.median)})`,
    data: {
      mode: params.mode,
      modeSentence: MODE_SENTENCES[params.mode],
      fixSentence: FIX_SENTENCE,
      verificationSentence: verificationSentence(counts, tools.algorithm, empty, params.mode),
      encryptArgv: [tools.openssl, ...encryptArgs(params, '<salt>')],
      passwordVariable: PASSWORD_VARIABLE,
      hashArgv: [tools.hash.file, ...tools.hash.args],
      hashProgramSource: tools.hashSource,
      hashAlgorithm: tools.algorithm,
      emptyInputHash: empty,
      pipelines: params.pipelines,
      bytesPerPipeline: params.bytes,
      encryptedBytesPerPipeline: references[0]?.bytes ?? 0,
      counts,
      countsByVariant: { serial: countsOf(serialRows), parallel: countsOf(parallelRows) },
      rows: rows.slice(0, ROWS_KEPT),
      rowsTotal: rows.length,
      encryptStderr: {
        sample: stderrSample,
        pipelinesWithStderr: withStderr.length,
        sentence:
          withStderr.length === 0
            ? 'openssl wrote nothing to stderr.'
            : `openssl wrote to stderr in ${withStderr.length} of ${allRuns.length} pipelines${stderrSample ? ` ("${stderrSample.split('\n')[0]}")` : ''}; ${encryptFailures === 0 ? 'it still exited with code 0, so this is a warning, not a failure' : `${encryptFailures} of them failed`}.${params.pbkdf2 ? '' : ' OpenSSL 3 warns about the old key derivation the lesson uses; switch on pbkdf2 to use the modern one.'}`,
      },
      spawnParallel,
      spawnSerial: spawnAccount(lastSerial.runs.flatMap((r) => [r.encrypt, r.hash]), lastSerial.wallMs),
      hashName,
      speedupSentence: pipelineSpeedupSentence({ speedup: speedup.summary.median, pipelines: params.pipelines, spawnShare: spawnParallel.share, logicalCores: machine.logicalCores }),
    },
  }
}
