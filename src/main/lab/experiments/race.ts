import { join } from 'node:path'
import { LabError } from '../../../shared/errors'
import {
  RACE_WARMUP_ROUNDS,
  TRACE_WORKERS,
  distinctModes,
  estimateRaceMs,
  pythonVariantsFor,
  raceParamsProblem,
  type RaceData,
  type RaceMode,
  type RaceParams,
  type RacePythonInfo,
  type RaceVariantData,
  type RaceVariantId,
  type RaceVariantTrace,
} from '../../../shared/experiments/race'
import type { Comparison, RunWarning, Sample, Series, Timeline } from '../../../shared/model/result'
import { summarize } from '../../../shared/stats/summary'
import { formatCount } from '../../../shared/units'
import { measureInterleaved, type Measured, type Variant } from '../measure/interleave'
import { pythonMissingError } from '../python/run-script'
import { RaceWorkerPool, type NodeTrialOutcome } from '../races/race-pool'
import { runPythonRace, type PythonRaceRun, type PythonTrial } from '../races/python-race'
import { RACE_VARIANTS, pythonVariantId, raceExplanations, raceHeadline, switchIntervalSentence, trialRecord, variantData, withSharedHistogram } from '../races/summarize'
import { compareCost, toSeries, type ExperimentContext, type ExperimentRunner } from './experiment'
import { explainRace } from './explain/race'
import { interpreterLabel } from '../../../shared/model/interpreter-label'
import type { PythonInfo } from '../../../shared/model/machine'
import { raceInterpreters } from '../races/race-interpreters'
import { besideWarnings, runBeside } from '../python/side-by-side'
import { traceNodeModes } from '../races/race-traces'
import { raceWalkthroughBytecode } from '../races/race-bytecode'

/** Node: W worker threads race on a SharedArrayBuffer, every mode in turn, round after round; then one traced trial of each mode. */
async function measureNode(params: RaceParams, modes: RaceMode[], context: ExperimentContext, progressTotal: number): Promise<{ measured: Measured<NodeTrialOutcome>[]; traces: RaceVariantTrace[] }> {
  context.progress(`Starting ${params.workers} worker thread${params.workers === 1 ? '' : 's'}`, 0, progressTotal)
  const pool = await RaceWorkerPool.start({ count: params.workers, workerFile: join(context.paths.workersDir, 'race.js'), signal: context.signal })
  try {
    const variants = modes.map(
      (mode): Variant<NodeTrialOutcome> => ({
        id: `node-${mode}`,
        label: RACE_VARIANTS[`node-${mode}`].label,
        async run(signal) {
          const outcome = await pool.runTrial(mode, params.increments, signal)
          return { valueMs: outcome.durationMs, detail: outcome }
        },
      }),
    )
    const measured = await measureInterleaved(variants, {
      warmup: RACE_WARMUP_ROUNDS,
      runs: params.trials,
      signal: context.signal,
      onProgress: (message, done) => context.progress(message, done, progressTotal),
    })
    if (params.traceIncrements === 0 || params.workers < TRACE_WORKERS) return { measured, traces: [] }
    context.progress(`Tracing ${TRACE_WORKERS} workers × ${formatCount(params.traceIncrements)} increments of each mode (not measured)`, (RACE_WARMUP_ROUNDS + params.trials) * modes.length, progressTotal)
    return { measured, traces: await traceNodeModes(pool, context.analysis, modes, params.traceIncrements, context.signal) }
  } finally {
    await pool.terminate()
  }
}

const nodeSpans = (outcome: NodeTrialOutcome): { startMs: number; endMs: number }[] =>
  outcome.workers.map((w) => ({ startMs: w.startedAtMs - outcome.releasedAtMs, endMs: w.endedAtMs - outcome.releasedAtMs }))

