import { z } from 'zod'
import { MAX_WORKLOAD_INPUTS, MAX_WORKLOAD_SOURCE_CHARS, WORKLOAD_STRATEGIES } from '../experiments/workload'
import type { ExperimentId } from '../experiments/catalog'
import { LAUNCHERS } from '../experiments/launchers'
import { PIPELINE_MODES } from '../experiments/pipeline'
import { RACE_MODES } from '../experiments/race'
import { TRACE_KEPT_LINKS, TRACE_KEPT_PER_WORKER } from '../experiments/race-trace'
import { FACTORIZE_STRATEGIES } from '../experiments/threads'

/*
 * What each experiment keeps in a result's `data`, as far as the views and reports read it.
 * Objects are loose (a field this lab does not read passes through), texts and lists bounded,
 * numbers finite. A measured figure may be null: JSON writes NaN (nothing measured) as null.
 */

const measured = z.number().nullable()
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)
const text = z.string().max(100_000)
const shortText = z.string().max(1000)
const list = <T extends z.ZodType>(item: T, max = 100_000) => z.array(item).max(max)
const exitCode = z.number().int().nullable()
const signal = shortText.nullable()
const programSource = z.enum(['system', 'builtin'])
const runtime = z.enum(['node', 'python'])
const launcher = z.enum(LAUNCHERS)

/*
 * Figures and sentences the engine derives from the rest of `data` are optional: results saved
 * before the engine kept them lack them, and the result store fills them in when it loads one.
 */
const derived = <T extends z.ZodType>(schema: T) => schema.optional()

const spawnAccount = z.looseObject({
  children: count,
  wallMs: measured,
  spawningMs: measured,
  perChildMs: measured,
  startStaggerMs: measured,
  share: measured,
  sentence: text,
})
const commandFacts = {
  command: text,
  argv: list(text, 10_000),
  shell: z.boolean(),
  programSource,
  notes: list(text, 1000),
}
const streamReport = z.looseObject({ text: z.string().max(16 * 1024 * 1024), bytes: count, truncated: z.boolean() })
const childEnd = z.looseObject({
  kind: z.enum(['exited', 'killed', 'timed-out', 'cancelled', 'not-started']),
  exitCode,
  signal,
  pythonStatus: exitCode,
  sentence: text,
})

const capture = z.looseObject({
  ...commandFacts,
  pid: count.optional(),
  end: childEnd,
  stdout: streamReport,
  stderr: streamReport,
  maxOutputBytes: count,
  endFigure: derived(z.looseObject({ label: shortText, value: shortText, note: text })),
  phases: z.looseObject({
    spawnRequestedMs: z.number(),
    spawnReturnedMs: measured,
    runningMs: measured.optional(),
    exitedMs: measured,
    streamsClosedMs: measured,
    terminationRequestedMs: measured.optional(),
  }),
  moments: derived(
    list(
      z.looseObject({ id: z.enum(['requested', 'started', 'running', 'termination', 'exited', 'closed']), label: shortText, atMs: measured, sinceMs: measured, meaning: text }),
      10,
    ),
  ),
  waiting: z.looseObject({
    waitedMs: measured,
    heartbeatIntervalMs: measured,
    heartbeats: count,
    maxHeartbeatLagMs: measured,
    timerResolutionMs: measured.optional(),
    lagBeyondTimerMs: measured.optional(),
    appCpuMs: measured,
    appCpuShare: measured,
    sentence: text,
  }),
  spawn: spawnAccount,
  runs: list(z.looseObject({ run: count, pid: count.optional(), totalMs: measured, spawnMs: measured, exitCode, signal })),
})

const launcherRow = z.looseObject({
  launcher,
  label: shortText,
  parallelWallMs: measured,
  startCostMs: measured,
  spawnCallMs: measured,
  vsFastest: measured,
  vsPython: measured.optional(),
})
const fanout = z.looseObject({
  argv: list(text, 10_000),
  programSource,
  // absent in results saved before the launcher could be chosen
  launcher: launcher.optional(),
  launcherLabel: shortText.optional(),
  helperCount: count,
  launchers: list(launcherRow, 100).optional(),
  launcherIdealMs: measured.optional(),
  launcherSentence: text.optional(),
  launcherWhy: text.optional(),
  spawnMsMedian: measured,
  parallelSpawnShare: measured,
  failedChildren: count,
  limits: list(z.looseObject({ limit: count, seriesId: shortText, medianMs: measured, speedup: measured, ideal: measured, rounds: derived(count), efficiency: derived(measured) })),
  longestChildMs: measured,
  sumOfChildrenMs: measured,
  parallelWallMs: measured,
  boundSentence: text,
  startSentence: text.optional(),
  sweepSentence: derived(text),
  spawnParallel: spawnAccount,
  spawnSerial: spawnAccount,
})

