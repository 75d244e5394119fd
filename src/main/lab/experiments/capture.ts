import { performance } from 'node:perf_hooks'
import { cancelledError } from '../../../shared/errors'
import { judgeHeartbeat, type CaptureData, type CaptureParams, type CapturePhases, type CaptureRunRow, type CaptureWaiting } from '../../../shared/experiments/capture'
import type { RunWarning, Sample, Series } from '../../../shared/model/result'
import { summarize } from '../../../shared/stats/summary'
import { timerResolutionMs } from '../../../shared/timer-resolution'
import { formatBytes, formatDurationMs, formatPercent, secondsToMs, usToMs } from '../../../shared/units'
import { startHeartbeat } from '../measure/heartbeat'
import { childEnd, spanOf, spawnAccount, spawnCostMs } from '../processes/report'
import { commandFacts, resolveCommand, type ResolvedCommand } from '../processes/resolve-command'
import type { ChildOutcome } from '../processes/run-child'
import type { SpawnerHelpers } from '../processes/spawner-helpers'
import type { ExperimentRunner } from './experiment'
import { explainCapture } from './explain/capture'

const HEARTBEAT_INTERVAL_MS = 5
const KILL_GRACE_MS = 1000
/** Below this the wait is too short for the heartbeat to say anything. */
const SHORT_WAIT_MS = 50

interface CapturedRun {
  outcome: ChildOutcome
  startedAtEpochMs: number
  appCpuMs: number
  heartbeats: number
  maxHeartbeatLagMs: number
}

/** The child starts in a spawner helper, so the app never forks (a spawn from a big process holds its thread); the app still just waits to be told. */
async function captureOnce(command: ResolvedCommand, params: CaptureParams, signal: AbortSignal, spawners: SpawnerHelpers): Promise<CapturedRun> {
  const heartbeat = startHeartbeat(HEARTBEAT_INTERVAL_MS)
  const startedAtEpochMs = performance.timeOrigin + performance.now()
  try {
    const { file, args, env, windowsVerbatimArguments } = command
    const cpuBefore = process.cpuUsage()
    const outcome = await spawners.run({ file, args, env, windowsVerbatimArguments, signal, timeoutMs: secondsToMs(params.timeoutSeconds), killGraceMs: KILL_GRACE_MS, maxCaptureBytes: params.maxOutputKiB * 1024 })
    const cpu = process.cpuUsage(cpuBefore)
    const window = heartbeat.window(outcome.spawnReturnedAtMs, outcome.closedAtMs)
    return { outcome, startedAtEpochMs, appCpuMs: usToMs(cpu.user + cpu.system), heartbeats: window.ticks, maxHeartbeatLagMs: window.maxLagMs }
  } finally {
    heartbeat.stop()
  }
}

function waitingOf(run: CapturedRun, resolutionMs: number): CaptureWaiting {
  const waitedMs = run.outcome.closedAtMs - run.outcome.spawnReturnedAtMs
  const appCpuShare = waitedMs > 0 ? run.appCpuMs / waitedMs : 0
  const heartbeat = judgeHeartbeat({ waitedMs, intervalMs: HEARTBEAT_INTERVAL_MS, timerResolutionMs: resolutionMs, heartbeats: run.heartbeats, maxLagMs: run.maxHeartbeatLagMs })
  return {
    waitedMs,
    heartbeatIntervalMs: HEARTBEAT_INTERVAL_MS,
    heartbeats: run.heartbeats,
    maxHeartbeatLagMs: run.maxHeartbeatLagMs,
    timerResolutionMs: resolutionMs,
    lagBeyondTimerMs: heartbeat.lagBeyondTimerMs,
    appCpuMs: run.appCpuMs,
    appCpuShare,
    sentence: run.outcome.startError
      ? 'The program never started, so there was nothing to wait for.'
      : waitedMs < SHORT_WAIT_MS
        ? `The child was done ${formatDurationMs(waitedMs)} after it started: too soon to watch the app wait (handling its output and exit took ${formatDurationMs(run.appCpuMs)} of CPU). Run something longer, such as sleep 1, to see the heartbeat keep ticking while the app waits.`
        : `While it waited ${formatDurationMs(waitedMs)} for the child, the app's event loop stayed free: ${heartbeat.sentence} ` +
          `and the whole app used ${formatDurationMs(run.appCpuMs)} of CPU (${formatPercent(appCpuShare, 1)} of the wait). It did not poll: the operating system told it when the child exited.`,
  }
}

function seriesOf(id: string, label: string, runs: CapturedRun[], value: (run: CapturedRun) => number): Series {
  const samples: Sample[] = runs.map((run, trial) => ({ trial, startedAtMs: run.startedAtEpochMs, valueMs: value(run) }))
  return { id, label, samples, warmupSamples: [], summary: summarize(samples.map((s) => s.valueMs)) }
}

function quoteOutput(text: string): string {
  const line = text.trim().split('\n')[0] ?? ''
  return line.length > 60 ? `"${line.slice(0, 60)}…"` : `"${line}"`
}