/** A Python counter's series; `who` names the interpreter where several ran ("CPython 3.11.7 (GIL): Counter (no lock)"). */
function pythonSeries(id: RaceVariantId, trials: PythonTrial[], who?: string, seriesId: string = id): Series {
  const sample = (t: PythonTrial): Sample => ({ trial: t.trial, startedAtMs: t.releasedAtEpochMs, valueMs: t.durationMs })
  const measured = trials.filter((t) => !t.warmup)
  return {
    id: seriesId,
    label: who ? `${who}: ${RACE_VARIANTS[id].label.replace(/^Python: /, '')}` : RACE_VARIANTS[id].label,
    samples: measured.map(sample),
    warmupSamples: trials.filter((t) => t.warmup).map(sample),
    summary: summarize(measured.map((t) => t.durationMs)),
  }
}

function timelineOf(id: RaceVariantId, trial: number, spans: { startMs: number; endMs: number }[], unit: 'worker' | 'thread'): Timeline {
  return {
    id,
    title: `${RACE_VARIANTS[id].label}: trial ${trial + 1}, from the release at the start barrier`,
    spans: spans.map((s, lane) => ({ lane, label: `${unit} ${lane + 1}`, startMs: s.startMs, endMs: s.endMs, outcome: 'exited' as const })),
  }
}

/** Why a trace that could have been there is not. */
function traceNotes(params: RaceParams, modes: readonly RaceMode[], python: RacePythonInfo): string[] {
  if (params.workers < TRACE_WORKERS) return ['No traced trial: with one worker nobody else writes between its read and its write, so there is no lost update to trace.']
  const notes: string[] = []
  if (params.runtime !== 'python' && params.traceIncrements === 0) notes.push('No Node trace: traced increments was set to 0.')
  if (params.runtime !== 'node' && modes.includes('unsynchronised')) {
    if (python.status === 'missing') notes.push('No Python trace: Python 3 was not found on this machine, so only the Node traces were taken.')
    else if (python.status === 'ran' && params.pythonTraceIncrements === 0) notes.push('No Python trace: traced increments (Python) was set to 0.')
  }
  return notes
}

