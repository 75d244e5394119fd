import { LabError } from '../../../shared/errors'
import { interpreterSeriesPrefix, type InterpreterComparison } from '../../../shared/experiments/interpreters'
import type { WorkloadData, WorkloadInputInfo, WorkloadMismatch, WorkloadParams } from '../../../shared/experiments/workload'
import { interpreterLabel } from '../../../shared/model/interpreter-label'
import type { PythonInfo } from '../../../shared/model/machine'
import type { RunWarning, Sample, Series } from '../../../shared/model/result'
import { inOrderScheduleBound, longestTaskBound } from '../../../shared/stats/scaling'
import { summarize } from '../../../shared/stats/summary'
import { formatDurationMs, formatRatio } from '../../../shared/units'
import { besideWarnings, runBeside, type BesideRun } from '../python/side-by-side'
import { pythonMissingError, runPythonScript } from '../python/run-script'
import { busyMachineWarning } from '../experiments/busy-machine'
import { compare, type ExperimentContext, type ExperimentOutput } from '../experiments/experiment'
import { speedupComparison } from '../experiments/explain/interpreters'
import { scalingCurves, type MeasuredVariant } from '../experiments/factorize-findings'
import { pythonWorkloadFindings } from './findings'
import { BACKGROUND_NICENESS } from '../workers/priority'

/** What resources/python/workload.py prints: the run, or the sentence that ended it. */
interface PythonWorkloadOutput {
  error?: string
  startedAtMonotonicMs: number
  python: { version: string; implementation: string; executable: string; gilEnabled: boolean; freeThreadedBuild: boolean; niceness?: number | null }
  inputs: WorkloadInputInfo[]
  variants: { id: string; strategy: 'serial' | 'threads' | 'processes'; workers: number; samples: Sample[]; warmupSamples: Sample[] }[]
  mismatches: Record<string, string>
  /** Whether the interpreter could cap each process's data (RLIMIT_DATA; not on Windows). */
  memoryLimited?: boolean
}

/** The whole script may run every input of every strategy in every round; each input's own timeout ends it sooner. */
const SCRIPT_TIMEOUT_MS = 60 * 60_000

const variantLabel = (v: PythonWorkloadOutput['variants'][number]): string =>
  v.strategy === 'serial' ? 'serial' : `${v.workers} ${v.strategy === 'threads' ? (v.workers === 1 ? 'thread' : 'threads') : v.workers === 1 ? 'process' : 'processes'}`

async function runOn(python: PythonInfo, file: string, params: WorkloadParams, workerCounts: number[], context: ExperimentContext): Promise<PythonWorkloadOutput> {
  context.progress(`Running your Python function on ${interpreterLabel(python)}`, 0, 0)
  const { value } = await runPythonScript<PythonWorkloadOutput>({
    python,
    resourcesDir: context.paths.resourcesDir,
    script: 'workload.py',
    args: [
      '--module', file,
      '--workers', workerCounts.join(','),
      '--strategies', params.strategies.filter((s) => s !== 'concurrent').join(','),
      '--runs', String(params.runs),
      '--warmup', String(params.warmup),
      '--input-timeout-s', String(params.inputTimeoutMs / 1000),
      '--on-error', params.onError === 'skip' ? 'skip' : 'stop',
      '--memory-limit-mb', String(params.memoryLimitMb),
    ],
    signal: context.signal,
    timeoutMs: SCRIPT_TIMEOUT_MS,
    runChild: (spec) => context.spawners.run(spec),
    // as the JavaScript workload's threads and children run
    niceness: BACKGROUND_NICENESS,
  })
  if (value.error) throw new LabError('workload-failed', value.error)
  return value
}

/**
 * Your Python function on each chosen interpreter: serially, on threads and on a process pool,
 * measured inside Python (interleaved rounds), one labelled series per interpreter and variant.
 */