const pipelineCounts = z.looseObject({ total: count, verified: count, emptyInput: count, mismatch: count, failed: count })
const pipeline = z.looseObject({
  mode: z.enum(PIPELINE_MODES),
  modeSentence: text,
  fixSentence: text,
  verificationSentence: text,
  encryptArgv: list(text, 10_000),
  passwordVariable: shortText,
  hashArgv: list(text, 10_000),
  hashProgramSource: programSource,
  hashAlgorithm: z.enum(['md5', 'sha256']),
  hashName: derived(shortText),
  emptyInputHash: shortText,
  pipelines: count,
  bytesPerPipeline: count,
  encryptedBytesPerPipeline: count,
  counts: pipelineCounts,
  countsByVariant: z.looseObject({ serial: pipelineCounts, parallel: pipelineCounts }),
  rows: list(
    z.looseObject({
      variant: z.enum(['serial', 'parallel']),
      trial: count,
      pipeline: count,
      hashed: shortText.nullable(),
      expected: shortText,
      status: z.enum(['verified', 'empty-input', 'mismatch', 'failed']),
      parentReadBytes: count,
      teeHash: shortText.optional(),
      encryptEnd: text,
      hashEnd: text,
    }),
  ),
  rowsTotal: count,
  encryptStderr: z.looseObject({ sample: text, pipelinesWithStderr: count, sentence: text }),
  spawnParallel: spawnAccount,
  spawnSerial: spawnAccount,
  speedupSentence: derived(text),
})

const timeout = z.looseObject({
  argv: list(text, 10_000),
  programSource,
  ignoresSigterm: z.boolean(),
  timeoutMs: measured,
  graceMs: measured,
  runs: list(
    z.looseObject({
      run: count,
      pid: count.optional(),
      elapsedMs: measured,
      overshootMs: measured,
      sigtermAtMs: measured.optional(),
      sigkillAtMs: measured.optional(),
      signal,
      exitCode,
      pythonStatus: exitCode,
      forcedKill: z.boolean(),
      reap: z.enum(['reaped', 'zombie', 'alive', 'unknown']),
      groupGone: z.boolean().nullable(),
      sentence: text,
    }),
  ),
  medianElapsedMs: measured,
  medianOvershootMs: measured,
  signal,
  pythonStatus: exitCode,
  sentence: text,
  zombies: z.looseObject({ method: z.enum(['/proc', 'kill(pid, 0)']), count, sentence: text }),
  stop: z.looseObject({ method: z.enum(['sigterm-then-sigkill', 'taskkill']), childCanIgnore: z.boolean(), sentence: text }).optional(),
  spawn: spawnAccount,
  medianSigtermAtMs: derived(measured),
  explanation: derived(text),
})

const command = z.looseObject({
  ...commandFacts,
  measuredRuns: count,
  warmupRuns: count,
  budgetMs: measured,
  statisticsLines: list(text, 1000),
  exitCodes: z.record(z.string().max(64), count),
  outputBytesMedian: measured,
  // absent in results saved before the launcher could be chosen
  launcher: launcher.optional(),
  launcherLabel: shortText.optional(),
  spawnSingle: z.looseObject({ spawnMsMedian: measured, wallMsMedian: measured, share: measured, sentence: text, verdict: derived(text) }),
  sweep: list(z.looseObject({ copies: count, seriesId: shortText, medianMs: measured, speedup: measured, ideal: measured, efficiency: measured, throughputPerSecond: measured })),
  sweepSentence: derived(text),
  measuredSentence: derived(text),
  spawnSweep: spawnAccount.optional(),
  logicalCores: count,
})

