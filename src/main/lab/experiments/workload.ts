import { randomUUID } from 'node:crypto'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { isDeepStrictEqual } from 'node:util'
import { median } from 'simple-statistics'
import { LabError, cancelledError } from '../../../shared/errors'
import { workloadModule } from '../../../shared/experiments/workload-examples'
import { MAX_WORKLOAD_INPUTS, workloadParamsProblem, type WorkloadData, type WorkloadInputInfo, type WorkloadMismatch, type WorkloadParams, type WorkloadStrategy } from '../../../shared/experiments/workload'
import type { RunWarning } from '../../../shared/model/result'
import { inOrderScheduleBound, longestTaskBound } from '../../../shared/stats/scaling'
import { formatDurationMs, formatRatio } from '../../../shared/units'
import { measureInterleaved } from '../measure/interleave'
import { WorkerPool } from '../pool/worker-pool'
import { powersOfTwoUpTo } from '../processes/limit'
import { nodeScriptCommand } from '../processes/node-program'
import type { WorkloadTasks } from '../workers/workload.worker'
import { inputPreview } from '../workload/user-module'
import { concurrentVariant, differences, processesVariant, runInput, serialVariant, threadsVariant, withTimeout, type StrategyContext, type WorkloadInput, type WorkloadVariant } from '../workload/strategies'
import { busyMachineWarning } from './busy-machine'
import { compare, toSeries, type ExperimentContext, type ExperimentOutput, type ExperimentRunner } from './experiment'
import { scalingCurves, type MeasuredVariant } from './factorize-findings'
import { workloadFindings } from '../workload/findings'
import { PYTHON_MODULE_FILE, runPythonWorkload } from '../workload/python-workload'

/**
 * Your own function: the user's ES module (or an example) run serially, as async tasks on one
 * thread, on 1, 2, 4 … worker threads and in child processes, measured as factorize is, every
 * strategy's results checked against serial's. Bad code ends in a sentence, never a hung app.
 */

const MAX_MISMATCHES_LISTED = 5

const failure = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** Writes the module where a worker thread and a child process can import it: a folder of its own, removed after the run. */
async function moduleFile(source: string, name: string): Promise<{ file: string; remove: () => Promise<void> }> {
  const dir = join(tmpdir(), 'concurrency-lab-workloads', randomUUID())
  await mkdir(dir, { recursive: true })
  const file = join(dir, name)
  await writeFile(file, source)
  return { file, remove: () => rm(dir, { recursive: true, force: true }) }
}

/**
 * Where a syntax error is: the error of a failed dynamic import carries no line (its stack is the
 * module loader's), but node --check prints the line, a caret under the place, and the error.
 */
async function syntaxErrorAt(file: string, context: ExperimentContext): Promise<string | undefined> {
  const check = nodeScriptCommand(file)
  const outcome = await context.spawners.run({ ...check, args: ['--check', ...check.args], timeoutMs: 15_000, signal: context.signal })
  const said = outcome.stderr.text.trim()
  if (outcome.exitCode === 0 || !said) return undefined
  return said.split(pathToFileURL(file).href).join('your module').split(file).join('your module').split('\n').filter((line) => !/^\s+at /.test(line) && !/^Node\.js v/.test(line)).join('\n').trim()
}

interface ReferencePass {
  inputs: WorkloadInputInfo[]
  good: WorkloadInput[]
  serialMs: number[]
  values: Map<number, unknown>
}

/** Every input once, serially, each timed on its own: the reference results, the shape of the work, and the inputs that fail. */
async function referencePass(params: WorkloadParams, context: ExperimentContext, ctx: Pick<StrategyContext, 'file' | 'singlePool' | 'inputTimeoutMs'>, inputs: unknown[]): Promise<ReferencePass> {
  const infos: WorkloadInputInfo[] = []
  const good: WorkloadInput[] = []
  const serialMs: number[] = []
  const values = new Map<number, unknown>()
  for (const [index, input] of inputs.entries()) {
    context.progress(`Running every input once, serially: input ${index + 1} of ${inputs.length}`, index, inputs.length)
    const info: WorkloadInputInfo = { index, preview: inputPreview(input) }
    try {
      const run = await runInput(ctx.singlePool, ctx, { index, input }, context.signal)
      info.serialMs = run.value.ms
      values.set(index, run.value.value)
      good.push({ index, input })
      serialMs.push(run.value.ms)
    } catch (error) {
      if (context.signal.aborted) throw cancelledError()
      if (params.onError === 'stop') throw new LabError('workload-failed', `${failure(error)} The run stopped there (On an error: stop); choose skip to measure the other inputs without it.`)
      info.error = failure(error)
    }
    infos.push(info)
  }
  return { inputs: infos, good, serialMs, values }
}


