import type { InterpreterComparison, InterpreterRow, InterpreterRun } from '../../../../shared/experiments/interpreters'
import { interpreterSeriesPrefix } from '../../../../shared/experiments/interpreters'
import { interpreterKey, interpreterLabel } from '../../../../shared/model/interpreter-label'
import type { PythonInfo } from '../../../../shared/model/machine'
import type { Comparison, Series } from '../../../../shared/model/result'
import { formatRatio, formatShare } from '../../../../shared/units'

/** What an interpreter's script reported about itself while it ran (the probe's facts fill in the rest). */
export interface InterpreterRuntime {
  version?: string
  implementation?: string
  executable?: string
  gilEnabled?: boolean
  freeThreadedBuild?: boolean
  switchIntervalMs?: number
}

/** One interpreter of a run: the probe's facts, what the script said at run time, its rows, and why it did not run if it did not. */
export function interpreterRunOf(python: PythonInfo, index: number, outcome: { runtime?: InterpreterRuntime; rows?: InterpreterRow[]; explain?: (run: InterpreterRun) => string; reason?: string; label?: string }): InterpreterRun {
  const runtime = outcome.runtime ?? {}
  const facts = { ...python, ...definedOf(runtime) }
  const switchIntervalMs = runtime.switchIntervalMs ?? (python.switchIntervalS === undefined ? undefined : python.switchIntervalS * 1000)
  const run: InterpreterRun = {
    key: interpreterKey(python),
    label: outcome.label ?? interpreterLabel(facts),
    command: python.command,
    ...definedOf({ executable: facts.executable, version: facts.version, freeThreadedBuild: facts.freeThreadedBuild, gilEnabled: facts.gilEnabled, switchIntervalMs }),
    primary: index === 0,
    ran: outcome.reason === undefined && outcome.rows !== undefined,
    ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
    seriesPrefix: interpreterSeriesPrefix(index),
    rows: outcome.rows ?? [],
  }
  if (!run.ran || !outcome.explain) return run
  const gilBack = run.freeThreadedBuild && run.gilEnabled !== false ? ` ${gilOnWhy(python)}` : ''
  return { ...run, explanation: `${outcome.explain(run)}${gilBack}` }
}

const definedOf = <T extends object>(object: T): Partial<T> => Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>

/** Why a free-threaded build ran with the GIL on. */
const gilOnWhy = (python: Pick<PythonInfo, 'gilNote'>): string =>
  `It is a free-threaded build, yet the GIL was on in this run: ${python.gilNote ?? 'PYTHON_GIL=1 was set, or a module imported at start-up that does not declare free-threading support switched it back on.'}`

/** An interpreter of a run as an experiment knows it: where it stands, what it measured, or why it did not run. */
export interface InterpreterOutcome<T> {
  python: PythonInfo
  /** 0: the one in use. */
  index: number
  /** Its name where another of the run has the same version and build (side-by-side.ts). */
  label?: string
  value?: T
  reason?: string
}

/**
 * Every interpreter's speedups against its own serial run, side by side: `variantsOf` names the
 * parallel variants of what one interpreter measured (by series id), `runtimeOf` what its script
 * said of itself while it ran.
 */
export function speedupComparison<T>(
  outcomes: readonly InterpreterOutcome<T>[],
  options: {
    series: readonly Series[]
    comparisons: readonly Comparison[]
    variantsOf(value: T, seriesPrefix: string): { seriesId: string; variant: string; label: string }[]
    runtimeOf?(value: T): InterpreterRuntime | undefined
    explain(run: InterpreterRun): string
  },
): InterpreterComparison {
  return interpreterComparison(
    'speedup',
    outcomes.map(({ python, index, label, value, reason }) =>
      value === undefined
        ? interpreterRunOf(python, index, { reason: reason ?? 'Python did not run.', label })
        : interpreterRunOf(python, index, { runtime: options.runtimeOf?.(value), rows: speedupRows(options.series, options.comparisons, options.variantsOf(value, interpreterSeriesPrefix(index))), explain: options.explain, label }),
    ),
  )
}

/** A row per variant of one interpreter, its speedup from its comparison against its own serial run. */
function speedupRows(series: readonly Series[], comparisons: readonly Comparison[], variants: readonly { seriesId: string; variant: string; label: string }[]): InterpreterRow[] {
  return variants.flatMap(({ seriesId, variant, label }) => {
    const found = series.find((s) => s.id === seriesId)
    if (!found) return []
    const comparison = comparisons.find((c) => c.candidateId === seriesId)
    const speedup = comparison ? { median: comparison.summary.median, ci95: comparison.summary.ci95, runs: comparison.summary.n } : undefined
    return [{ variant, label, seriesId, medianMs: found.summary.median, ...(speedup ? { speedup } : {}) }]
  })
}

/** "2 threads: CPython 3.11.7 (GIL) 1.00×, CPython 3.14.0t (free-threaded) 1.93×; 2 processes: …" over the interpreters that ran. */
function speedupSummary(interpreters: readonly InterpreterRun[]): string {
  return summaryOf(interpreters, (row) => (row.speedup ? formatRatio(row.speedup.median) : undefined), "Against each interpreter's own serial run")
}

/** "Counter (no lock): CPython 3.11.7 (GIL) exact, CPython 3.14.0t (free-threaded) 41% lost; …" */
function lostSummary(interpreters: readonly InterpreterRun[]): string {
  return summaryOf(interpreters, (row) => (row.lostShare === undefined ? undefined : row.lostShare === 0 ? 'exact' : `${formatShare(row.lostShare)} lost (median)`), 'Updates kept')
}

function summaryOf(interpreters: readonly InterpreterRun[], figure: (row: InterpreterRow) => string | undefined, lead: string): string {
  const ran = interpreters.filter((i) => i.ran)
  const order = [...new Map(ran.flatMap((i) => i.rows).map((row) => [row.variant, row.label])).entries()]
  const parts = order.flatMap(([variant, label]) => {
    const figures = ran.flatMap((i) => {
      const row = i.rows.find((r) => r.variant === variant)
      const text = row && figure(row)
      return text ? [`${i.label} ${text}`] : []
    })
    return figures.length > 0 ? [`${label}: ${figures.join(', ')}`] : []
  })
  const notRun = interpreters.filter((i) => !i.ran).map((i) => i.reason ?? `${i.label} did not run.`)
  return [parts.length > 0 ? `${lead}: ${parts.join('; ')}.` : '', ...notRun].filter(Boolean).join(' ')
}

export function interpreterComparison(measure: InterpreterComparison['measure'], interpreters: InterpreterRun[]): InterpreterComparison {
  return { measure, interpreters, summary: measure === 'speedup' ? speedupSummary(interpreters) : lostSummary(interpreters) }
}