export async function runPythonWorkload(params: WorkloadParams, context: ExperimentContext, module: { file: string; source: string; name: string }, workerCounts: number[]): Promise<ExperimentOutput<WorkloadData>> {
  const primary = context.machine.python
  if (!primary.found) throw pythonMissingError(primary)
  await context.spawners.ready()
  const first = await runOn(primary, module.file, params, workerCounts, context)
  const beside = await runBeside(context.machine, context.signal, (other) => runOn(other, module.file, params, workerCounts, context))
  const runs: BesideRun<PythonWorkloadOutput>[] = [{ python: primary, index: 0, seriesPrefix: interpreterSeriesPrefix(0), label: interpreterLabel(primary), value: first }, ...beside]
  const several = beside.length > 0

  const series: Series[] = []
  const measuredVariants: MeasuredVariant[] = []
  const mismatches: WorkloadMismatch[] = []
  for (const run of runs) {
    if (!run.value) continue
    const prefix = interpreterSeriesPrefix(run.index)
    const who = several ? run.label : 'Python'
    const own = run.value.variants.map((v) => ({ v, s: { id: `${prefix}${v.id}`, label: `${who}: ${variantLabel(v)}`, samples: v.samples, warmupSamples: v.warmupSamples, summary: summarize(v.samples.map((x) => x.valueMs)) } satisfies Series }))
    const serial = own.find((o) => o.v.strategy === 'serial')!.s
    for (const { v, s } of own) {
      series.push(s)
      measuredVariants.push({ runtime: 'python', strategy: v.strategy, workers: v.workers, series: s, comparison: v.strategy === 'serial' ? undefined : compare(serial, s, v.workers, v.workers), ...(several ? { interpreter: { seriesPrefix: prefix, label: run.label } } : {}) })
    }
    for (const [id, text] of Object.entries(run.value.mismatches)) mismatches.push({ seriesId: `${prefix}${id}`, label: `${who}: ${id}`, inputs: [text] })
  }
  const comparisons = measuredVariants.flatMap((v) => (v.comparison ? [v.comparison] : []))

  // the shape of the work from the primary interpreter's reference pass
  const inputs = first.inputs
  const good = inputs.filter((i) => i.serialMs !== undefined)
  const inputMs = good.map((i) => i.serialMs!)
  const total = inputMs.reduce((a, b) => a + b, 0)
  for (const info of inputs) info.share = info.serialMs !== undefined && total > 0 ? info.serialMs / total : undefined
  const largestAt = inputMs.indexOf(Math.max(...inputMs))
  const interpreters: InterpreterComparison | undefined = several
    ? speedupComparison(runs, {
        series,
        comparisons,
        variantsOf: (output, prefix) => output.variants.filter((v) => v.strategy !== 'serial').map((v) => ({ seriesId: `${prefix}${v.id}`, variant: v.id, label: variantLabel(v) })),
        runtimeOf: (output) => output.python,
        explain: (r) => `${r.label}: ${r.rows.map((row) => `${row.label} ${row.speedup ? formatRatio(row.speedup.median) : '—'}`).join(', ')} against its own serial run.`,
      })
    : undefined

  const data: Omit<WorkloadData, 'findings'> = {
    language: 'python',
    moduleName: module.name,
    source: module.source,
    inputs,
    measuredInputs: good.length,
    workerCounts,
    strategies: ['serial', ...params.strategies.filter((s) => s !== 'concurrent')],
    logicalCores: context.machine.logicalCores,
    split: {
      largestInputShare: total > 0 ? inputMs[largestAt]! / total : 0,
      largestInputIndex: good[largestAt]?.index ?? 0,
      bounds: workerCounts.map((p) => ({ workers: p, longestTaskBound: longestTaskBound(inputMs, p), inOrderBound: inOrderScheduleBound(inputMs, p) })),
    },
    scaling: scalingCurves(measuredVariants, context.machine.logicalCores),
    identical: mismatches.length === 0,
    mismatches,
    ...(interpreters ? { interpreters } : {}),
  }
  const failed = inputs.filter((i) => i.error !== undefined)
  const warnings: RunWarning[] = [
    ...failed.map((info) => ({ code: 'input-failed', message: `Input ${info.index} (${info.preview}) failed and was left out: ${info.error}` })),
    ...mismatches.map((m) => ({ code: 'results-differ', message: `${m.label} returned other results than the first serial pass: ${m.inputs.join('; ')}.` })),
    ...besideWarnings(beside),
    ...(first.memoryLimited === false ? [{ code: 'memory-not-limited', message: `Python cannot cap a process's memory on this system (no RLIMIT_DATA), so Memory per thread (${params.memoryLimitMb} MB) did not apply: an input that needs too much may take the machine's memory.` }] : []),
  ]
  const busy = busyMachineWarning(context.machine.loadAverage[0], context.machine.logicalCores)
  if (busy) warnings.push(busy)
  const serialOfPrimary = series.find((s) => s.id === 'python-serial')!
  const best = measuredVariants.filter((v) => v.comparison && v.series.id.startsWith('python-')).sort((a, b) => b.comparison!.summary.median - a.comparison!.summary.median)[0]
  const headline = `${module.name} (Python), ${good.length} inputs: serial ${formatDurationMs(serialOfPrimary.summary.median)}${best ? `; fastest ${best.series.label}, ${formatRatio(best.comparison!.summary.median)} as fast` : ''}`
  const findingsOf = runs.filter((r) => r.value).map((r) => ({ label: several ? r.label : interpreterLabel(r.python), seriesPrefix: interpreterSeriesPrefix(r.index), gilEnabled: r.value!.python.gilEnabled }))
  return { series, comparisons, timelines: [], warnings, headline, data: { ...data, findings: pythonWorkloadFindings(data, serialOfPrimary.summary.median, failed, findingsOf) } }
}

/** The module's file name: Python imports it by this name, in the child processes of its pool too. */
export const PYTHON_MODULE_FILE = 'user_workload.py'
