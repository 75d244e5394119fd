import { median } from 'simple-statistics'
import { LabError, cancelledError } from '../../../shared/errors'
import type { CommandData, CommandParams, CommandSweepRow } from '../../../shared/experiments/command'
import type { Comparison, RunWarning, Series, Timeline } from '../../../shared/model/result'
import { startupDominatedWarning } from '../../../shared/stats/advice'
import { summarize } from '../../../shared/stats/summary'
import { countPerSecond, formatDurationMs, formatPercent, formatRatio, secondsToMs } from '../../../shared/units'
import { measureInterleaved, type Trial, type Variant } from '../measure/interleave'
import { openLauncher, type Launcher } from '../processes/launchers/launchers'
import { mapLimited, powersOfTwoUpTo } from '../processes/limit'
import { childEnd, spanOf, spawnAccount, spawnCostMs } from '../processes/report'
import { commandFacts, requireProgram, resolveCommand, type ResolvedCommand } from '../processes/resolve-command'
import { DEFAULT_MAX_CAPTURE_BYTES, type ChildOutcome, type ChildSpec } from '../processes/run-child'
import { toSeries, withEfficiency, type ExperimentContext, type ExperimentOutput, type ExperimentRunner } from './experiment'
import { commandSweepSentence, measuredSentence, spawnShareVerdict } from './explain/command'

const MAX_RUNS_WITH_BUDGET = 1000
const KILL_GRACE_MS = 1000

interface CommandTrial {
  outcomes: ChildOutcome[]
  originMs: number
  wallMs: number
}

/** Stops the benchmark on what makes its times meaningless: no start, a hang, or (unless ignored) a failure. */
function checkOutcome(outcome: ChildOutcome, command: ResolvedCommand, params: CommandParams, signal: AbortSignal): void {
  if (outcome.cancelled || signal.aborted) throw cancelledError()
  if (outcome.startError) throw new LabError(outcome.startError.code ?? 'internal', outcome.startError.message)
  if (outcome.timedOut) {
    throw new LabError('command-failed', `"${command.text}" was still running after ${formatDurationMs(secondsToMs(params.timeoutSeconds))}, so the app stopped it (${childEnd(outcome).sentence}). A benchmark needs a command that finishes; raise the timeout if it needs longer.`)
  }
  if (!params.ignoreFailure && (outcome.exitCode !== 0 || outcome.signal !== null)) {
    const stderr = outcome.stderr.text.trim().split('\n').filter(Boolean).at(-1)
    throw new LabError(
      'command-failed',
      `"${command.text}" ${childEnd(outcome).sentence}${stderr ? ` (stderr: ${stderr.slice(0, 200)})` : ''}. A failing command stops the benchmark, as in hyperfine; switch on ignoreFailure to measure it anyway.`,
    )
  }
}

function statisticsLines(series: Series): string[] {
  const s = series.summary
  return [
    `Time (mean ± σ): ${formatDurationMs(s.mean)} ± ${formatDurationMs(s.sd)}`,
    `Median: ${formatDurationMs(s.median)}; 95% interval of the mean: ${formatDurationMs(s.ci95[0])} … ${formatDurationMs(s.ci95[1])}`,
    `Range (min … max): ${formatDurationMs(s.min)} … ${formatDurationMs(s.max)}    ${s.n} runs`,
  ]
}

function exitLabel(outcome: ChildOutcome): string {
  return outcome.signal ?? String(outcome.exitCode)
}

export const commandRunner: ExperimentRunner<CommandParams, CommandData> = {
  id: 'command',
  async run(params, context) {
    const launcher = await openLauncher(params.launcher, context)
    try {
      return await measureCommand(params, context, launcher)
    } finally {
      await launcher.close()
    }
  },
}

