import type { InterpreterComparison } from './interpreters'
import { LESSON_NUMBERS } from '../factorize'
import type { AmdahlFit, UslFit } from '../stats/scaling'
import type { LanesFigure } from './worker-lanes'
import { booleanParam, enumParam, intParam, listParam, type ParamValues } from './params'

/** The experiments of the Threads screen: CPU-bound factorize and blocking I/O, in Node and in Python. */

const RUNTIME_CHOICES = ['both', 'node', 'python'] as const
export type RuntimeChoice = (typeof RUNTIME_CHOICES)[number]
export type Runtime = Exclude<RuntimeChoice, 'both'>

const runtimeParam = enumParam({
  label: 'Runtime',
  help: 'node, python (the Python originals, run by python3), or both. Without Python 3, both runs Node only and says so.',
  options: RUNTIME_CHOICES,
  default: 'both',
})

export const FACTORIZE_STRATEGIES = ['serial', 'concurrent', 'threads', 'processes'] as const
export type FactorizeStrategy = (typeof FACTORIZE_STRATEGIES)[number]

/** A scale of 0 repeats the list until serial work takes about this long here. */
export const AUTO_SCALE_TARGET_MS = 300
export const MAX_SCALE = 5000
/** Trial divisions one run may ask for (the sum of the numbers times the scale): about 20 s of serial work on a 2020s core. */
export const MAX_TRIAL_DIVISIONS = 1e10

/**
 * Numbers per pool task: one each, unless there are more than enough to keep every worker busy,
 * then groups, so that each of the largest worker count still gets about TASKS_PER_WORKER tasks.
 * Every task costs a round trip (about 0.1–0.2 ms on a VM whose idle cores must be woken), which
 * is 10% of a 1.5 ms task; grouping keeps it small while the queue still balances the load.
 */
const TASKS_PER_WORKER = 8
export function numbersPerTask(numbers: number, maxWorkers: number): number {
  return Math.max(1, Math.floor(numbers / (TASKS_PER_WORKER * Math.max(1, maxWorkers))))
}

export const factorizeParamSpecs = {
  numbers: listParam({
    label: 'Numbers',
    help: `The numbers to factorize, comma-separated: whole numbers from 1 to ${Number.MAX_SAFE_INTEGER} (the largest JavaScript counts exactly). Trial division tries every i up to n, so the work grows with n.`,
    item: intParam({ label: 'Number', help: 'A whole number to factorize.', min: 1, max: Number.MAX_SAFE_INTEGER, default: 1 }),
    minItems: 1,
    maxItems: 64,
    default: LESSON_NUMBERS,
  }),
  scale: intParam({
    label: 'Scale',
    help: `How many times the list is repeated, so the work is long enough to measure. 0: automatic, about ${AUTO_SCALE_TARGET_MS} ms of serial work here.`,
    min: 0,
    max: MAX_SCALE,
    default: 0,
  }),
  strategies: listParam({
    label: 'Strategies',
    help: 'serial: one thread (always measured, it is the baseline); concurrent: async tasks taking turns on one thread, like Python threads under the GIL; threads: the worker-thread pool; processes: child processes.',
    item: enumParam({ label: 'Strategy', help: 'A way to run the work.', options: FACTORIZE_STRATEGIES, default: 'serial' }),
    minItems: 1,
    maxItems: FACTORIZE_STRATEGIES.length,
    default: FACTORIZE_STRATEGIES,
  }),
  workers: listParam({
    label: 'Workers',
    help: 'The worker counts to measure for concurrent, threads and processes, e.g. 1,2,4. Empty: 1, 2, 4 … up to twice the logical cores.',
    item: intParam({ label: 'Workers', help: 'Threads, processes or async tasks at once.', min: 1, max: 256, default: 1 }),
    minItems: 0,
    maxItems: 12,
    default: [],
  }),
  runtime: runtimeParam,
  includeStartup: booleanParam({
    label: 'Include start-up',
    help: 'Start a fresh pool of threads in every run and count its start-up, instead of measuring warm threads (start-up is reported apart either way).',
    default: false,
  }),
  runs: intParam({ label: 'Runs', help: 'Measured runs of each variant (interleaved: serial, concurrent, threads, processes, serial, …).', min: 1, max: 50, default: 3 }),
  warmup: intParam({ label: 'Warm-up runs', help: 'Unmeasured runs of each variant before measuring.', min: 0, max: 10, default: 1 }),
} as const

export type FactorizeParams = ParamValues<typeof factorizeParamSpecs>

export const blockingIoParamSpecs = {
  calls: intParam({ label: 'Calls', help: 'How many blocking calls to make.', min: 1, max: 64, default: 5 }),
  ms: intParam({ label: 'Each call', help: 'How long each call blocks (the lesson uses select() with a 0.1 s timeout).', min: 1, max: 10_000, default: 100, unit: 'ms' }),
  runtime: runtimeParam,
  runs: intParam({ label: 'Runs', help: 'Measured runs of each variant (interleaved).', min: 1, max: 50, default: 3 }),
  warmup: intParam({ label: 'Warm-up runs', help: 'Unmeasured runs of each variant before measuring.', min: 0, max: 10, default: 1 }),
} as const

export type BlockingIoParams = ParamValues<typeof blockingIoParamSpecs>

/**
 * How late the lab's event loop (the thread that starts and times the work: the engine's own thread under
 * the desktop app and the browser host, the main thread under the command line) ran while the experiment ran
 * (perf_hooks.monitorEventLoopDelay),
 * beyond the monitor's own timer interval: an idle loop reports about 0.
 */
