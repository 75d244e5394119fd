import { randomBytes } from 'node:crypto'
import { LabError, cancelledError } from '../../../shared/errors'
import {
  PIPELINE_MAX_TOTAL_BYTES,
  type PipelineCounts,
  type PipelineData,
  type PipelineMode,
  type PipelineParams,
  type PipelineRow,
  type PipelineStatus,
} from '../../../shared/experiments/pipeline'
import type { RunWarning, TimelineSpan } from '../../../shared/model/result'
import { formatBytes, formatDurationMs, formatRatio } from '../../../shared/units'
import { measureInterleaved, type Variant } from '../measure/interleave'
import {
  PASSWORD_VARIABLE,
  emptyInputHash,
  encryptArgs,
  parseHash,
  resolvePipelineTools,
  type EncryptSettings,
  type PipelineJob,
  type PipelineRun,
  type PipelineTools,
} from '../processes/encrypt-hash'
import { childEnd, spanOf, spawnAccount } from '../processes/report'
import type { ChildOutcome } from '../processes/run-child'
import { compare, toSeries, type ExperimentRunner } from './experiment'
import { pipelineHashName, pipelineSpeedupSentence } from './explain/pipeline'

const ROWS_KEPT = 1000

interface PipelineTrial {
  runs: PipelineRun[]
  originMs: number
  wallMs: number
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

function statusOf(run: PipelineRun, hashed: string | null, expected: string, empty: string): PipelineStatus {
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

export const pipelineRunner: ExperimentRunner<PipelineParams, PipelineData> = {
  id: 'pipeline',
  async run(params, context) {
    const totalBytes = params.pipelines * params.bytes
    if (totalBytes > PIPELINE_MAX_TOTAL_BYTES) {
      throw new LabError('invalid-params', `Pipelines × bytes must stay within ${formatBytes(PIPELINE_MAX_TOTAL_BYTES)} (the input is kept in memory); got ${params.pipelines} × ${formatBytes(params.bytes)} = ${formatBytes(totalBytes)}. Use fewer pipelines or fewer bytes.`)
    }
    const tools: PipelineTools = await resolvePipelineTools(params)
    const settings: EncryptSettings = { cipher: params.cipher, pbkdf2: params.pbkdf2, password: randomBytes(12).toString('base64url') }
    const jobs: PipelineJob[] = Array.from({ length: params.pipelines }, (_, index) => ({ index, plaintext: randomBytes(params.bytes), salt: randomBytes(8).toString('hex') }))

    // the whole pipeline work is done by a spawner helper, never by the app: a spawn from a big process holds its thread
    await context.spawners.ready()
    context.progress('Encrypting each input once on its own, for verification', 0, params.pipelines)
    const reference = await context.spawners.runPipelineWork({ kind: 'reference', jobs, tools, settings }, context.signal)
    if (context.signal.aborted) throw cancelledError()
    const references = reference.kind === 'reference' ? reference.references : []

    const trial = (order: 'serial' | 'parallel', label: string): Variant<PipelineTrial> => ({
      id: order,
      label,
      async run(signal) {
        const done = await context.spawners.runPipelineWork({ kind: 'trial', order, jobs, mode: params.mode, tools, settings }, signal)
        if (signal.aborted) throw cancelledError()
        if (done.kind !== 'trial') throw new LabError('internal', 'The spawner helper answered a pipeline trial with something else.')
        return { valueMs: done.wallMs, detail: { runs: done.runs, originMs: done.originMs, wallMs: done.wallMs } }
      },
    })
    const serial = trial('serial', 'Serial')
    const parallel = trial('parallel', 'Parallel')
    const measured = await measureInterleaved([serial, parallel], {
      warmup: params.warmup,
      runs: params.runs,
      signal: context.signal,
      onProgress: context.progress,
    })
    const serialMeasured = measured[0]!
    const parallelMeasured = measured[1]!

    const empty = emptyInputHash(tools.algorithm)
    const rowsOf = (variant: 'serial' | 'parallel', trials: PipelineTrial[]): PipelineRow[] =>
      trials.flatMap((trial, t) =>
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
    const serialRows = rowsOf('serial', serialMeasured.details)
    const parallelRows = rowsOf('parallel', parallelMeasured.details)
    const rows = [...serialRows, ...parallelRows]
    const counts = countsOf(rows)

    const serialSeries = toSeries(serialMeasured)
    const parallelSeries = toSeries(parallelMeasured)
    const speedup = compare(serialSeries, parallelSeries, params.pipelines, params.pipelines)
    const allRuns = [...serialMeasured.details, ...parallelMeasured.details].flatMap((d) => d.runs)
    const withStderr = allRuns.filter((r) => r.encrypt.stderr.bytes > 0)
    const stderrSample = withStderr[0]?.encrypt.stderr.text.trim() ?? ''
    const encryptFailures = allRuns.filter((r) => r.encrypt.exitCode !== 0).length
    const lastParallel = parallelMeasured.details.at(-1)!
    const lastSerial = serialMeasured.details.at(-1)!
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
        encryptArgv: [tools.openssl, ...encryptArgs(settings, '<salt>')],
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
        speedupSentence: pipelineSpeedupSentence({ speedup: speedup.summary.median, pipelines: params.pipelines, spawnShare: spawnParallel.share, logicalCores: context.machine.logicalCores }),
      },
    }
  },
}