async function measureCommand(params: CommandParams, context: ExperimentContext, launcher: Launcher): Promise<ExperimentOutput<CommandData>> {
  const command = await resolveCommand(params.command, params.shell)
  await requireProgram(command)
  const timeoutMs = secondsToMs(params.timeoutSeconds)
  const specOf = (signal: AbortSignal): ChildSpec => ({ file: command.file, args: command.args, env: command.env, windowsVerbatimArguments: command.windowsVerbatimArguments, signal, timeoutMs, killGraceMs: KILL_GRACE_MS })
  // copies at once start as fan-out's parallel variant does: in one start loop, where the launcher has one
  const runCopies = (copies: number, signal: AbortSignal): Promise<ChildOutcome[]> =>
    copies > 1 && launcher.runAll ? launcher.runAll(specOf(signal), copies) : mapLimited(copies, copies, () => launcher.run(specOf(signal)), signal)

  /**
   * `copies` runs of the command at once; the time is until the last has exited. One copy alone is
   * timed from the moment it runs (the spawn call returned: the child has exec'd) to its exit, so the
   * app's own cost of forking is not charged to the command — it is reported apart, as spawnSingle.
   */
  const copiesVariant = (copies: number, id: string, label: string, timing: 'wall' | 'command' = 'wall'): Variant<CommandTrial> => ({
    id,
    label,
    async run(signal): Promise<Trial<CommandTrial>> {
      const originMs = performance.now()
      // runChild never throws, so every copy has ended before any outcome is judged
      const outcomes = await runCopies(copies, signal)
      for (const outcome of outcomes) checkOutcome(outcome, command, params, signal)
      const wallMs = Math.max(...outcomes.map((o) => o.exitedAtMs)) - originMs
      const only = outcomes[0]!
      const valueMs = timing === 'command' && outcomes.length === 1 ? only.exitedAtMs - only.spawnReturnedAtMs : wallMs
      return { valueMs, detail: { outcomes, originMs, wallMs } }
    },
  })

  const budgetMs = secondsToMs(params.budgetSeconds)
  const [single] = await measureInterleaved([copiesVariant(1, 'single', command.text, 'command')], {
    warmup: params.warmup,
    runs: params.runs,
    minTimeMs: budgetMs,
    maxRuns: budgetMs > 0 ? MAX_RUNS_WITH_BUDGET : params.runs,
    signal: context.signal,
    onProgress: context.progress,
  })
  const singleSeries = toSeries(single!)
  const singleOutcomes = single!.details.map((d) => d.outcomes[0]!)
  const spawnMsMedian = median(singleOutcomes.map(spawnCostMs))

  // the parallelism sweep: 1, 2, 4, … copies at once, interleaved round by round
  const copiesList = params.maxParallel > 1 ? powersOfTwoUpTo(params.maxParallel) : []
  const sweepMeasured =
    copiesList.length > 0
      ? await measureInterleaved(
          copiesList.map((copies) => copiesVariant(copies, `copies-${copies}`, `${copies} at once`)),
          { warmup: 0, runs: params.sweepRuns, signal: context.signal, onProgress: (message, done, total) => context.progress(`Sweep: ${message}`, done, total) },
        )
      : []
  const sweepSeries = sweepMeasured.map(toSeries)
  const baseline = sweepSeries[0]
  const comparisons: Comparison[] = sweepSeries.map((candidate, i) => {
    const copies = copiesList[i]!
    const n = Math.min(baseline!.samples.length, candidate.samples.length)
    const ratios = Array.from({ length: n }, (_, round) => (copies * baseline!.samples[round]!.valueMs) / candidate.samples[round]!.valueMs)
    return withEfficiency({ baselineId: baseline!.id, candidateId: candidate.id, label: `${copies} at once vs one`, parallelism: copies, ideal: copies, ratios, summary: summarize(ratios) })
  })
  const sweep: CommandSweepRow[] = sweepSeries.map((series, i) => {
    const copies = copiesList[i]!
    const speedup = comparisons[i]!.summary.median
    return { copies, seriesId: series.id, medianMs: series.summary.median, speedup, ideal: copies, efficiency: speedup / copies, throughputPerSecond: countPerSecond(copies, series.summary.median) }
  })

  // outliers, a slow first run, spread and too few runs are advised for every series by the run manager
  const warnings: RunWarning[] = []
  const tooFast = startupDominatedWarning(singleSeries.summary.median, spawnMsMedian)
  if (tooFast) warnings.push(tooFast)
  if (command.literalShellSyntax.length > 0) warnings.push({ code: 'shell-syntax-literal', message: command.notes.at(-1)! })
  const allOutcomes = [...singleOutcomes, ...sweepMeasured.flatMap((m) => m.details.flatMap((d) => d.outcomes))]
  const exitCodes: Record<string, number> = {}
  for (const outcome of allOutcomes) exitCodes[exitLabel(outcome)] = (exitCodes[exitLabel(outcome)] ?? 0) + 1
  const failed = allOutcomes.filter((o) => o.exitCode !== 0 || o.signal !== null).length
  if (failed > 0) warnings.push({ code: 'nonzero-exit', message: `${failed} of ${allOutcomes.length} runs did not exit with code 0; they were measured anyway because ignoreFailure is on.` })
  const truncated = allOutcomes.filter((o) => o.stdout.truncated || o.stderr.truncated).length
  if (truncated > 0) warnings.push({ code: 'output-truncated', message: `${truncated} runs printed more than ${DEFAULT_MAX_CAPTURE_BYTES / 1024} KiB; the app kept the start and counted the rest, which still costs time.` })

  const largest = sweepMeasured.at(-1)?.details.at(-1)
  const timelines: Timeline[] = sweepMeasured.map((m, i) => {
    const last = m.details.at(-1)!
    return { id: `copies-${copiesList[i]}`, title: `${copiesList[i]} at once (last round)`, spans: last.outcomes.map((o, lane) => spanOf(o, lane, last.originMs, `copy ${lane + 1}`)) }
  })
  const recent = single!.details.slice(-10)
  if (recent.length > 0) {
    timelines.unshift({ id: 'single', title: `The last ${recent.length} measured runs, one after another`, spans: recent.map((d, lane) => spanOf(d.outcomes[0]!, lane, recent[0]!.originMs, `run ${single!.details.length - recent.length + lane + 1}`)) })
  }
  const wallMsMedian = median(single!.details.map((d) => d.wallMs))
  const share = wallMsMedian > 0 ? Math.min(1, spawnMsMedian / wallMsMedian) : 0
  const best = sweep.reduce<CommandSweepRow | undefined>((top, row) => (top === undefined || row.speedup > top.speedup ? row : top), undefined)

  return {
    series: [singleSeries, ...sweepSeries],
    comparisons,
    timelines,
    warnings,
    headline: `${command.text}${command.shell ? ' (through a shell)' : ''}: ${formatDurationMs(singleSeries.summary.mean)} ± ${formatDurationMs(singleSeries.summary.sd)} over ${singleSeries.summary.n} runs${best ? `; ${best.copies} at once ran ${formatRatio(best.speedup)} the throughput of one (ideal ${best.ideal}×)` : ''}`,
    data: {
      ...commandFacts(command),
      launcher: launcher.id,
      launcherLabel: launcher.label,
      measuredRuns: singleSeries.summary.n,
      warmupRuns: params.warmup,
      budgetMs,
      statisticsLines: statisticsLines(singleSeries),
      exitCodes,
      outputBytesMedian: median(singleOutcomes.map((o) => o.stdout.bytes + o.stderr.bytes)),
      spawnSingle: {
        spawnMsMedian,
        wallMsMedian,
        share,
        sentence: `Starting the child took ${formatDurationMs(spawnMsMedian)} inside the start call (${launcher.label}) of each run's ${formatDurationMs(wallMsMedian)} from spawn request to exit (median): ${formatPercent(share, 0)} of it is spawning. The times above count from the moment the child runs to its exit, so the app's spawning is not charged to the command.`,
        verdict: spawnShareVerdict(share),
      },
      sweep,
      sweepSentence: commandSweepSentence(sweep, context.machine.logicalCores),
      measuredSentence: measuredSentence({ measuredRuns: singleSeries.summary.n, warmupRuns: params.warmup, budgetMs }),
      ...(largest ? { spawnSweep: spawnAccount(largest.outcomes, largest.wallMs, launcher.id === 'python' ? launcher.label : undefined) } : {}),
      logicalCores: context.machine.logicalCores,
    },
  }
}