const eventLoopDelay = z.looseObject({ maxMs: measured, p99Ms: measured, meanMs: measured, resolutionMs: measured, timerResolutionMs: measured.optional() })
const pythonRuntime = {
  ran: z.boolean(),
  reason: text.optional(),
  version: shortText.optional(),
  implementation: shortText.optional(),
  executable: text.optional(),
  gilEnabled: z.boolean().optional(),
  freeThreadedBuild: z.boolean().optional(),
  interpreterStartupMs: measured.optional(),
  sentence: derived(text),
}
const laneTurn = z.looseObject({ startMs: measured, endMs: measured, detail: shortText })
const lanesFigure = z.looseObject({
  id: shortText,
  runtime,
  strategy: shortText,
  workers: count,
  title: shortText,
  activity: z.enum(['computing', 'waiting']),
  lanes: list(z.looseObject({ label: shortText, pid: count.optional(), threadId: z.number().optional(), activeMs: measured, turns: list(laneTurn) }), 1000),
  slices: count,
  pausedSlices: count,
  busyMs: measured,
  overlapMs: measured,
  overlapShare: measured,
  possibleOverlapMs: measured,
  overlapOfPossible: measured,
  startSpreadMs: measured.optional(),
  sharedWindowMs: measured.optional(),
  medianTurnMs: measured,
  switchIntervalMs: measured.optional(),
  stampCost: z.looseObject({ stamps: count, perStampNs: measured, shareOfWork: measured, tracedMs: measured, untracedMedianMs: measured }).optional(),
  sentence: text,
})
/** Who ran when (absent in results saved before the lanes). */
const lanes = list(lanesFigure, 100).optional()
const workersAndMs = list(z.looseObject({ workers: count, ms: measured }), 1000)

const scalingCurves = list(
  z.looseObject({
    runtime,
    strategy: z.enum(FACTORIZE_STRATEGIES),
    label: shortText,
    points: list(
      z.looseObject({ workers: count, speedup: measured, speedupCi95: z.tuple([measured, measured]), efficiency: measured, karpFlatt: measured, seriesId: shortText }),
      1000,
    ),
    amdahl: z.looseObject({}).nullable(),
    /** Absent in results saved before the Universal Scalability Law was fitted. */
    usl: z.looseObject({ contention: measured, coherency: measured, peakWorkers: measured.nullable(), peakSpeedup: measured.nullable() }).nullable().optional(),
  }),
  100,
)

const factorize = z.looseObject({
  numbers: list(z.number(), 10_000),
  scale: measured,
  scaleChosen: z.enum(['auto', 'given']),
  tasks: count,
  numbersPerTask: measured,
  poolTasks: count,
  trialDivisions: measured,
  logicalCores: count,
  workerCounts: list(count, 1000),
  strategies: list(z.enum(FACTORIZE_STRATEGIES), 100),
  runtimes: list(runtime, 10),
  includeStartup: z.boolean(),
  results: z.looseObject({
    identical: z.boolean(),
    comparedRuns: count,
    referenceChecked: count,
    divisors: list(z.looseObject({ number: z.number(), divisors: list(z.number()) }), 10_000),
  }),
  split: z.looseObject({ largestTaskShare: measured, bounds: list(z.looseObject({ workers: count, longestTaskBound: measured, inOrderBound: measured }), 1000) }),
  scaling: scalingCurves,
  startup: z.looseObject({
    pool: z.looseObject({ workers: count, allReadyMs: measured, readyMs: list(measured, 10_000) }).optional(),
    freshPoolMedianMs: workersAndMs.optional(),
    processMedianMs: workersAndMs.optional(),
    python: list(z.looseObject({ strategy: shortText, workers: count, ms: measured }), 1000).optional(),
  }),
  eventLoopDelay,
  python: z.looseObject({ ...pythonRuntime, scale: measured.optional(), tasks: count.optional() }),
  findings: list(text, 1000),
  lanes,
})

const blockingIo = z.looseObject({
  calls: count,
  ms: measured,
  serialIdealMs: measured,
  runtimes: list(runtime, 10),
  outcomes: list(z.looseObject({ runtime, strategy: shortText, seriesId: shortText, medianMs: measured, speedup: measured, overlap: measured }), 1000),
  poolStartup: z.looseObject({ workers: count, allReadyMs: measured }).optional(),
  eventLoopDelay,
  python: z.looseObject(pythonRuntime),
  findings: list(text, 1000),
  lanes,
})

