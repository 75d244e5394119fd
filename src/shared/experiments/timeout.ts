import { booleanParam, enumParam, intParam, numberParam, type ParamValues } from './params'
import type { SpawnAccount } from './processes'

export const timeoutParamSpecs = {
  seconds: numberParam({ label: 'Child would run', help: 'How long the child sleeps if nobody stops it.', min: 0.1, max: 60, default: 10, step: 1, unit: 's' }),
  timeoutSeconds: numberParam({ label: 'Timeout', help: 'After this long the app terminates the child with SIGTERM (on Windows, which has no signals: taskkill /T /F).', min: 0.01, max: 30, default: 0.1, step: 0.05, unit: 's' }),
  ignoreSigterm: booleanParam({ label: 'Child ignores SIGTERM', help: 'Run a child that ignores SIGTERM (sh -c "trap \'\' TERM; exec sleep …", or a built-in Node program), to see the app escalate to SIGKILL after the grace period. On Windows no child can ignore being stopped, so an ordinary child runs and the result says why.', default: false }),
  graceSeconds: numberParam({ label: 'Grace period', help: 'After SIGTERM, how long the app waits before it sends SIGKILL (not used on Windows, where the first stop is already forced).', min: 0.05, max: 10, default: 0.5, step: 0.05, unit: 's' }),
  program: enumParam({
    label: 'Program',
    help: 'system: the sleep command on PATH; builtin: a tiny Node program that sleeps (works everywhere, but Node needs ~0.1 s to start, so a built-in that ignores SIGTERM may be stopped before it can); auto: system if found, else builtin.',
    options: ['auto', 'system', 'builtin'] as const,
    default: 'auto',
  }),
  runs: intParam({ label: 'Runs', help: 'How many children to time out, one after another.', min: 1, max: 20, default: 3 }),
} as const

export type TimeoutParams = ParamValues<typeof timeoutParamSpecs>

/** Whether the ended child was reaped: read from /proc on Linux, from kill(pid, 0) elsewhere. */
export type ReapState = 'reaped' | 'zombie' | 'alive' | 'unknown'

export interface TimeoutRunRow {
  run: number
  pid?: number
  /** Spawn request → exit, as the app saw it. */
  elapsedMs: number
  /** Elapsed beyond the timeout. */
  overshootMs: number
  /** Spawn request → the app sent SIGTERM. */
  sigtermAtMs?: number
  /** When SIGKILL followed (SIGTERM + the grace period), if it had to. */
  sigkillAtMs?: number
  signal: string | null
  exitCode: number | null
  /** Python's convention: -15 for SIGTERM, -9 for SIGKILL. */
  pythonStatus: number | null
  forcedKill: boolean
  reap: ReapState
  /** Nothing is left in the child's process group (null where the OS has no process groups). */
  groupGone: boolean | null
  /** "killed by SIGTERM after 0.10 s". */
  sentence: string
}

export interface TimeoutData {
  argv: string[]
  programSource: 'system' | 'builtin'
  ignoresSigterm: boolean
  timeoutMs: number
  graceMs: number
  runs: TimeoutRunRow[]
  medianElapsedMs: number
  medianOvershootMs: number
  /** The signal that ended the children (the first run's), and its Python status. */
  signal: string | null
  pythonStatus: number | null
  /** "killed by SIGTERM after 0.10 s (Python status -15)" */
  sentence: string
  zombies: { method: '/proc' | 'kill(pid, 0)'; count: number; sentence: string }
  /** How the app stopped the children on the system it ran on (absent in results saved before it was recorded). */
  stop?: TimeoutStop
  /** How much of the first child's life was the app starting it. */
  spawn: SpawnAccount
  /** Spawn request → SIGTERM (or taskkill), median over the children that were sent it; absent when none was. */
  medianSigtermAtMs?: number
  /** Why the children ended the way they did, from what was measured. */
  explanation?: string
}

/** How the app stops a child at its timeout on one system. */
export interface TimeoutStop {
  /** POSIX: SIGTERM, then SIGKILL after the grace period. Windows: taskkill /T /F at once. */
  method: 'sigterm-then-sigkill' | 'taskkill'
  /** A child can ask for time (handle SIGTERM) or refuse it (ignore SIGTERM) only where this is true. */
  childCanIgnore: boolean
  /** The stop in a sentence, for the result. */
  sentence: string
  /** What the "child ignores SIGTERM" switch did here; only where it cannot mean what it says. */
  ignoreSigtermNote?: string
}

/** Windows ends a process by TerminateProcess with this exit code (taskkill /F, Node's kill, Python's terminate()). */
const WINDOWS_TERMINATE_EXIT_CODE = 1

/**
 * What the timeout lesson can show on this system. Windows has no signals: Node's kill() and
 * taskkill /F both call TerminateProcess, which nothing can catch or delay, so there is no
 * SIGTERM to ignore and no grace period; the child ends with exit code 1 and no signal, and
 * Python's subprocess reports returncode 1 (not -15).
 * `ignoreSigterm` there is run, not refused: the run itself is the lesson (the same at once end
 * either way), and a refusal would hide what Windows does instead.
 */
export function timeoutStopOn(platform: string, ignoreSigterm: boolean): TimeoutStop {
  if (platform !== 'win32') {
    return {
      method: 'sigterm-then-sigkill',
      childCanIgnore: true,
      sentence: 'At its timeout the app sends the child SIGTERM, which it may handle or ignore; SIGKILL follows after the grace period if it is still there.',
    }
  }
  return {
    method: 'taskkill',
    childCanIgnore: false,
    sentence: `Windows has no SIGTERM: at its timeout the app ends the child and everything it started with taskkill /T /F (TerminateProcess), which no program can catch, ignore or delay. So there is no grace period, the child ends with exit code ${WINDOWS_TERMINATE_EXIT_CODE} and no signal, and Python's subprocess would report returncode ${WINDOWS_TERMINATE_EXIT_CODE}, not -15.`,
    ignoreSigtermNote: ignoreSigterm
      ? 'You asked for a child that ignores SIGTERM, but on Windows no child can ignore being stopped, so the lab ran an ordinary sleeping child: it was ended at once, as any child is, with no grace period to wait for.'
      : undefined,
  }
}

/** The facts of one timed-out (or not) child that its sentence needs. */
export interface TimeoutEndFacts {
  timedOut: boolean
  signal: string | null
  exitCode: number | null
  forcedKill: boolean
  pythonStatus: number | null
  elapsedText: string
  graceText: string
}

/** "killed by SIGTERM after 0.10 s (Python status -15)", or what Windows did instead. */
export function timeoutEndSentence(stop: TimeoutStop, facts: TimeoutEndFacts): string {
  const how = facts.signal ? `killed by ${facts.signal}` : `exited with code ${facts.exitCode}`
  const status = facts.pythonStatus === null ? '' : ` (Python status ${facts.pythonStatus})`
  if (!facts.timedOut) return `${how} after ${facts.elapsedText}${status}, before its timeout`
  if (stop.method === 'taskkill') return `ended by taskkill /T /F after ${facts.elapsedText}: ${how}, as TerminateProcess leaves it${status}`
  return `${how} after ${facts.elapsedText}${status}${facts.forcedKill ? `: it ignored SIGTERM, so SIGKILL followed ${facts.graceText} later` : ''}`
}
