import type { InterpreterComparison } from './interpreters'
import { enumParam, intParam, listParam, textParam, type EnumParam, type IntParam, type ParamValues } from './params'
import type { ScalingCurve, SplitBound } from './threads'

export const WORKLOAD_LANGUAGES = ['javascript', 'python'] as const
export type WorkloadLanguage = (typeof WORKLOAD_LANGUAGES)[number]

/**
 * Your own workload: an ES module exporting work(input) (and optionally inputs()), run serially,
 * as async tasks on one thread, on 1, 2, 4 … worker threads and in child processes, with the same
 * measurement as factorize. The examples' sources live in workload-examples.ts, apart from the
 * parameters, so that the preload (which validates parameters) does not carry them.
 */

export const WORKLOAD_STRATEGIES = ['serial', 'concurrent', 'threads', 'processes'] as const
export type WorkloadStrategy = (typeof WORKLOAD_STRATEGIES)[number]

/** The examples to start from; "own" runs the module's source as given. */
const WORKLOAD_EXAMPLES = ['cpu-hash', 'io-timer', 'uneven', 'own'] as const

export const MAX_WORKLOAD_SOURCE_CHARS = 200_000
export const MAX_WORKLOAD_INPUTS = 10_000

export const workloadParamSpecs = {
  language: enumParam({
    label: 'Language',
    help: 'javascript: an ES module exporting work(input), on worker threads and child processes; python: a module defining work(x), on threads and a process pool of each Python chosen in Settings (side by side).',
    options: WORKLOAD_LANGUAGES,
    default: 'javascript',
  }),
  example: enumParam({
    label: 'Workload',
    help: 'An example to start from, put into Source to read and change: cpu-hash, a hash loop (CPU-bound); io-timer, waits on a timer (I/O-bound); uneven, CPU work with one input far larger than the rest; own, an empty Source for your module (--module on the command line).',
    options: WORKLOAD_EXAMPLES,
    default: 'cpu-hash',
  }),
  source: textParam({
    label: 'Source',
    help: "The module that runs. JavaScript: an ES module that exports work(input) (which may be async) and, optionally, inputs() returning the list of inputs (default: the numbers 0 to 7). Python: def work(x) and, optionally, def inputs(). Empty: the chosen example's.",
    default: '',
    maxLength: MAX_WORKLOAD_SOURCE_CHARS,
    multiline: true,
    fillFrom: { params: ['language', 'example'], texts: 'workload-examples' },
    openFile: { accept: '.mjs,.js,.py', nameParam: 'moduleFile', byExtension: { param: 'language', values: { mjs: 'javascript', js: 'javascript', py: 'python' } } },
  }),
  moduleFile: textParam({
    label: 'Module file',
    help: 'Where Source came from (Open a file…, or --module on the command line): names your module in the result. Empty for a module written here.',
    default: '',
    maxLength: 1000,
  }),
  workers: listParam<IntParam>({
    label: 'Workers',
    help: 'Worker threads and child processes to try; empty: 1, 2, 4 … up to twice the core count.',
    item: intParam({ label: 'Workers', help: 'How many run at once.', min: 1, max: 256, default: 2 }),
    minItems: 0,
    maxItems: 12,
    default: [],
  }),
  strategies: listParam<EnumParam<Exclude<WorkloadStrategy, 'serial'>>>({
    label: 'Strategies',
    help: 'Besides serial (always run, as the baseline): concurrent (async tasks on one thread), threads (worker_threads), processes (child processes).',
    item: enumParam({ label: 'Strategy', help: 'One way to run the inputs.', options: ['concurrent', 'threads', 'processes'] as const, default: 'threads' }),
    minItems: 0,
    maxItems: 3,
    default: ['concurrent', 'threads', 'processes'],
  }),
  runs: intParam({ label: 'Runs', help: 'Measured runs of every strategy, taking turns round by round.', min: 1, max: 100, default: 5 }),
  warmup: intParam({ label: 'Warm-up', help: 'Rounds run first and not counted.', min: 0, max: 20, default: 1 }),
  inputTimeoutMs: intParam({ label: 'Timeout per input', help: 'An input that runs longer ends its thread or process, and the run says which input it was.', min: 10, max: 600_000, default: 10_000, unit: 'ms' }),
  memoryLimitMb: intParam({ label: 'Memory per thread', help: "JavaScript: the old generation's limit of each worker thread (and each child's heap); Python: each process's data (RLIMIT_DATA; not on Windows). An input that needs more ends with a sentence, not the app.", min: 16, max: 16_384, default: 512, unit: 'MB' }),
  onError: enumParam({
    label: 'On an error',
    help: 'stop: an input that throws (or times out) stops the run, with its stack; skip: it is reported and left out of the measured runs.',
    options: ['stop', 'skip'] as const,
    default: 'stop',
  }),
} as const

export type WorkloadParams = ParamValues<typeof workloadParamSpecs>

/** Where the check across parameters finds a problem, as a sentence without its final period. */
export function workloadParamsProblem(params: WorkloadParams): string | undefined {
  if (params.example === 'own' && params.source.trim() === '') {
    return params.language === 'python'
      ? 'Workload own needs its Source: a Python module that defines work(x) (on the command line, --module my_work.py)'
      : 'Workload own needs its Source: an ES module that exports work(input) (on the command line, --module my-work.mjs)'
  }
  return undefined
}


/** One input of the run: what it is (shortly), its serial time, or why it failed. */
export interface WorkloadInputInfo {
  index: number
  /** The input as text, cut to 80 characters. */
  preview: string
  /** Its time in the serial reference pass. */
  serialMs?: number
  /** Its share of the serial reference pass. */
  share?: number
  /** Why it failed (the error and its stack, a timeout, memory, a result that cannot cross a thread). */
  error?: string
}

/** A strategy whose results differed from serial's, per input. */
export interface WorkloadMismatch {
  seriesId: string
  label: string
  /** "input 3 (17): serial returned 42, 2 worker threads returned 41" … at most 5. */
  inputs: string[]
}

export interface WorkloadData {
  language?: WorkloadLanguage
  /** The module that ran: an example's name or "your module" (and its file, from the command line). */
  moduleName: string
  source: string
  inputs: WorkloadInputInfo[]
  /** Inputs measured (those that did not fail). */
  measuredInputs: number
  workerCounts: number[]
  strategies: WorkloadStrategy[]
  logicalCores: number
  /** Largest input's share of the work, and what it allows p workers at best. */
  split: { largestInputShare: number; largestInputIndex: number; bounds: SplitBound[] }
  scaling: ScalingCurve[]
  /** Every strategy returned the same results as serial (deep equality of what crossed back). */
  identical: boolean
  mismatches: WorkloadMismatch[]
  findings: string[]
  /** Python: every interpreter that ran it (or why it did not), side by side. */
  interpreters?: InterpreterComparison
}
