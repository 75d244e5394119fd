import { performance } from 'node:perf_hooks'
import { median } from 'simple-statistics'
import { LabError, cancelledError } from '../../../shared/errors'
import { timeoutEndSentence, timeoutStopOn, type TimeoutData, type TimeoutParams, type TimeoutRunRow, type TimeoutStop } from '../../../shared/experiments/timeout'
import type { RunWarning, Sample } from '../../../shared/model/result'
import { summarize } from '../../../shared/stats/summary'
import { formatDurationMs, formatSeconds, secondsToMs } from '../../../shared/units'
import { findProgram } from '../processes/find-program'
import { builtinSleep, builtinStubbornSleep, type ProgramCommand } from '../processes/node-program'
import { processGroupGone, reapMethod, reapState } from '../processes/reap'
import { childEnd, spanOf, spawnAccount } from '../processes/report'
import type { ChildOutcome } from '../processes/run-child'
import type { ExperimentRunner } from './experiment'
import { explainTimeout } from './explain/timeout'

/**
 * A child that ignores SIGTERM from its first instant: the shell sets SIGTERM to "ignore" and
 * execs sleep, which keeps it ignored. (A Node child can only ignore it once its script runs,
 * and starting Node can take longer than a 0.1 s timeout.)
 */
function stubbornSystemSleep(shell: string, seconds: number): ProgramCommand {
  return { file: shell, args: ['-c', `trap '' TERM; exec sleep ${seconds}`] }
}

/** `ignoreSigterm` is what the child should do: never on a system where no child can ignore the stop. */
async function resolveChild(params: TimeoutParams, ignoreSigterm: boolean): Promise<{ command: ProgramCommand; source: 'system' | 'builtin' }> {
  if (params.program !== 'builtin') {
    const sleepPath = await findProgram('sleep')
    const shellPath = process.platform === 'win32' ? undefined : await findProgram('sh')
    if (ignoreSigterm && sleepPath && shellPath) return { command: stubbornSystemSleep(shellPath, params.seconds), source: 'system' }
    if (!ignoreSigterm && sleepPath) return { command: { file: sleepPath, args: [String(params.seconds)] }, source: 'system' }
    if (params.program === 'system') {
      throw new LabError('program-not-found', 'The program "sleep" was not found on PATH. Install coreutils, or choose program "builtin" (a small Node program that sleeps).')
    }
  }
  return { command: ignoreSigterm ? builtinStubbornSleep(params.seconds) : builtinSleep(params.seconds), source: 'builtin' }
}

function rowOf(run: number, outcome: ChildOutcome, stop: TimeoutStop, timeoutMs: number, graceMs: number, reap: TimeoutRunRow['reap'], groupGone: boolean | null): TimeoutRunRow {
  const end = childEnd(outcome)
  const elapsedMs = outcome.exitedAtMs - outcome.startedAtMs
  const sigtermAtMs = outcome.terminationRequestedAtMs === undefined ? undefined : outcome.terminationRequestedAtMs - outcome.startedAtMs
  return {
    run,
    pid: outcome.pid,
    elapsedMs,
    overshootMs: elapsedMs - timeoutMs,
    sigtermAtMs,
    sigkillAtMs: outcome.forcedKill && sigtermAtMs !== undefined ? sigtermAtMs + graceMs : undefined,
    signal: outcome.signal,
    exitCode: outcome.exitCode,
    pythonStatus: end.pythonStatus,
    forcedKill: outcome.forcedKill,
    reap,
    groupGone,
    sentence: timeoutEndSentence(stop, {
      timedOut: outcome.timedOut,
      signal: outcome.signal,
      exitCode: outcome.exitCode,
      forcedKill: outcome.forcedKill,
      pythonStatus: end.pythonStatus,
      elapsedText: formatSeconds(elapsedMs),
      graceText: formatDurationMs(graceMs),
    }),
  }
}

