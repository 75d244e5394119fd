import { formatDurationMs } from '../units'
import { commandTextParam, type CommandFacts } from './command-line'
import { booleanParam, intParam, numberParam, type ParamValues } from './params'
import type { ChildEnd, SpawnAccount, StreamReport } from './processes'

export const captureParamSpecs = {
  command: commandTextParam(
    'echo "Hello from the child"',
    'The command to run. Without shell it is split into words at spaces ("…" and \'…\' group words) and started directly; echo, sleep, true and false have built-in stand-ins where the system lacks them.',
  ),
  shell: booleanParam({ label: 'Use a shell', help: 'Run the command through /bin/sh -c (cmd.exe on Windows), so pipes, redirections and variables work. Off by default: nothing you type is read by a shell.', default: false }),
  timeoutSeconds: numberParam({ label: 'Timeout', help: 'Terminate the child (SIGTERM, then SIGKILL; on Windows taskkill /T /F) if it runs longer than this.', min: 0.01, max: 600, default: 10, step: 0.5, unit: 's' }),
  maxOutputKiB: intParam({ label: 'Output kept', help: 'KiB of each stream (stdout, stderr) kept for display; the rest is counted, not kept.', min: 1, max: 1024, default: 64, unit: 'KiB' }),
  runs: intParam({ label: 'Runs', help: 'How many times to run it; the output and timeline shown are those of the first run.', min: 1, max: 20, default: 1 }),
} as const

export type CaptureParams = ParamValues<typeof captureParamSpecs>

/** The moments of one child's life as the app saw them, in ms since the spawn was requested. */
export interface CapturePhases {
  spawnRequestedMs: 0
  /** The synchronous spawn call returned: the OS had created the process. */
  spawnReturnedMs: number
  /** Node's 'spawn' event. */
  runningMs?: number
  /** The 'exit' event. */
  exitedMs: number
  /** stdout and stderr closed: the last output had arrived. */
  streamsClosedMs: number
  /** When the app asked it to stop (a timeout or cancel). */
  terminationRequestedMs?: number
}

/** Evidence that the app kept working while it waited: it was notified of the exit, it did not poll. */
export interface CaptureWaiting {
  waitedMs: number
  heartbeatIntervalMs: number
  /** Timer ticks that fired while the child ran. */
  heartbeats: number
  /** The latest a tick fired behind its schedule. */
  maxHeartbeatLagMs: number
  /** The system timer's resolution: a tick up to this late is the timer, not a busy app (absent in older results). */
  timerResolutionMs?: number
  /** How late the latest tick was beyond what the timer's resolution explains. */
  lagBeyondTimerMs?: number
  /** CPU the whole app used meanwhile, and that as a share of the wait. */
  appCpuMs: number
  appCpuShare: number
  sentence: string
}

export interface CaptureRunRow {
  run: number
  pid?: number
  totalMs: number
  spawnMs: number
  exitCode: number | null
  signal: string | null
}

/** One moment of the captured child's life, in time order, with what it means. */
export interface CaptureMoment {
  id: 'requested' | 'started' | 'running' | 'termination' | 'exited' | 'closed'
  label: string
  atMs: number
  /** Since the moment before. */
  sinceMs: number
  meaning: string
}

/** How the child ended, as a figure: "Exit code" "0" "success: …", "Signal" "SIGTERM" "no exit code: …". */
export interface EndFigure {
  label: string
  value: string
  note: string
}

export interface CaptureData extends CommandFacts {
  pid?: number
  end: ChildEnd
  endFigure?: EndFigure
  stdout: StreamReport
  stderr: StreamReport
  maxOutputBytes: number
  phases: CapturePhases
  /** The phases in time order, each with the time since the one before and what it means. */
  moments?: CaptureMoment[]
  waiting: CaptureWaiting
  spawn: SpawnAccount
  runs: CaptureRunRow[]
}

export interface HeartbeatFacts {
  waitedMs: number
  intervalMs: number
  timerResolutionMs: number
  heartbeats: number
  maxLagMs: number
}

export interface HeartbeatJudgement {
  /** What the timer really ticks at: the interval, or the system timer where that is coarser. */
  effectiveIntervalMs: number
  expectedTicks: number
  lagBeyondTimerMs: number
  /** "a 5 ms heartbeat ticked 98 times (…)", for the result's sentence. */
  sentence: string
}

/**
 * What the heartbeat says about the app's event loop, allowing for the system timer: on Windows a
 * 5 ms timer ticks about every 15.6 ms, and each tick may come up to that late with nothing busy.
 */
export function judgeHeartbeat(facts: HeartbeatFacts): HeartbeatJudgement {
  const effectiveIntervalMs = Math.max(facts.intervalMs, facts.timerResolutionMs)
  const expectedTicks = Math.floor(facts.waitedMs / effectiveIntervalMs)
  const lagBeyondTimerMs = Math.max(0, facts.maxLagMs - facts.timerResolutionMs)
  const coarse = facts.timerResolutionMs > facts.intervalMs
  const pace = coarse
    ? `${expectedTicks} fit in the wait at the system timer's ${formatDurationMs(facts.timerResolutionMs)} resolution, which is coarser than the ${facts.intervalMs} ms asked for`
    : `${expectedTicks} fit in the wait`
  return {
    effectiveIntervalMs,
    expectedTicks,
    lagBeyondTimerMs,
    sentence:
      `a ${facts.intervalMs} ms heartbeat ticked ${facts.heartbeats} times (${pace}; the latest tick was ${formatDurationMs(facts.maxLagMs)} behind, ` +
      `${lagBeyondTimerMs > 0 ? `${formatDurationMs(lagBeyondTimerMs)} beyond` : 'all of it within'} the ${formatDurationMs(facts.timerResolutionMs)} the system timer itself can be late)`,
  }
}