export interface EventLoopDelay {
  maxMs: number
  p99Ms: number
  meanMs: number
  /** The monitor's timer interval, already taken off the delays. */
  resolutionMs: number
  /** The system timer's resolution; where it is coarser than the interval, it was taken off instead (absent in older results). */
  timerResolutionMs?: number
}

/** What the Python originals ran on, or why they did not run. */
export interface PythonRuntimeInfo {
  ran: boolean
  /** Why Python did not run, and how to make it run. */
  reason?: string
  version?: string
  implementation?: string
  executable?: string
  /** False when a free-threaded build runs with the GIL switched off (sys._is_gil_enabled()). */
  gilEnabled?: boolean
  /** A free-threaded build (Py_GIL_DISABLED), whether or not the GIL is on now. */
  freeThreadedBuild?: boolean
  /** From asking for the interpreter to the script running: apart from the measured work. */
  interpreterStartupMs?: number
  /** Which Python ran, what its GIL lets threads do, and its start-up (absent where it did not run). */
  sentence?: string
}

/** One worker count of a scaling curve. */
export interface ScalingPoint {
  workers: number
  /** Median of the paired ratios serial ÷ this variant. */
  speedup: number
  speedupCi95: [number, number]
  /** How many paired runs the speedup and its interval come from (absent in results saved before it was kept). */
  runs?: number
  /** speedup ÷ workers. */
  efficiency: number
  /** Karp–Flatt serial fraction; null for one worker. */
  karpFlatt: number | null
  /** Series id of the variant. */
  seriesId: string
}

/** Speedup against workers for one runtime and strategy (the speedup and efficiency charts). */
export interface ScalingCurve {
  runtime: Runtime
  strategy: Exclude<FactorizeStrategy, 'serial'>
  label: string
  points: ScalingPoint[]
  /** Amdahl fit over the worker counts up to the core count; null when fewer than two counts qualify. */
  amdahl: AmdahlFit | null
  /** Universal Scalability Law fit over every worker count; null when fewer than two counts above 1; absent in results saved before it. */
  usl?: UslFit | null
  /** The interpreter, for the curves of a Python run beside the primary one ("CPython 3.14.0t (free-threaded)"). */
  interpreter?: string
}

/** What the split of the work into tasks allows p workers at best. */
export interface SplitBound {
  workers: number
  /** total ÷ max(total/p, longest task). */
  longestTaskBound: number
  /** Handing the tasks out in order to the first free worker, with zero overhead. */
  inOrderBound: number
}

export interface FactorizeData {
  numbers: number[]
  scale: number
  scaleChosen: 'auto' | 'given'
  /** Numbers factorized per run: the list times the scale. */
  tasks: number
  /** The worker pool gets them in tasks of this many numbers (see numbersPerTask). */
  numbersPerTask: number
  poolTasks: number
  trialDivisions: number
  logicalCores: number
  workerCounts: number[]
  strategies: FactorizeStrategy[]
  runtimes: Runtime[]
  includeStartup: boolean
  results: {
    /** Every measured run of every strategy found the same divisors (a mismatch fails the run instead). */
    identical: true
    comparedRuns: number
    /** How many lesson numbers were checked against the reference divisor lists. */
    referenceChecked: number
    divisors: { number: number; divisors: number[] }[]
  }
  /** The largest pool task's share of the work, and the speedup bounds it implies. */
  split: { largestTaskShare: number; bounds: SplitBound[] }
  scaling: ScalingCurve[]
  startup: {
    /** The warm pool: from creating its threads to all ready. */
    pool?: { workers: number; allReadyMs: number; readyMs: number[] }
    /** With includeStartup: median start-up of a fresh pool, per worker count. */
    freshPoolMedianMs?: { workers: number; ms: number }[]
    /** Child processes: median time from spawn to the script running (Node's own start-up). */
    processMedianMs?: { workers: number; ms: number }[]
    /** Python's pools (threads, processes), as measured by the script. */
    python?: { strategy: string; workers: number; ms: number }[]
  }
  eventLoopDelay: EventLoopDelay
  python: PythonRuntimeInfo & { scale?: number; tasks?: number }
  /** What was found, in sentences a learner understands. */
  findings: string[]
  /** Who ran when: one traced trial per strategy (absent in results saved before the lanes). */
  lanes?: LanesFigure[]
  /** Every Python interpreter of the run side by side, where more than one was chosen. */
  interpreters?: InterpreterComparison
}

type BlockingStrategy = 'serial' | 'threads' | 'async'

export interface BlockingIoData {
  calls: number
  ms: number
  /** calls × ms: what one after another must take. */
  serialIdealMs: number
  runtimes: Runtime[]
  /** Per runtime and strategy: median wall time and its ratio to that runtime's serial. */
  outcomes: { runtime: Runtime; strategy: BlockingStrategy | 'asyncio'; seriesId: string; medianMs: number; speedup: number | null; overlap: number }[]
  /** The warm pool of `calls` threads: from creating them to all ready. */
  poolStartup?: { workers: number; allReadyMs: number }
  eventLoopDelay: EventLoopDelay
  python: PythonRuntimeInfo
  findings: string[]
  /** Who waited when: one lane per thread (or pending call), from the last measured trial (absent in older results). */
  lanes?: LanesFigure[]
  /** Every Python interpreter of the run side by side, where more than one was chosen. */
  interpreters?: InterpreterComparison
}
