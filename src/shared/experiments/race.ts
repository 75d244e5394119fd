import type { InterpreterComparison } from './interpreters'
import { formatCount, formatRoughDurationMs, MS_PER_SECOND, nsToMs } from '../units'
import { enumParam, intParam, listParam, numberParam, type EnumParam, type ParamValues } from './params'
import type { RaceTrace } from './race-trace'
import type { PythonInstruction } from './race-stepper'

/** How the workers increment the shared counter. */
export const RACE_MODES = ['unsynchronised', 'atomic', 'mutex'] as const
export type RaceMode = (typeof RACE_MODES)[number]

export const raceParamSpecs = {
  workers: intParam({ label: 'Workers', help: 'Threads that increment the one shared counter at the same time.', min: 1, max: 256, default: 5 }),
  increments: intParam({ label: 'Increments each', help: 'How many times each worker adds one to the counter.', min: 1, max: 100_000_000, default: 100_000 }),
  trials: intParam({ label: 'Trials', help: 'Measured trials of every mode (modes take turns: A B C, A B C, …), after one warm-up round.', min: 1, max: 1000, default: 20 }),
  modes: listParam<EnumParam<RaceMode>>({
    label: 'Modes',
    help: 'unsynchronised: read, add one, write back; atomic: Atomics.add; mutex: a lock (compare-exchange + wait/notify) around the read-add-write.',
    item: enumParam({ label: 'Mode', help: 'One way to increment.', options: RACE_MODES, default: 'unsynchronised' }),
    minItems: 1,
    maxItems: RACE_MODES.length,
    default: RACE_MODES,
  }),
  runtime: enumParam({
    label: 'Runtime',
    help: 'node: worker threads on a SharedArrayBuffer; python: the lesson\'s Counter and LockingCounter on CPython threads; both: each.',
    options: ['both', 'node', 'python'] as const,
    default: 'both',
  }),
  traceIncrements: intParam({
    label: 'Traced increments (Node)',
    help: 'One extra trial per Node mode, not measured: 2 workers each log this many increments (the value read and the value written), to find every lost update; repeated up to 5 times until the workers meet (and, unsynchronised, lose an update). 0: no traced trial.',
    min: 0,
    max: 1_000_000,
    default: 100_000,
  }),
  pythonTraceIncrements: intParam({
    label: 'Traced increments (Python)',
    help: 'The same for Python\'s counter with a call between read and write: 2 threads each log this many increments (repeated up to 5 times until one loses an update). 0: no traced trial.',
    min: 0,
    max: 200_000,
    default: 100_000,
  }),
  pythonSwitchIntervalMs: numberParam({
    label: 'Switch interval (Python)',
    help: "sys.setswitchinterval for the Python threads: how long a thread may hold the GIL before it is asked to let another run. 0 keeps the interpreter's own (5 ms). Shorter asks more often, so the Counter's switch lands inside a read-add-write more often where the interpreter can switch there; it changes nothing where it cannot, nor on a build without the GIL.",
    min: 0,
    max: 1000,
    step: 0.01,
    default: 0,
    unit: 'ms',
  }),
} as const

export type RaceParams = ParamValues<typeof raceParamSpecs>

/** The Python originals: which counter class, for which mode. Python has no atomic increment to offer. */
const PYTHON_RACE_VARIANTS = ['unlocked', 'unlocked-call', 'locked'] as const
export type PythonRaceVariant = (typeof PYTHON_RACE_VARIANTS)[number]

export function pythonVariantsFor(modes: readonly RaceMode[]): PythonRaceVariant[] {
  return PYTHON_RACE_VARIANTS.filter((v) => (v === 'locked' ? modes.includes('mutex') : modes.includes('unsynchronised')))
}

/** The modes asked for, each once, in the catalog's order. */
export function distinctModes(modes: readonly RaceMode[]): RaceMode[] {
  return RACE_MODES.filter((m) => modes.includes(m))
}

/**
 * Rough cost of one increment (all workers' increments together, wall time) on the 2-core
 * reference machine, measured with 5 workers; only for the estimate that refuses runs that
 * would take too long, never reported as a result.
 */