const raceVariant = z.looseObject({
  id: shortText,
  runtime,
  mode: z.enum(RACE_MODES),
  label: shortText,
  code: text,
  mustBeExact: z.boolean(),
  expectedPerTrial: count,
  trials: list(
    z.looseObject({ trial: count, expected: count, found: z.number(), lost: z.number(), lostShare: measured, durationMs: measured, incrementsPerSecond: measured, overlapShare: measured }),
    10_000,
  ),
  exactTrials: count,
  lossyTrials: count,
  lossyShare: measured,
  lostShare: z.looseObject({ median: measured, mean: measured, min: measured, max: measured }),
  lostMin: measured,
  lostMax: measured,
  foundValues: list(z.number(), 10_000),
  foundMin: derived(measured),
  histogram: list(z.looseObject({ fromShare: measured, toShare: measured, count }), 1000),
  durationMsMedian: measured,
  incrementsPerSecondMedian: measured,
  overlapShareMedian: measured,
  exactViolation: z.boolean(),
})
const tracedIncrement = z.looseObject({ worker: count, index: count })
const tracedValues = list(z.number().int(), TRACE_KEPT_PER_WORKER)
const raceTrace = z.looseObject({
  variantId: shortText,
  label: shortText,
  workers: count,
  incrementsPerWorker: count,
  expected: count,
  found: z.number(),
  shortBy: z.number(),
  lostUpdates: count,
  crossWorkerLostUpdates: count,
  readAboveFinal: count,
  inconsistentWrites: count,
  accounted: z.boolean(),
  mustBeExact: z.boolean(),
  checkPassed: z.boolean(),
  links: list(z.looseObject({ value: z.number().int(), first: tracedIncrement, second: tracedIncrement, crossWorker: z.boolean() }), TRACE_KEPT_LINKS),
  lanes: list(z.looseObject({ worker: count, firstIndex: count, reads: tracedValues, writes: tracedValues, atUs: list(measured, TRACE_KEPT_PER_WORKER).optional() }), 256),
  keptIncrements: count,
  totalIncrements: count,
  sentences: list(text, 20),
})
const race = z.looseObject({
  workers: count,
  increments: count,
  trials: count,
  warmupRounds: count,
  expectedPerTrial: count,
  logicalCores: count,
  modes: list(z.enum(RACE_MODES), 10),
  variants: list(raceVariant, 100),
  histogramBinEdges: list(z.number(), 1000),
  slowdowns: z.looseObject({ mutexVsAtomic: measured.optional(), atomicVsUnsynchronised: measured.optional(), pythonLockedVsUnlocked: measured.optional() }),
  slowdownSentence: derived(text),
  exactViolation: z.boolean(),
  python: z.looseObject({
    status: z.enum(['ran', 'missing', 'not-requested', 'no-matching-mode']),
    version: shortText.optional(),
    executable: text.optional(),
    gilEnabled: z.boolean().optional(),
    switchIntervalMs: measured.optional(),
    interpreterStartupMs: measured.optional(),
    reason: text.optional(),
    sentence: derived(text),
  }),
  explanations: list(text, 1000),
  estimatedMs: measured,
  // absent in results saved before the traced trial and the walkthrough
  traces: list(raceTrace, 20).optional(),
  traceNotes: list(text, 20).optional(),
  bytecode: z.looseObject({ python: shortText, instructions: list(z.looseObject({ offset: count, opname: shortText, argval: text, argrepr: text }), 1000) }).optional(),
  bytecodeNote: text.optional(),
})

const workload = z.looseObject({
  language: z.enum(['javascript', 'python']).optional(),
  moduleName: shortText,
  source: z.string().max(MAX_WORKLOAD_SOURCE_CHARS),
  inputs: list(z.looseObject({ index: count, preview: shortText, serialMs: measured.optional(), share: measured.optional(), error: text.optional() }), MAX_WORKLOAD_INPUTS),
  measuredInputs: count,
  workerCounts: list(count, 1000),
  strategies: list(z.enum(WORKLOAD_STRATEGIES), 10),
  logicalCores: count,
  split: z.looseObject({ largestInputShare: measured, largestInputIndex: count, bounds: list(z.looseObject({ workers: count, longestTaskBound: measured, inOrderBound: measured }), 1000) }),
  scaling: scalingCurves,
  identical: z.boolean(),
  mismatches: list(z.looseObject({ seriesId: shortText, label: shortText, inputs: list(text, 100) }), 100),
  findings: list(text, 1000),
})

/** The schema of `data` for each experiment. */
export const resultDataSchemas: Record<ExperimentId, z.ZodType> = {
  capture,
  fanout,
  pipeline,
  timeout,
  command,
  factorize,
  'blocking-io': blockingIo,
  race,
  workload,
}