async function runWorkload(params: WorkloadParams, context: ExperimentContext): Promise<ExperimentOutput<WorkloadData>> {
  const problem = workloadParamsProblem(params)
  if (problem) throw new LabError('invalid-params', `${problem}.`)
  const { source, name: moduleName } = workloadModule(params)
  const cores = context.machine.logicalCores
  const workerCounts = params.workers.length > 0 ? [...new Set(params.workers)].sort((a, b) => a - b) : powersOfTwoUpTo(Math.min(256, 2 * cores))
  const strategies: WorkloadStrategy[] = ['serial', ...(['concurrent', 'threads', 'processes'] as const).filter((s) => params.strategies.includes(s))]
  if (params.language === 'python') {
    const { file, remove } = await moduleFile(source, PYTHON_MODULE_FILE)
    try {
      return await runPythonWorkload(params, context, { file, source, name: moduleName }, workerCounts)
    } finally {
      await remove()
    }
  }
  const { file, remove } = await moduleFile(source, 'workload.mjs')
  const workerFile = join(context.paths.workersDir, 'workload.js')
  const resourceLimits = { maxOldGenerationSizeMb: params.memoryLimitMb }
  const singlePool = new WorkerPool<WorkloadTasks>({ filename: workerFile, size: 1, resourceLimits, name: 'workload' })
  const pool = new WorkerPool<WorkloadTasks>({ filename: workerFile, size: strategies.includes('threads') ? Math.max(...workerCounts) : 1, resourceLimits, name: 'workload' })
  try {
    context.progress('Loading your module', 0, 0)
    const described = await withTimeout((signal) => singlePool.run('describe', { file }, { signal }), params.inputTimeoutMs, context.signal, () => 'Loading the module and calling its inputs()').catch(async (error: unknown) => {
      if (context.signal.aborted) throw cancelledError()
      const where = /SyntaxError/.test(failure(error)) ? await syntaxErrorAt(file, context) : undefined
      throw new LabError('workload-failed', where ? `Your module could not be loaded: ${where}` : failure(error))
    })
    const inputs = described.value.inputs
    if (inputs.length === 0) throw new LabError('workload-failed', 'inputs() returned an empty list: there is nothing to run. Return at least one input.')
    if (inputs.length > MAX_WORKLOAD_INPUTS) throw new LabError('workload-failed', `inputs() returned ${inputs.length} inputs; the lab runs at most ${MAX_WORKLOAD_INPUTS}. Group them into fewer, larger inputs.`)
    const reference = await referencePass(params, context, { file, singlePool, inputTimeoutMs: params.inputTimeoutMs }, inputs)
    if (reference.good.length === 0) throw new LabError('workload-failed', `Every input failed, so there is nothing to measure. The first: ${reference.inputs[0]?.error ?? ''}`)

    const ctx: StrategyContext = {
      file,
      inputs: reference.good,
      serialMs: reference.serialMs,
      singlePool,
      pool,
      childScript: join(context.paths.workersDir, 'workload-child.js'),
      memoryLimitMb: params.memoryLimitMb,
      inputTimeoutMs: params.inputTimeoutMs,
      runChild: (spec) => context.spawners.run(spec),
    }
    const variants: WorkloadVariant[] = [serialVariant(ctx)]
    if (strategies.includes('concurrent')) variants.push(concurrentVariant(ctx))
    if (strategies.includes('threads')) variants.push(...workerCounts.map((p) => threadsVariant(ctx, p)))
    if (strategies.includes('processes')) {
      await context.spawners.ready()
      variants.push(...workerCounts.map((p) => processesVariant(ctx, p)))
    }
    const measured = await measureInterleaved(variants, { warmup: params.warmup, runs: params.runs, signal: context.signal, onProgress: context.progress })

    // every strategy's results against the reference pass's, by deep equality
    const mismatches: WorkloadMismatch[] = measured.flatMap((m) => {
      // each differing input once (its first difference), across every run of the strategy
      const byInput = new Map(m.details.flatMap((found) => differences(reference.values, found.values, m.label, reference.good, isDeepStrictEqual)).reverse().map((d) => [d.index, d.text]))
      const distinct = [...byInput.entries()].sort((a, b) => a[0] - b[0]).map(([, text]) => text)
      return distinct.length > 0 ? [{ seriesId: m.id, label: m.label, inputs: distinct.slice(0, MAX_MISMATCHES_LISTED) }] : []
    })
    const series = measured.map(toSeries)
    const serial = series[0]!
    const measuredVariants: MeasuredVariant[] = variants.map((v, i) => ({
      runtime: 'node',
      strategy: v.strategy,
      workers: v.workers,
      series: series[i]!,
      comparison: i === 0 ? undefined : compare(serial, series[i]!, v.workers, v.strategy === 'concurrent' ? 1 : v.workers),
    }))
    // the shape of the work from the measured serial runs (warm), not the first pass (cold: the JIT had not yet compiled work)
    const inputMs = reference.good.map((item, k) => median(measured[0]!.details.map((d) => d.inputMs?.get(item.index) ?? reference.serialMs[k]!)))
    reference.good.forEach((item, k) => (reference.inputs.find((i) => i.index === item.index)!.serialMs = inputMs[k]))
    const total = inputMs.reduce((a, b) => a + b, 0)
    for (const info of reference.inputs) info.share = info.serialMs !== undefined && total > 0 ? info.serialMs / total : undefined
    const largestAt = inputMs.indexOf(Math.max(...inputMs))
    const data: Omit<WorkloadData, 'findings'> = {
      language: 'javascript',
      moduleName,
      source,
      inputs: reference.inputs,
      measuredInputs: reference.good.length,
      workerCounts,
      strategies,
      logicalCores: cores,
      split: {
        largestInputShare: total > 0 ? inputMs[largestAt]! / total : 0,
        largestInputIndex: reference.good[largestAt]!.index,
        bounds: workerCounts.map((p) => ({ workers: p, longestTaskBound: longestTaskBound(inputMs, p), inOrderBound: inOrderScheduleBound(inputMs, p) })),
      },
      scaling: scalingCurves(measuredVariants, cores),
      identical: mismatches.length === 0,
      mismatches,
    }
    const failed = reference.inputs.filter((i) => i.error !== undefined)
    const warnings: RunWarning[] = failed.map((info) => ({ code: 'input-failed', message: `Input ${info.index} (${info.preview}) failed and was left out: ${info.error}` }))
    for (const m of mismatches) warnings.push({ code: 'results-differ', message: `${m.label} returned other results than the first serial pass: ${m.inputs.join('; ')}.` })
    const busy = busyMachineWarning(context.machine.loadAverage[0], cores)
    if (busy) warnings.push(busy)
    const best = measuredVariants.filter((v) => v.comparison).sort((a, b) => b.comparison!.summary.median - a.comparison!.summary.median)[0]
    const headline = `${moduleName}, ${reference.good.length} inputs: serial ${formatDurationMs(serial.summary.median)}${best ? `; fastest ${best.series.label}, ${formatRatio(best.comparison!.summary.median)} as fast` : ''}`
    return {
      series,
      comparisons: measuredVariants.flatMap((v) => (v.comparison ? [v.comparison] : [])),
      timelines: [],
      warnings,
      headline,
      data: { ...data, findings: workloadFindings(data, serial.summary.median, failed) },
    }
  } finally {
    await Promise.all([singlePool.destroy(), pool.destroy()])
    await remove()
  }
}

export const workloadRunner: ExperimentRunner<WorkloadParams, WorkloadData> = { id: 'workload', run: runWorkload }