const ESTIMATE_NS_PER_INCREMENT = {
  node: { unsynchronised: 35, atomic: 25, mutex: 150 },
  python: { unlocked: 100, 'unlocked-call': 150, locked: 400 },
} as const
const ESTIMATE_WORKER_START_MS = 60
const ESTIMATE_TRIAL_OVERHEAD_MS = 2
/** Waking, scheduling and hearing from each worker, every trial (256 workers: about 100 ms). */
const ESTIMATE_WORKER_TRIAL_MS = 0.5
const ESTIMATE_THREAD_START_MS = 0.2
const ESTIMATE_PYTHON_START_MS = 500
/** Rough cost of one logged increment in a traced trial, and the retries of Python's (see race.py). */
const ESTIMATE_TRACED_NS = { node: 200, python: 2000 } as const
const PYTHON_TRACE_ATTEMPTS = 5
/** Workers (threads) in a traced trial: two lanes are enough to see an update overwritten. */
export const TRACE_WORKERS = 2
/** Unmeasured rounds before the trials (JIT warm-up). */
export const RACE_WARMUP_ROUNDS = 1
/** The longest run the lab starts. */
const RACE_MAX_ESTIMATED_MS = 10 * 60 * MS_PER_SECOND
/** The counter is an Int32 cell (Atomics need an integer array): the total must fit. */
const RACE_MAX_TOTAL_INCREMENTS = 2 ** 31 - 1

export interface RaceEstimate {
  /** One trial of every mode asked for, both runtimes as asked. */
  roundMs: number
  totalMs: number
}

/** A generous estimate of how long the run takes, assuming Python is there when it is asked for. */
export function estimateRaceMs(params: RaceParams): RaceEstimate {
  const modes = distinctModes(params.modes)
  const total = params.workers * params.increments
  const rounds = params.trials + RACE_WARMUP_ROUNDS
  let roundMs = 0
  let fixedMs = 0
  if (params.runtime !== 'python') {
    for (const mode of modes) roundMs += nsToMs(total * ESTIMATE_NS_PER_INCREMENT.node[mode]) + ESTIMATE_TRIAL_OVERHEAD_MS + params.workers * ESTIMATE_WORKER_TRIAL_MS
    fixedMs += params.workers * ESTIMATE_WORKER_START_MS
  }
  const pythonVariants = params.runtime === 'node' ? [] : pythonVariantsFor(modes)
  for (const variant of pythonVariants) roundMs += nsToMs(total * ESTIMATE_NS_PER_INCREMENT.python[variant]) + params.workers * ESTIMATE_THREAD_START_MS
  if (pythonVariants.length > 0) fixedMs += ESTIMATE_PYTHON_START_MS
  if (params.runtime !== 'python') fixedMs += modes.length * nsToMs(TRACE_WORKERS * params.traceIncrements * ESTIMATE_TRACED_NS.node)
  if (pythonVariants.includes('unlocked-call')) fixedMs += PYTHON_TRACE_ATTEMPTS * nsToMs(TRACE_WORKERS * params.pythonTraceIncrements * ESTIMATE_TRACED_NS.python)
  return { roundMs, totalMs: fixedMs + rounds * roundMs }
}

const count = formatCount

/**
 * What the parameter ranges alone cannot check, as a sentence without its final period
 * (the validation adds it); undefined when the run may start.
 */
export function raceParamsProblem(params: RaceParams): string | undefined {
  const total = params.workers * params.increments
  if (total > RACE_MAX_TOTAL_INCREMENTS) {
    return `workers × increments must stay below ${count(RACE_MAX_TOTAL_INCREMENTS + 1)} (the counter is a 32-bit integer, as Atomics need); ${count(params.workers)} × ${count(params.increments)} is ${count(total)}`
  }
  const modes = distinctModes(params.modes)
  if (params.runtime === 'python' && pythonVariantsFor(modes).length === 0) {
    return 'Python has no atomic increment to race: with runtime python, choose modes that include unsynchronised or mutex'
  }
  const estimate = estimateRaceMs(params)
  if (estimate.totalMs > RACE_MAX_ESTIMATED_MS) {
    const rounds = params.trials + RACE_WARMUP_ROUNDS
    return `${count(params.workers)} workers × ${count(params.increments)} increments would take about ${formatRoughDurationMs(estimate.roundMs)} per round of ${modes.join(', ')}${{ node: '', python: ' in Python', both: ' in Node and Python' }[params.runtime]}, about ${formatRoughDurationMs(estimate.totalMs)} for ${rounds} rounds (${params.trials} trials and ${RACE_WARMUP_ROUNDS} warm-up); the lab runs at most ${formatRoughDurationMs(RACE_MAX_ESTIMATED_MS)} at once, so lower workers, increments or trials, or choose fewer modes`
  }
  return undefined
}

/** Every series of a race result: one per runtime and way of incrementing. */
export type RaceVariantId = `node-${RaceMode}` | `python-${PythonRaceVariant}`

export interface RaceTrialRecord {
  trial: number
  expected: number
  found: number
  /** expected − found (never negative for a correct counter). */
  lost: number
  /** lost ÷ expected, 0..1. */
  lostShare: number
  /** From the release at the start barrier to the last worker's last increment. */
  durationMs: number
  /** Increments attempted (workers × increments) per second of durationMs. */
  incrementsPerSecond: number
  /** Share of durationMs during which at least two workers were between their first and last increment. */
  overlapShare: number
}

