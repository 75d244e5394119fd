import { constants } from 'node:os'
import { median } from 'simple-statistics'
import type { TimelineSpan } from '../../../shared/model/result'
import type { ChildEnd, SpawnAccount } from '../../../shared/experiments/processes'
import { formatDurationMs, formatPercent } from '../../../shared/units'
import type { ChildOutcome } from './run-child'

/**
 * One child on a timeline, in ms since `originMs`. `runningMs` is when the spawn call returned:
 * by then the OS has created the child and started its program (Node's 'spawn' event only
 * reports it on the next tick, which for children started together comes after the last one).
 */
export function spanOf(outcome: ChildOutcome, lane: number, originMs: number, label?: string): TimelineSpan {
  const failed = outcome.startError !== undefined || outcome.exitCode !== 0
  return {
    lane,
    label: `${label ?? `child ${lane + 1}`}${outcome.pid ? ` (pid ${outcome.pid})` : ''}`,
    startMs: outcome.startedAtMs - originMs,
    runningMs: outcome.runningAtMs === undefined ? undefined : Math.min(outcome.spawnReturnedAtMs, outcome.runningAtMs) - originMs,
    endMs: outcome.exitedAtMs - originMs,
    outcome: outcome.cancelled ? 'cancelled' : outcome.signal ? 'killed' : failed ? 'failed' : 'exited',
    detail: childEnd(outcome).sentence,
  }
}

/** The time spent inside the spawn call, per child: the app's, or a spawner helper's. */
export const spawnCostMs = (outcome: ChildOutcome): number => outcome.spawnReturnedAtMs - (outcome.spawnCalledAtMs ?? outcome.startedAtMs)

/**
 * How much of a trial's wall time was starting children, in a sentence. `startedBy` names the other
 * process that made the spawn calls when it is not a spawner helper (Python's launcher).
 */
export function spawnAccount(outcomes: readonly ChildOutcome[], wallMs: number, startedBy?: string): SpawnAccount {
  if (outcomes.length === 0) return { children: 0, wallMs, spawningMs: 0, perChildMs: 0, startStaggerMs: 0, share: 0, sentence: 'No child was started.' }
  const costs = outcomes.map(spawnCostMs)
  const spawningMs = costs.reduce((sum, c) => sum + c, 0)
  const starts = outcomes.map((o) => o.startedAtMs)
  const startStaggerMs = Math.max(...starts) - Math.min(...starts)
  const perChildMs = median(costs)
  const children = outcomes.length
  const helpers = new Set(outcomes.map((o) => o.helperPid).filter((pid) => pid !== undefined)).size
  const elsewhere = startedBy ?? (helpers === 0 ? undefined : helpers === 1 ? 'A spawner helper process' : `${helpers} spawner helper processes`)
  const { share, sentence } = elsewhere ? startedElsewhere(outcomes, wallMs, elsewhere, perChildMs) : startedByTheApp(children, wallMs, spawningMs, perChildMs, startStaggerMs)
  return { children, wallMs, spawningMs, perChildMs, startStaggerMs, share, sentence }
}

/** The app's own thread made each spawn call, one after another: that time is the share. */
function startedByTheApp(children: number, wallMs: number, spawningMs: number, perChildMs: number, startStaggerMs: number): Pick<SpawnAccount, 'share' | 'sentence'> {
  const share = wallMs > 0 ? Math.min(1, spawningMs / wallMs) : 0
  const stagger = children > 1 ? `; the last child was asked for ${formatDurationMs(startStaggerMs)} after the first` : ''
  return {
    share,
    sentence: `Starting ${children === 1 ? 'the child' : `the ${children} children`} kept the app busy for ${formatDurationMs(spawningMs)}${children > 1 ? ` (median ${formatDurationMs(perChildMs)} each, one after another)` : ''}: ${formatPercent(share, 0)} of the ${formatDurationMs(wallMs)} wall time${stagger}.`,
  }
}

/** Another process started them (spawner helpers, side by side, or Python): from asking to running, overlapping starts counted once. */
function startedElsewhere(outcomes: readonly ChildOutcome[], wallMs: number, who: string, perChildMs: number): Pick<SpawnAccount, 'share' | 'sentence'> {
  const children = outcomes.length
  const startingMs = unionLengthMs(outcomes.map((o) => [o.startedAtMs, o.spawnReturnedAtMs] as const))
  const askToRunning = median(outcomes.map((o) => o.spawnReturnedAtMs - o.startedAtMs))
  const lastRunning = Math.max(...outcomes.map((o) => o.spawnReturnedAtMs)) - Math.min(...outcomes.map((o) => o.startedAtMs))
  const share = wallMs > 0 ? Math.min(1, startingMs / wallMs) : 0
  return {
    share,
    sentence: `${who} started ${children === 1 ? 'the child' : `the ${children} children`}, so the app's own thread never waited on a fork: ${formatDurationMs(askToRunning)} ${children === 1 ? '' : 'median '}from asking to running (${formatDurationMs(perChildMs)} inside the spawn call)${children > 1 ? `; the last child was running ${formatDurationMs(lastRunning)} after the first was asked for` : ''}. Starting took ${formatDurationMs(startingMs)} of the ${formatDurationMs(wallMs)} wall time (${formatPercent(share, 0)}).`,
  }
}

function signalNumber(signal: string | null): number | null {
  if (!signal) return null
  return (constants.signals as Record<string, number>)[signal] ?? null
}

/** How the child ended, with Python's status convention (-15 for SIGTERM) and the time it took. */
export function childEnd(outcome: ChildOutcome): ChildEnd {
  const elapsed = formatDurationMs(outcome.exitedAtMs - outcome.startedAtMs)
  if (outcome.startError) return { kind: 'not-started', exitCode: null, signal: null, pythonStatus: null, sentence: outcome.startError.message }
  const number = signalNumber(outcome.signal)
  const pythonStatus = outcome.signal ? (number === null ? null : -number) : outcome.exitCode
  const how = outcome.signal ? `killed by ${outcome.signal} after ${elapsed}` : `exited with code ${outcome.exitCode} after ${elapsed}`
  if (outcome.timedOut) {
    return { kind: 'timed-out', exitCode: outcome.exitCode, signal: outcome.signal, pythonStatus, sentence: `${how}: it ran past its timeout${outcome.forcedKill ? ' and ignored SIGTERM, so SIGKILL followed after the grace period' : ''}` }
  }
  if (outcome.cancelled) return { kind: 'cancelled', exitCode: outcome.exitCode, signal: outcome.signal, pythonStatus, sentence: `${how}, when the run was cancelled` }
  return { kind: outcome.signal ? 'killed' : 'exited', exitCode: outcome.exitCode, signal: outcome.signal, pythonStatus, sentence: how }
}

/** The length of the union of [start, end] intervals, in ms. */
function unionLengthMs(intervals: readonly (readonly [number, number])[]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0])
  let total = 0
  let end = -Infinity
  for (const [from, to] of sorted) {
    if (to <= end) continue
    total += to - Math.max(from, end)
    end = to
  }
  return total
}
