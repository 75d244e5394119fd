import { median } from 'simple-statistics'
import { LabError, cancelledError } from '../../../shared/errors'
import type { FanoutData, FanoutLimitRow, FanoutParams } from '../../../shared/experiments/fanout'
import { launcherWhy, type LauncherRow } from '../../../shared/experiments/launchers'
import { pairedRatios } from '../../../shared/stats/summary'
import type { Comparison, RunWarning, Timeline, TimelineSpan } from '../../../shared/model/result'
import { formatDurationMs, formatPercent, formatRatio, secondsToMs } from '../../../shared/units'
import { measureInterleaved, type Measured, type Trial, type Variant } from '../measure/interleave'
import { findProgram } from '../processes/find-program'
import { mapLimited, powersOfTwoUpTo } from '../processes/limit'
import { builtinSleep, type ProgramCommand } from '../processes/node-program'
import { spanOf, spawnAccount, spawnCostMs } from '../processes/report'
import { availableLaunchers, openLauncher, type Launcher } from '../processes/launchers/launchers'
import { describeEnd, type ChildOutcome } from '../processes/run-child'
import { compare, toSeries, type ExperimentContext, type ExperimentOutput, type ExperimentRunner } from './experiment'
import { explainFanout, fanoutRoundsBound } from './explain/fanout'