export const captureRunner: ExperimentRunner<CaptureParams, CaptureData> = {
  id: 'capture',
  async run(params, context) {
    const command = await resolveCommand(params.command, params.shell)
    await context.spawners.ready() // before any heartbeat: starting the helpers is not part of the wait
    const runs: CapturedRun[] = []
    for (let run = 0; run < params.runs; run++) {
      if (context.signal.aborted) throw cancelledError()
      context.progress(`Running ${command.text} (${run + 1} of ${params.runs})`, run, params.runs)
      const captured = await captureOnce(command, params, context.signal, context.spawners)
      if (captured.outcome.cancelled || context.signal.aborted) throw cancelledError()
      runs.push(captured)
      if (captured.outcome.startError) break
    }
    context.progress('Captured', runs.length, params.runs)

    const first = runs[0]!
    const outcome = first.outcome
    const end = childEnd(outcome)
    const origin = outcome.startedAtMs
    const maxOutputBytes = params.maxOutputKiB * 1024
    const warnings: RunWarning[] = []
    if (command.literalShellSyntax.length > 0) warnings.push({ code: 'shell-syntax-literal', message: command.notes.at(-1)! })
    if (end.kind === 'not-started') warnings.push({ code: 'program-not-found', message: end.sentence })
    if (end.kind === 'timed-out') {
      warnings.push({ code: 'timed-out', message: `The command was still running after ${formatDurationMs(secondsToMs(params.timeoutSeconds))}, so the app ended it: ${end.sentence}. Raise the timeout if it needs longer; the app kept working meanwhile.` })
    }
    if (end.kind === 'exited' && end.exitCode !== 0) {
      warnings.push({ code: 'nonzero-exit', message: `The command exited with code ${end.exitCode}: it reports a failure of its own (see its stderr). The capture itself worked.` })
    }
    for (const [name, stream] of [['stdout', outcome.stdout], ['stderr', outcome.stderr]] as const) {
      if (stream.truncated) {
        warnings.push({ code: 'output-truncated', message: `${name} was ${formatBytes(stream.bytes)}: the first ${formatBytes(maxOutputBytes)} are kept, the rest was counted, not kept.` })
      }
    }
    const failedRuns = runs.filter((r) => r.outcome.exitCode !== 0).length
    if (runs.length > 1 && failedRuns > 0 && failedRuns < runs.length) warnings.push({ code: 'inconsistent-exit', message: `${failedRuns} of ${runs.length} runs did not exit with code 0.` })

    const rows: CaptureRunRow[] = runs.map((r, i) => ({
      run: i + 1,
      pid: r.outcome.pid,
      totalMs: r.outcome.closedAtMs - r.outcome.startedAtMs,
      spawnMs: spawnCostMs(r.outcome),
      exitCode: r.outcome.exitCode,
      signal: r.outcome.signal,
    }))
    const started = end.kind !== 'not-started'
    const output = outcome.stdout.bytes > 0 ? `stdout ${quoteOutput(outcome.stdout.text)} (${formatBytes(outcome.stdout.bytes)})` : 'no stdout'
    const errors = outcome.stderr.bytes > 0 ? `stderr ${formatBytes(outcome.stderr.bytes)}` : 'stderr empty'
    const phases: CapturePhases = {
      spawnRequestedMs: 0,
      spawnReturnedMs: outcome.spawnReturnedAtMs - origin,
      runningMs: outcome.runningAtMs === undefined ? undefined : outcome.runningAtMs - origin,
      exitedMs: outcome.exitedAtMs - origin,
      streamsClosedMs: outcome.closedAtMs - origin,
      terminationRequestedMs: outcome.terminationRequestedAtMs === undefined ? undefined : outcome.terminationRequestedAtMs - origin,
    }

    return {
      // with one run the timeline is the picture; a series of one sample would only say it has no interval
      series: started && runs.length > 1
        ? [seriesOf('total', 'Spawn request → output closed', runs, (r) => r.outcome.closedAtMs - r.outcome.startedAtMs), seriesOf('spawn', 'Spawn call (in a spawner helper)', runs, (r) => spawnCostMs(r.outcome))]
        : [],
      comparisons: [],
      timelines: [
        {
          id: 'child',
          title: runs.length > 1 ? `${runs.length} runs, one after another` : 'Started → running → exited',
          spans: runs.map((r, lane) => spanOf(r.outcome, lane, origin, runs.length > 1 ? `run ${lane + 1}` : command.argv[0]!)),
        },
      ],
      warnings,
      headline: started ? `${command.text} → ${end.sentence}; ${output}, ${errors}` : `${command.text} could not start: ${end.sentence}`,
      data: {
        ...commandFacts(command),
        pid: outcome.pid,
        end,
        stdout: outcome.stdout,
        stderr: outcome.stderr,
        maxOutputBytes,
        phases,
        ...explainCapture({ end, phases }),
        waiting: waitingOf(first, timerResolutionMs(process.platform)),
        spawn: spawnAccount([outcome], outcome.closedAtMs - origin),
        runs: rows,
      },
    }
  },
}
