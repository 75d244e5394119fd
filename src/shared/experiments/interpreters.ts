/**
 * Several Python interpreters run side by side in one experiment (Settings → "side by side", or
 * --python given more than once): each runs the same Python series, and the result names each
 * interpreter and what its figures say.
 */

/** One variant of one interpreter: a bar of the side-by-side chart and a row of its table. */
export interface InterpreterRow {
  /** The variant, the same for every interpreter ("threads-2", "asyncio", "unlocked"): the chart's category. */
  variant: string
  /** The variant in words ("2 threads"). */
  label: string
  seriesId: string
  medianMs: number
  /** Against this interpreter's own serial run: median of the paired ratios and its 95% interval. */
  speedup?: { median: number; ci95: [number, number]; runs: number }
  /** The race: the median share of increments lost (0 when the count was exact in every trial). */
  lostShare?: number
  /** The race: the lowest count any trial ended with, of the count expected. */
  lowestFound?: number
  expected?: number
}

/** One interpreter of the run. */
export interface InterpreterRun {
  /** Its own file, links resolved: what Settings lists it by. */
  key: string
  /** "CPython 3.11.7 (GIL)", "CPython 3.14.0t (free-threaded)": how charts and tables name its series. */
  label: string
  /** The command or path it was asked for by. */
  command: string
  executable?: string
  version?: string
  freeThreadedBuild?: boolean
  /** At run time (sys._is_gil_enabled()): a free-threaded build can have it on. */
  gilEnabled?: boolean
  switchIntervalMs?: number
  /** The interpreter the lab uses for everything else (Settings' "use for runs", or the first --python). */
  primary: boolean
  ran: boolean
  /** Why it did not run (not found, too old, its script failed): a sentence; the run went on without it. */
  reason?: string
  /** Its series ids begin with this ("python-" for the primary, "python2-", "python3-" … for the others). */
  seriesPrefix: string
  rows: InterpreterRow[]
  /** What its figures say and why (the GIL, a free-threaded build, where it switches threads). */
  explanation?: string
}

export interface InterpreterComparison {
  /** What the side-by-side chart plots: speedup against each interpreter's own serial run, or updates lost. */
  measure: 'speedup' | 'lost-updates'
  interpreters: InterpreterRun[]
  /** The comparison in one or two sentences, over every interpreter that ran. */
  summary: string
}

/** The series-id prefix of the interpreter at this place in the run (0: the primary). */
export const interpreterSeriesPrefix = (index: number): string => (index === 0 ? 'python-' : `python${index + 1}-`)