export const timeoutRunner: ExperimentRunner<TimeoutParams, TimeoutData> = {
  id: 'timeout',
  async run(params, context) {
    const stop = timeoutStopOn(process.platform, params.ignoreSigterm)
    const ignoresSigterm = params.ignoreSigterm && stop.childCanIgnore
    const { command, source } = await resolveChild(params, ignoresSigterm)
    const timeoutMs = secondsToMs(params.timeoutSeconds)
    const graceMs = secondsToMs(params.graceSeconds)
    const rows: TimeoutRunRow[] = []
    const outcomes: ChildOutcome[] = []
    const samples: Sample[] = []
    await context.spawners.ready()
    for (let run = 0; run < params.runs; run++) {
      if (context.signal.aborted) throw cancelledError()
      context.progress(`Child ${run + 1} of ${params.runs}: waiting for its ${formatDurationMs(timeoutMs)} timeout`, run, params.runs)
      const startedAtEpochMs = performance.timeOrigin + performance.now()
      const outcome = await context.spawners.run({ ...command, timeoutMs, killGraceMs: graceMs, signal: context.signal })
      if (outcome.cancelled || context.signal.aborted) throw cancelledError()
      if (outcome.startError) throw new LabError(outcome.startError.code ?? 'internal', outcome.startError.message)
      const reap = await reapState(outcome.pid)
      rows.push(rowOf(run + 1, outcome, stop, timeoutMs, graceMs, reap, processGroupGone(outcome.pid)))
      outcomes.push(outcome)
      samples.push({ trial: run, startedAtMs: startedAtEpochMs, valueMs: outcome.exitedAtMs - outcome.startedAtMs })
    }
    context.progress('Timed out', params.runs, params.runs)

    const first = rows[0]!
    const medianElapsedMs = median(rows.map((r) => r.elapsedMs))
    const medianOvershootMs = median(rows.map((r) => r.overshootMs))
    const zombieCount = rows.filter((r) => r.reap === 'zombie' || r.reap === 'alive' || r.groupGone === false).length
    const method = reapMethod()
    const warnings: RunWarning[] = []
    const finishedEarly = rows.filter((r) => r.signal === null && !r.forcedKill && r.elapsedMs < timeoutMs)
    if (finishedEarly.length > 0) {
      warnings.push({ code: 'no-timeout', message: `${finishedEarly.length} of ${rows.length} children ended on their own before the ${formatDurationMs(timeoutMs)} timeout; make the child run longer than the timeout to see it stopped.` })
    }
    if (stop.ignoreSigtermNote) warnings.push({ code: 'cannot-ignore-stop', message: stop.ignoreSigtermNote })
    const notIgnored = ignoresSigterm ? rows.filter((r) => r.signal === 'SIGTERM').length : 0
    if (notIgnored > 0) {
      warnings.push({ code: 'sigterm-not-ignored', message: `${notIgnored} of ${rows.length} children meant to ignore SIGTERM were ended by it: the timeout came before the child had set that up (a Node child needs about 0.1 s to start). Use a longer timeout, or the system program.` })
    }
    if (zombieCount > 0) warnings.push({ code: 'zombie', message: `${zombieCount} ended children were still present (${method}): a zombie or a leftover process.` })
    const signalName = first.signal
    const ended = stop.method === 'taskkill' && rows.some((r) => r.sigtermAtMs !== undefined) ? 'ended by taskkill /T /F: ' : ''
    const sentence = `${ended}${signalName ? `killed by ${signalName}` : `exited with code ${first.exitCode}`} after ${formatSeconds(medianElapsedMs)} (median of ${rows.length}; Python status ${first.pythonStatus ?? '—'})`

    return {
      series: [{ id: 'elapsed', label: 'Spawn request → child gone', samples, warmupSamples: [], summary: summarize(samples.map((s) => s.valueMs)) }],
      comparisons: [],
      timelines: [
        {
          id: 'children',
          title: `Each child from its own start: timeout ${formatDurationMs(timeoutMs)}${ignoresSigterm ? `, SIGKILL ${formatDurationMs(graceMs)} after SIGTERM` : stop.method === 'taskkill' ? ', then taskkill /T /F' : ''}`,
          spans: outcomes.map((o, lane) => spanOf(o, lane, o.startedAtMs, `run ${lane + 1}`)),
        },
      ],
      warnings,
      headline: `A child that would run ${params.seconds} s, timeout ${formatDurationMs(timeoutMs)}: ${sentence}${ignoresSigterm ? `; it ignored SIGTERM and SIGKILL came ${formatDurationMs(graceMs)} later` : ''}; ${zombieCount === 0 ? 'no zombie left' : `${zombieCount} left behind`}`,
      data: {
        argv: [command.file, ...command.args],
        programSource: source,
        ignoresSigterm,
        stop,
        timeoutMs,
        graceMs,
        runs: rows,
        medianElapsedMs,
        medianOvershootMs,
        signal: signalName,
        pythonStatus: first.pythonStatus,
        sentence,
        spawn: spawnAccount([outcomes[0]!], outcomes[0]!.exitedAtMs - outcomes[0]!.startedAtMs),
        zombies: {
          method,
          count: zombieCount,
          sentence:
            zombieCount === 0
              ? `No zombie: each ended child was reaped at once (checked with ${method})${stop.method === 'taskkill' ? '' : ', and nothing was left in its process group'}.`
              : `${zombieCount} of ${rows.length} ended children were still present (checked with ${method}).`,
        },
        ...explainTimeout({ signal: signalName, pythonStatus: first.pythonStatus, ignoresSigterm, timeoutMs, graceMs, medianElapsedMs, runs: rows, stop }),
      },
    }
  },
}