interface FanoutTrialDetail {
  outcomes: ChildOutcome[]
  originMs: number
  wallMs: number
  spans: TimelineSpan[]
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

function trialOf(outcomes: ChildOutcome[], originMs: number, endMs: number, signal: AbortSignal): Trial<FanoutTrialDetail> {
  if (signal.aborted) throw cancelledError()
  const startError = outcomes.find((o) => o.startError)?.startError
  if (startError) throw new LabError(startError.code ?? 'internal', startError.message)
  return {
    valueMs: endMs - originMs,
    detail: {
      outcomes,
      originMs,
      wallMs: endMs - originMs,
      spans: outcomes.map((o, lane) => spanOf(o, lane, originMs)),
      failures: outcomes.filter((o) => o.exitCode !== 0).map(describeEnd),
    },
  }
}

/** The limits between serial (1) and parallel (N) that the sweep adds: 2, 4, 8, … below N. */
const sweepLimits = (children: number): number[] => powersOfTwoUpTo(children).filter((limit) => limit > 1 && limit < children)

/**
 * A child's own life, from running to its exit: what it would take if starting it cost nothing. (From
 * asking for it would charge the launcher's queue to the child: with spawner helpers a child can wait
 * its turn in a helper for tens of milliseconds.)
 */
const ownLifeMs = (o: ChildOutcome): number => o.exitedAtMs - (o.runningAtMs === undefined ? o.spawnReturnedAtMs : Math.min(o.runningAtMs, o.spawnReturnedAtMs))

export const fanoutRunner: ExperimentRunner<FanoutParams, FanoutData> = {
  id: 'fanout',
  async run(params, context) {
    const { command, source } = await resolveSleep(params)
    const warnings: RunWarning[] = []
    const compared = params.compareLaunchers ? availableLaunchers(context.machine).filter((id) => id !== params.launcher) : []
    if (params.compareLaunchers && !context.machine.python.found) {
      warnings.push({ code: 'python-missing', message: `Python 3 was not found (${context.machine.python.reason ?? 'no python3'}), so its subprocess launcher was left out of the comparison.` })
    }
    // one after another: each may start a process (Python's launcher), and forks are best not made together
    const launchers: Launcher[] = []
    try {
      for (const id of [params.launcher, ...compared]) launchers.push(await openLauncher(id, context))
      return await measureFanout(params, context, command, source, launchers, warnings)
    } finally {
      await Promise.all(launchers.map((launcher) => launcher.close()))
    }
  },
}

async function measureFanout(params: FanoutParams, context: ExperimentContext, command: ProgramCommand, source: 'system' | 'builtin', launchers: Launcher[], warnings: RunWarning[]): Promise<ExperimentOutput<FanoutData>> {
  const [launcher, ...others] = launchers as [Launcher, ...Launcher[]]
  /** All N children, at most `limit` at once; limit N starts them all together (in one start loop, where the launcher has one). */
  const limited = (id: string, label: string, limit: number, chosen = launcher): Variant<FanoutTrialDetail> => ({
    id,
    label,
    async run(signal) {
      const origin = performance.now()
      const spec = { ...command, signal }
      const outcomes = limit >= params.children && chosen.runAll ? await chosen.runAll(spec, params.children) : await mapLimited(params.children, limit, () => chosen.run(spec), signal)
      return trialOf(outcomes, origin, performance.now(), signal)
    },
  })
  const limits = params.sweep ? sweepLimits(params.children) : []
  const variants = [
    limited('serial', 'Serial', 1),
    limited('parallel', 'Parallel', params.children),
    ...limits.map((limit) => limited(`limit-${limit}`, `At most ${limit} at once`, limit)),
    ...others.map((other) => limited(`launcher-${other.id}`, `Parallel, ${other.label}`, params.children, other)),
  ]

  const measured = await measureInterleaved(variants, {
    warmup: params.warmup,
    runs: params.runs,
    signal: context.signal,
    onProgress: context.progress,
  })
  const series = measured.map(toSeries)
  const [serialSeries, parallelSeries] = series as [(typeof series)[0], (typeof series)[0]]
  const [serialMeasured, parallelMeasured] = measured as [(typeof measured)[0], (typeof measured)[0]]
  const speedup = compare(serialSeries, parallelSeries, params.children, params.children)
  // at most `limit` equal sleeps at once finish in ceil(N / limit) rounds: that, not the limit, is the best possible
  const idealFor = (limit: number): number => fanoutRoundsBound(params.children, limit)
  const sweepComparisons: Comparison[] = limits.map((limit, i) => compare(serialSeries, series[i + 2]!, limit, idealFor(limit)))

  const lastParallel = parallelMeasured.details.at(-1)!
  const lastSerial = serialMeasured.details.at(-1)!
  const allDetails = measured.flatMap((m) => m.details)
  const spawnMs = allDetails.flatMap((d) => d.outcomes.map(spawnCostMs))
  const lastRunning = Math.max(...lastParallel.spans.map((s) => s.runningMs ?? s.startMs))
  const failures = allDetails.flatMap((d) => d.failures)

  // bounded by the longest child, not the sum: per parallel trial, then the median over trials
  const longestChildMs = median(parallelMeasured.details.map((d) => Math.max(...d.outcomes.map(ownLifeMs))))
  const sumOfChildrenMs = median(parallelMeasured.details.map((d) => d.outcomes.reduce((sum, o) => sum + ownLifeMs(o), 0)))
  const parallelWallMs = parallelSeries.summary.median
  const boundSentence = `Parallel wall time ${formatDurationMs(parallelWallMs)} is ${formatRatio(parallelWallMs / longestChildMs)} the longest child (${formatDurationMs(longestChildMs)}) and ${formatPercent(parallelWallMs / sumOfChildrenMs, 0)} of the sum of all ${params.children} children's times (${formatDurationMs(sumOfChildrenMs)}): ${params.seconds > 0 ? 'sleeping children wait side by side, so the wall time is bounded by the longest child, not the sum' : 'with nothing to wait for, what remains is the cost of starting children'}.`

  if (failures.length > 0) {
    warnings.push({ code: 'child-failed', message: `${failures.length} children did not exit cleanly (first: ${failures[0]}). Their times are still counted.` })
  }
  const expectedSerialMs = secondsToMs(params.children * params.seconds)
  if (params.seconds > 0 && serialSeries.summary.median > expectedSerialMs * 1.5 + 50) {
    warnings.push({ code: 'slow-spawn', message: `Serial runs took ${formatDurationMs(serialSeries.summary.median)}, well over the ${formatDurationMs(expectedSerialMs)} the sleeps account for: starting a child is expensive on this machine right now (is it busy?).` })
  }

  const limitRows: FanoutLimitRow[] = [
    { limit: 1, seriesId: 'serial', medianMs: serialSeries.summary.median, speedup: 1, ideal: 1 },
    ...limits.map((limit, i) => ({ limit, seriesId: series[i + 2]!.id, medianMs: series[i + 2]!.summary.median, speedup: sweepComparisons[i]!.summary.median, ideal: idealFor(limit) })),
    { limit: params.children, seriesId: 'parallel', medianMs: parallelWallMs, speedup: speedup.summary.median, ideal: params.children },
  ]
  const sweepTimelines: Timeline[] = limits.map((limit, i) => ({ id: `limit-${limit}`, title: `At most ${limit} at once`, spans: measured[i + 2]!.details.at(-1)!.spans }))
  const comparison = others.length > 0 ? compareLaunchers(launchers, [measured[1]!, ...measured.slice(2 + limits.length)], params.children, context.machine.os.platform) : undefined
  const launcherTimelines: Timeline[] = others.map((other, i) => ({ id: `launcher-${other.id}`, title: `Parallel, ${other.label}`, spans: measured[2 + limits.length + i]!.details.at(-1)!.spans }))
  const sweepText = limits.length > 0 ? `; at most ${limits.map((limit, i) => `${limit}: ${formatRatio(sweepComparisons[i]!.summary.median)}`).join(', ')}` : ''

  return {
    series,
    comparisons: [speedup, ...sweepComparisons],
    timelines: [
      { id: 'parallel', title: `Parallel: ${params.children} children at once`, spans: lastParallel.spans },
      { id: 'serial', title: 'Serial: one child after another', spans: lastSerial.spans },
      ...sweepTimelines,
      ...launcherTimelines,
    ],
    warnings,
    headline: `${params.children} × sleep ${params.seconds} s: serial ${formatDurationMs(serialSeries.summary.median)}, parallel ${formatDurationMs(parallelWallMs)}, speedup ${formatRatio(speedup.summary.median)} (ideal ${params.children}×)${sweepText}; the longest child took ${formatDurationMs(longestChildMs)}`,
    data: {
      argv: [command.file, ...command.args],
      programSource: source,
      launcher: launcher.id,
      launcherLabel: launcher.label,
      helperCount: launcher.helperCount,
      ...comparison,
      spawnMsMedian: spawnMs.length > 0 ? median(spawnMs) : 0,
      parallelSpawnShare: parallelSeries.summary.median > 0 ? Math.min(1, lastRunning / lastParallel.spans.reduce((m, s) => Math.max(m, s.endMs), 0)) : 0,
      failedChildren: failures.length,
      ...explainFanout({ limits: limitRows }, params),
      longestChildMs,
      sumOfChildrenMs,
      parallelWallMs,
      boundSentence,
      startSentence: startSentence(params, launcher, spawnMs.length > 0 ? median(spawnMs) : 0),
      spawnParallel: spawnAccount(lastParallel.outcomes, lastParallel.wallMs, startedBy(launcher)),
      spawnSerial: spawnAccount(lastSerial.outcomes, lastSerial.wallMs, startedBy(launcher)),
    },
  }
}

/** Why parallel is above the longest child, for the launcher that ran: starting children takes turns. */
function startSentence(params: FanoutParams, launcher: Launcher, spawnCallMs: number): string {
  const helpers = launcher.helperCount
  const turns =
    helpers > 0
      ? `${helpers} spawner helper${helpers === 1 ? '' : 's'} start${helpers === 1 ? 's' : ''} them, each its share one after another`
      : launcher.id === 'python'
        ? 'Python starts them one after another'
        : launcher.id === 'helpers'
          ? 'the app starts them one after another, with vfork'
          : 'the app starts them one after another'
  return `A sleeping child uses no CPU, so the operating system runs all ${params.children} at once, whatever the number of cores. What keeps parallel above the longest child is starting them: each start call took about ${formatDurationMs(spawnCallMs)} here, and ${turns}. The light part of each bar in the timelines is that starting; the stagger of start times shows it.`
}

/** Who made the spawn calls, where spawnAccount cannot tell from the outcomes (it knows the helpers). */
const startedBy = (launcher: Launcher): string | undefined => (launcher.id === 'python' ? `Python's launcher (${launcher.label})` : undefined)

/** Per child: from asking for it to it running, all in. */
const startCostMs = (o: ChildOutcome): number => (o.runningAtMs === undefined ? o.spawnReturnedAtMs : Math.min(o.runningAtMs, o.spawnReturnedAtMs)) - o.startedAtMs

/** Each launcher's parallel wall time and start costs, paired round by round against the fastest and against Python. */
function compareLaunchers(launchers: readonly Launcher[], measured: readonly Measured<FanoutTrialDetail>[], children: number, platform: string): Pick<FanoutData, 'launchers' | 'launcherIdealMs' | 'launcherSentence' | 'launcherWhy'> {
  const walls = measured.map((m) => m.samples.map((s) => s.valueMs))
  const medians = walls.map((values) => median(values))
  const fastest = medians.indexOf(Math.min(...medians))
  const python = launchers.findIndex((l) => l.id === 'python')
  // wall time against the baseline's, round by round: 1.44× means 44% longer
  const pairedMedian = (i: number, baseline: number): number => median(pairedRatios(walls[i]!, walls[baseline]!))
  const rows: LauncherRow[] = launchers.map((launcher, i) => {
    const outcomes = measured[i]!.details.flatMap((d) => d.outcomes)
    return {
      launcher: launcher.id,
      label: launcher.label,
      parallelWallMs: medians[i]!,
      startCostMs: median(outcomes.map(startCostMs)),
      spawnCallMs: median(outcomes.map(spawnCostMs)),
      vsFastest: pairedMedian(i, fastest),
      ...(python >= 0 ? { vsPython: pairedMedian(i, python) } : {}),
    }
  })
  // the ideal: the longest child's own life (running to exit), which no launcher can beat; the median over
  // launchers, since one that returns late from its start call (execa's own work after the spawn) sees it shorter
  const idealMs = median(measured.map((m) => median(m.details.map((d) => Math.max(...d.outcomes.map(ownLifeMs))))))
  const ranked = [...rows].sort((a, b) => a.parallelWallMs - b.parallelWallMs)
  const launcherSentence = `Started at once, ${children} children took ${ranked.map((row) => `${formatDurationMs(row.parallelWallMs)} with ${row.label} (${formatDurationMs(row.startCostMs)} to start each)`).join(', ')}; the ideal is the longest child, ${formatDurationMs(idealMs)}.${python >= 0 ? ` Wall time against Python's subprocess, round by round: ${rows.filter((row) => row.launcher !== 'python').map((row) => `${row.label} ${formatRatio(row.vsPython!)}`).join(', ')}.` : ''}`
  return { launchers: rows, launcherIdealMs: idealMs, launcherSentence, launcherWhy: launcherWhy(platform) }
}