/** One bar of the outcome histogram: trials whose lost share is in (fromShare, toShare]; the first bar is exactly 0 (exact trials). */
export interface RaceHistogramBin {
  fromShare: number
  toShare: number
  count: number
}

export interface RaceVariantData {
  id: RaceVariantId
  runtime: 'node' | 'python'
  mode: RaceMode
  label: string
  /** What one increment does, as code. */
  code: string
  /** Atomic and locked counters must never lose an update. */
  mustBeExact: boolean
  expectedPerTrial: number
  trials: RaceTrialRecord[]
  exactTrials: number
  /** Trials that lost at least one update. */
  lossyTrials: number
  lossyShare: number
  lostShare: { median: number; mean: number; min: number; max: number }
  lostMin: number
  lostMax: number
  /** Every trial's found count, in trial order: the raw values for a histogram. */
  foundValues: number[]
  /** The lowest final count of any trial. */
  foundMin?: number
  /** Outcomes binned by lost share, on bins shared by every variant of the run (see RaceData.histogramBinEdges). */
  histogram: RaceHistogramBin[]
  durationMsMedian: number
  incrementsPerSecondMedian: number
  overlapShareMedian: number
  /** Set when a counter that must be exact was not (or any counter found more than expected). */
  exactViolation: boolean
}

export interface RacePythonInfo {
  status: 'ran' | 'missing' | 'not-requested' | 'no-matching-mode'
  version?: string
  executable?: string
  gilEnabled?: boolean
  /** sys.getswitchinterval(): how long a thread may hold the GIL before it is asked to let go. */
  switchIntervalMs?: number
  /** From asking the OS to start Python to the script's first line: not part of any trial time. */
  interpreterStartupMs?: number
  reason?: string
  /** Which Python ran and how: the GIL, the switch interval, its start-up (absent where it did not run). */
  sentence?: string
}

/** A traced trial of one variant, as the engine read it (see race-trace.ts). */
export interface RaceVariantTrace extends RaceTrace {
  variantId: RaceVariantId
}

/** The lesson's Counter.increment as the user's Python compiles it, for the walkthrough of its steps. */
export interface RaceBytecode {
  python: string
  instructions: PythonInstruction[]
}

export interface RaceData {
  workers: number
  increments: number
  trials: number
  warmupRounds: number
  expectedPerTrial: number
  logicalCores: number
  modes: RaceMode[]
  variants: RaceVariantData[]
  /** Upper edges (lost share) of the histogram bins; bin 0 is "exact" (0), bin k is (edges[k−1], edges[k]]. */
  histogramBinEdges: number[]
  /** Median of the per-round ratios (paired within a round), when both were measured. */
  slowdowns: { mutexVsAtomic?: number; atomicVsUnsynchronised?: number; pythonLockedVsUnlocked?: number }
  /** What the locks cost, from the slowdowns ('' when the mutex and the atomic add were not both run). */
  slowdownSentence?: string
  /** True when any atomic or locked counter lost an update: the run says so loudly in its warnings. */
  exactViolation: boolean
  python: RacePythonInfo
  /** Sentences derived from what was measured in this run. */
  explanations: string[]
  estimatedMs: number
  /** One traced trial per variant that was traced (absent in results saved before traces). */
  traces?: RaceVariantTrace[]
  /** Why a variant has no trace (Python missing, traced increments 0), where one was left out. */
  traceNotes?: string[]
  /** Every Python interpreter of the run side by side, where more than one was chosen. */
  interpreters?: InterpreterComparison
  /** Absent where no Python was found; bytecodeNote says so. */
  bytecode?: RaceBytecode
  bytecodeNote?: string
}

const NICE_WIDTHS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2]

/** Bin edges in lost share: [0, w, 2w, …] up to the largest loss, about `bins` bins wide. */
export function histogramEdges(maxLostShare: number, bins = 10): number[] {
  if (maxLostShare <= 0) return [0]
  const width = NICE_WIDTHS.find((w) => w * bins >= maxLostShare) ?? 0.1
  const edges = [0]
  for (let k = 1; edges.at(-1)! < maxLostShare; k++) edges.push(Math.round(k * width * 1e6) / 1e6)
  return edges
}

export function histogramOf(lostShares: readonly number[], edges: readonly number[]): RaceHistogramBin[] {
  return edges.map((toShare, k) => ({
    fromShare: k === 0 ? 0 : edges[k - 1]!,
    toShare,
    count: lostShares.filter((s) => (k === 0 ? s <= 0 : s > edges[k - 1]! && s <= toShare)).length,
  }))
}