export const raceRunner: ExperimentRunner<RaceParams, RaceData> = {
  id: 'race',
  async run(params, context) {
    const problem = raceParamsProblem(params)
    if (problem) throw new LabError('invalid-params', `${problem}.`)
    const modes = distinctModes(params.modes)
    const warnings: RunWarning[] = []
    const estimate = estimateRaceMs(params)

    // Which runtimes run: Python only where it is asked for, has a counterpart of the modes, and is there.
    const wantsNode = params.runtime !== 'python'
    const pythonVariants = params.runtime === 'node' ? [] : pythonVariantsFor(modes)
    const pythonInfo: RacePythonInfo = { status: 'not-requested' }
    if (params.runtime !== 'node') {
      if (pythonVariants.length === 0) {
        Object.assign(pythonInfo, { status: 'no-matching-mode', reason: 'Python has no atomic increment to compare with Atomics.add, so only Node ran.' })
      } else if (!context.machine.python.found) {
        const missing = pythonMissingError(context.machine.python)
        if (params.runtime === 'python') throw missing
        Object.assign(pythonInfo, { status: 'missing', reason: context.machine.python.reason })
        warnings.push({ code: 'python-missing', message: `${missing.message} This run measured Node only.` })
      }
    }
    const runsPython = pythonVariants.length > 0 && context.machine.python.found
    const nodeSteps = wantsNode ? (RACE_WARMUP_ROUNDS + params.trials) * modes.length : 0
    const progressTotal = nodeSteps + (runsPython ? 1 : 0)

    const node = wantsNode ? await measureNode(params, modes, context, progressTotal) : { measured: [], traces: [] }
    const nodeMeasured = node.measured

    /** The lesson's counters on one interpreter, every trial of every variant interleaved inside Python. */
    const racePythonOn = (interpreter: PythonInfo, traceIncrements: number): Promise<PythonRaceRun> =>
      runPythonRace({
        python: interpreter,
        resourcesDir: context.paths.resourcesDir,
        workers: params.workers,
        increments: params.increments,
        trials: params.trials,
        warmupRounds: RACE_WARMUP_ROUNDS,
        variants: pythonVariants,
        traceIncrements,
        switchIntervalMs: params.pythonSwitchIntervalMs,
        signal: context.signal,
        timeoutMs: 10 * estimateRaceMs({ ...params, runtime: 'python' }).totalMs + 60_000,
        runChild: (spec) => context.spawners.run(spec),
        analysis: context.analysis,
      })
    let python: PythonRaceRun | undefined
    if (runsPython) {
      context.progress(`Running the Python originals: ${pythonVariants.length} counters × ${params.trials + RACE_WARMUP_ROUNDS} rounds in one interpreter`, nodeSteps, progressTotal)
      await context.spawners.ready()
      python = await racePythonOn(context.machine.python, pythonVariants.includes('unlocked-call') && params.workers >= TRACE_WORKERS ? params.pythonTraceIncrements : 0)
      context.progress('Measured', progressTotal, progressTotal)
      Object.assign(pythonInfo, {
        status: 'ran',
        version: python.report.python,
        executable: context.machine.python.executable,
        gilEnabled: python.report.gilEnabled,
        switchIntervalMs: python.report.switchIntervalMs,
        interpreterStartupMs: python.interpreterStartupMs,
      })
    }

    // the same counters on every interpreter chosen beside it (traced on the primary only)
    const beside =
      pythonVariants.length > 0
        ? await runBeside(context.machine, context.signal, (other) => racePythonOn(other, 0))
        : []
    warnings.push(...besideWarnings(beside))
    const primaryLabel = beside.length > 0 ? interpreterLabel(context.machine.python) : undefined

    // Series, per-variant figures and timelines, Node first, in the catalog's order.
    const series: Series[] = []
    const variants: RaceVariantData[] = []
    const timelines: Timeline[] = []
    for (const measured of nodeMeasured) {
      const id = measured.id as RaceVariantId
      series.push(toSeries(measured))
      variants.push(variantData(id, measured.details.map((o, trial) => trialRecord(trial, o.expected, o.found, o.durationMs, nodeSpans(o)))))
      const last = measured.details.at(-1)
      if (last) timelines.push(timelineOf(id, measured.details.length - 1, nodeSpans(last), 'worker'))
    }
    for (const variant of python ? pythonVariants : []) {
      const id = pythonVariantId(variant)
      const trials = python!.report.trials.filter((t) => t.variant === variant)
      const measured = trials.filter((t) => !t.warmup)
      series.push(pythonSeries(id, trials, primaryLabel))
      variants.push(variantData(id, measured.map((t) => trialRecord(t.trial, t.expected, t.found, t.durationMs, t.threads))))
      const last = measured.at(-1)
      if (last) timelines.push(timelineOf(id, last.trial, last.threads, 'thread'))
    }

    // Paired within each round: how much each guarantee costs.
    const seriesOf = (id: RaceVariantId): Series | undefined => series.find((s) => s.id === id)
    const comparisons: Comparison[] = []
    const slowdowns: RaceData['slowdowns'] = {}
    const pair = (slowerId: RaceVariantId, fasterId: RaceVariantId, key: keyof RaceData['slowdowns']): void => {
      const slower = seriesOf(slowerId)
      const faster = seriesOf(fasterId)
      if (!slower || !faster) return
      const comparison = compareCost(slower, faster, params.workers)
      comparisons.push(comparison)
      slowdowns[key] = comparison.summary.median
    }
    pair('node-mutex', 'node-atomic', 'mutexVsAtomic')
    pair('node-atomic', 'node-unsynchronised', 'atomicVsUnsynchronised')
    pair('python-locked', 'python-unlocked', 'pythonLockedVsUnlocked')

    const shared = withSharedHistogram(variants)
    for (const v of shared.variants.filter((x) => x.exactViolation)) {
      const inexact = v.trials.filter((t) => t.lost !== 0)
      warnings.push({
        code: 'exactness-violated',
        message: `${v.label.toUpperCase()} WAS NOT EXACT in ${inexact.length} of ${v.trials.length} trials (found ${inexact.map((t) => formatCount(t.found)).slice(0, 5).join(', ')} of ${formatCount(v.expectedPerTrial)}). ${v.mustBeExact ? 'An atomic operation or a lock must never lose an update' : 'No counter can find more than was added'}: this is a bug in the lab or the runtime; please report it with this result.`,
      })
    }
    if (context.machine.logicalCores === 1 && modes.includes('unsynchronised')) {
      warnings.push({ code: 'one-core', message: 'This machine has one logical core: the workers take turns, so the unsynchronised counter loses updates only when the OS switches threads between a read and its write. Run on a machine with more cores to see the race in full.' })
    }

    // every interpreter beside the primary: its series, its counters' figures, and what they say
    const besideVariants = beside.map((b) => {
      const report = b.value?.report
      const data = (report ? pythonVariants : []).map((variant) => {
        const trials = report!.trials.filter((t) => t.variant === variant)
        series.push(pythonSeries(pythonVariantId(variant), trials, b.label, `${b.seriesPrefix}${variant}`))
        return variantData(pythonVariantId(variant), trials.filter((t) => !t.warmup).map((t) => trialRecord(t.trial, t.expected, t.found, t.durationMs, t.threads)))
      })
      for (const v of data.filter((x) => x.exactViolation)) {
        warnings.push({ code: 'exactness-violated', message: `${b.label}: ${v.label.toUpperCase()} WAS NOT EXACT in ${v.trials.length - v.exactTrials} of ${v.trials.length} trials. A lock must never lose an update: this is a bug in the lab or the runtime; please report it with this result.` })
      }
      return data
    })
    const interpreters =
      beside.length > 0
        ? raceInterpreters(
            [{ python: context.machine.python, index: 0, report: python?.report, variants: variants.filter((v) => v.runtime === 'python'), reason: pythonInfo.reason }, ...beside.map((b, i) => ({ python: b.python, index: b.index, report: b.value?.report, variants: besideVariants[i]!, reason: b.reason, label: b.label }))],
          )
        : undefined

    const traces = [...node.traces, ...(python?.traces ?? [])]
    for (const trace of traces.filter((t) => !t.checkPassed)) {
      warnings.push({ code: 'exactness-violated', message: `The traced trial of ${trace.label}: ${trace.sentences.find((s) => s.startsWith('CHECK FAILED')) ?? 'CHECK FAILED.'} Please report it with this result.` })
    }
    const walkthrough = await raceWalkthroughBytecode(context, python?.report)

    const data: RaceData = {
      workers: params.workers,
      increments: params.increments,
      trials: params.trials,
      warmupRounds: RACE_WARMUP_ROUNDS,
      expectedPerTrial: params.workers * params.increments,
      logicalCores: context.machine.logicalCores,
      modes,
      variants: shared.variants,
      histogramBinEdges: shared.edges,
      slowdowns,
      exactViolation: shared.variants.some((v) => v.exactViolation) || traces.some((t) => !t.checkPassed),
      python: pythonInfo,
      explanations: [],
      estimatedMs: estimate.totalMs,
      traces,
      traceNotes: traceNotes(params, modes, pythonInfo),
      ...walkthrough,
      ...(interpreters ? { interpreters } : {}),
    }
    data.explanations = [
      ...raceExplanations(data),
      ...(pythonInfo.status === 'no-matching-mode' && pythonInfo.reason ? [pythonInfo.reason] : []),
      ...(pythonInfo.status === 'ran' && params.pythonSwitchIntervalMs > 0 ? [switchIntervalSentence(params.pythonSwitchIntervalMs)] : []),
    ]

    return { series, comparisons, timelines, warnings, headline: raceHeadline(data), data: { ...data, ...explainRace(data) } }
  },
}
