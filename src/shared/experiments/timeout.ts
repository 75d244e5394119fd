import { booleanParam, enumParam, intParam, numberParam, type ParamValues } from './params'
import type { SpawnAccount } from './processes'

export const timeoutParamSpecs = {
  seconds: numberParam({ label: 'Child would run', help: 'How long the child sleeps if nobody stops it.', min: 0.1, max: 60, default: 10, step: 1, unit: 's' }),
  timeoutSeconds: numberParam({ label: 'Timeout', help: 'After this long the app terminates the child with SIGTERM.', min: 0.01, max: 30, default: 0.1, step: 0.05, unit: 's' }),
  ignoreSigterm: booleanParam({ label: 'Child ignores SIGTERM', help: 'Run a child that ignores SIGTERM (sh -c "trap \'\' TERM; exec sleep …", or a built-in Node program), to see the app escalate to SIGKILL after the grace period.', default: false }),
  graceSeconds: numberParam({ label: 'Grace period', help: 'After SIGTERM, how long the app waits before it sends SIGKILL.', min: 0.05, max: 10, default: 0.5, step: 0.05, unit: 's' }),
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
  /** How much of the first child's life was the app starting it. */
  spawn: SpawnAccount
}
