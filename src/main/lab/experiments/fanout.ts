import { median } from 'simple-statistics'
import { LabError, cancelledError } from '../../../shared/errors'
import type { FanoutData, FanoutParams } from '../../../shared/experiments/fanout'
import type { RunWarning, TimelineSpan } from '../../../shared/model/result'
import { formatDurationMs, formatRatio } from '../../../shared/units'
import { measureInterleaved, type Trial, type Variant } from '../measure/interleave'
import { findProgram } from '../processes/find-program'
import { builtinSleep, type ProgramCommand } from '../processes/node-program'
import { describeEnd, runChild, type ChildOutcome } from '../processes/run-child'
import { compare, toSeries, type ExperimentRunner } from './experiment'

interface FanoutTrialDetail {
  spans: TimelineSpan[]
  spawnMs: number[]
  failures: string[]
}

async function resolveSleep(params: FanoutParams): Promise<{ command: ProgramCommand; source: 'system' | 'builtin' }> {
  if (params.program !== 'builtin') {
    const sleepPath = await findProgram('sleep')
    if (sleepPath) return { command: { file: sleepPath, args: [String(params.seconds)] }, source: 'system' }
    if (params.program === 'system') {
      throw new LabError('program-not-found', 'The program "sleep" was not found on PATH. Install coreutils, or choose program "builtin" (a small Node program that sleeps).')
    }
  }
  return { command: builtinSleep(params.seconds), source: 'builtin' }
}

function toSpan(outcome: ChildOutcome, lane: number, originMs: number): TimelineSpan {
  const failed = outcome.startError !== undefined || outcome.exitCode !== 0
  return {
    lane,
    label: `child ${lane + 1}${outcome.pid ? ` (pid ${outcome.pid})` : ''}`,
    startMs: outcome.startedAtMs - originMs,
    runningMs: outcome.runningAtMs === undefined ? undefined : outcome.runningAtMs - originMs,
    endMs: outcome.exitedAtMs - originMs,
    outcome: outcome.cancelled ? 'cancelled' : outcome.signal ? 'killed' : failed ? 'failed' : 'exited',
    detail: describeEnd(outcome),
  }
}

function trialOf(outcomes: ChildOutcome[], originMs: number, endMs: number, signal: AbortSignal): Trial<FanoutTrialDetail> {
  if (signal.aborted) throw cancelledError()
  const startError = outcomes.find((o) => o.startError)?.startError
  if (startError) throw new LabError(startError.code ?? 'internal', startError.message)
  return {
    valueMs: endMs - originMs,
    detail: {
      spans: outcomes.map((o, lane) => toSpan(o, lane, originMs)),
      spawnMs: outcomes.flatMap((o) => (o.runningAtMs === undefined ? [] : [o.runningAtMs - o.startedAtMs])),
      failures: outcomes.filter((o) => o.exitCode !== 0).map(describeEnd),
    },
  }
}

export const fanoutRunner: ExperimentRunner<FanoutParams, FanoutData> = {
  id: 'fanout',
  async run(params, context) {
    const { command, source } = await resolveSleep(params)
    const spawn = (signal: AbortSignal): Promise<ChildOutcome> => runChild({ ...command, signal })

    const serial: Variant<FanoutTrialDetail> = {
      id: 'serial',
      label: 'Serial',
      async run(signal) {
        const origin = performance.now()
        const outcomes: ChildOutcome[] = []
        for (let i = 0; i < params.children && !signal.aborted; i++) outcomes.push(await spawn(signal))
        return trialOf(outcomes, origin, performance.now(), signal)
      },
    }
    const parallel: Variant<FanoutTrialDetail> = {
      id: 'parallel',
      label: 'Parallel',
      async run(signal) {
        const origin = performance.now()
        const outcomes = await Promise.all(Array.from({ length: params.children }, () => spawn(signal)))
        return trialOf(outcomes, origin, performance.now(), signal)
      },
    }

    const [serialMeasured, parallelMeasured] = await measureInterleaved([serial, parallel], {
      warmup: params.warmup,
      runs: params.runs,
      signal: context.signal,
      onProgress: context.progress,
    })
    const serialSeries = toSeries(serialMeasured!)
    const parallelSeries = toSeries(parallelMeasured!)
    const speedup = compare(serialSeries, parallelSeries, params.children, params.children)

    const lastParallel = parallelMeasured!.details.at(-1)!
    const lastSerial = serialMeasured!.details.at(-1)!
    const allDetails = [...serialMeasured!.details, ...parallelMeasured!.details]
    const spawnMs = allDetails.flatMap((d) => d.spawnMs)
    const lastRunning = Math.max(...lastParallel.spans.map((s) => s.runningMs ?? s.startMs))
    const failures = allDetails.flatMap((d) => d.failures)

    const warnings: RunWarning[] = []
    if (failures.length > 0) {
      warnings.push({ code: 'child-failed', message: `${failures.length} children did not exit cleanly (first: ${failures[0]}). Their times are still counted.` })
    }
    const expectedSerialMs = params.children * params.seconds * 1000
    if (params.seconds > 0 && serialSeries.summary.median > expectedSerialMs * 1.5 + 50) {
      warnings.push({ code: 'slow-spawn', message: `Serial runs took ${formatDurationMs(serialSeries.summary.median)}, well over the ${formatDurationMs(expectedSerialMs)} the sleeps account for: starting a child is expensive on this machine right now (is it busy?).` })
    }

    return {
      series: [serialSeries, parallelSeries],
      comparisons: [speedup],
      timelines: [
        { id: 'parallel', title: `Parallel: ${params.children} children at once`, spans: lastParallel.spans },
        { id: 'serial', title: 'Serial: one child after another', spans: lastSerial.spans },
      ],
      warnings,
      headline: `${params.children} × sleep ${params.seconds} s: serial ${formatDurationMs(serialSeries.summary.median)}, parallel ${formatDurationMs(parallelSeries.summary.median)}, speedup ${formatRatio(speedup.summary.median)} (ideal ${params.children}×)`,
      data: {
        argv: [command.file, ...command.args],
        programSource: source,
        spawnMsMedian: spawnMs.length > 0 ? median(spawnMs) : 0,
        parallelSpawnShare: parallelSeries.summary.median > 0 ? Math.min(1, lastRunning / lastParallel.spans.reduce((m, s) => Math.max(m, s.endMs), 0)) : 0,
        failedChildren: failures.length,
      },
    }
  },
}
