import { spawn, type ChildProcess } from 'node:child_process'
import { setMaxListeners } from 'node:events'
import { existsSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import type { Readable, Writable } from 'node:stream'
import type { LabErrorData } from '../../../shared/errors'
import { lowerChildPriority } from './child-priority'
import { carryOutTreeKill, childEnvironment, childrenLeadProcessGroups, exitHookPlans, stopSteps, treeKillPlan, type TreeKillPlan } from './process-tree'

export { killProcessTree } from './process-tree'

export interface ChildSpec {
  file: string
  args?: readonly string[]
  /** Added to the parent's environment (from which ELECTRON_RUN_AS_NODE is dropped unless set here: see childEnvironment). */
  env?: Record<string, string>
  cwd?: string
  /** Stop it after this long (SIGTERM; on Windows taskkill /T /F at once); undefined waits for ever. */
  timeoutMs?: number
  /** After SIGTERM, wait this long before SIGKILL (on Windows: before TerminateProcess, should taskkill have failed). */
  killGraceMs?: number
  /**
   * Windows: hand `args` to the program unquoted, as one command line (what Node's `shell: true`
   * does for cmd.exe, whose /s /c "…" rule reads quotes its own way). Ignored elsewhere.
   */
  windowsVerbatimArguments?: boolean
  /** Bytes of each output stream kept; the rest is counted, not kept. */
  maxCaptureBytes?: number
  signal?: AbortSignal
  /** Bytes written to the child's stdin, which is then closed; otherwise stdin is ignored. */
  input?: Uint8Array
  /**
   * Without `input`: 'ignore' (the default); 'pipe' leaves `RunningChild.stdin` open for the caller;
   * a stream with a file descriptor (another child's stdout) is handed to the child itself, so the
   * kernel pipe goes straight from one child to the other.
   */
  stdin?: 'ignore' | 'pipe' | Readable
  /**
   * 'capture' (the default) keeps a bounded copy; 'caller' hands `RunningChild.stdout` to the caller
   * paused: the caller must resume, pipe or destroy it (or hand it to another child), before the
   * child can exit — once it has, Node drains the stream for its 'close'.
   */
  stdout?: 'capture' | 'caller'
  /**
   * Lower the child's priority to this niceness as soon as it exists, so that even its start-up
   * (a Node child needs ~80 ms of CPU to boot here) leaves the app a core. Best effort: ignored where refused.
   */
  niceness?: number
}

export interface CapturedStream {
  text: string
  bytes: number
  truncated: boolean
}

export interface ChildOutcome {
  argv: string[]
  pid?: number
  /** performance.now() when the spawn was requested. */
  startedAtMs: number
  /** performance.now() when the (synchronous) spawn call returned: the parent was busy starting the child until then. */
  spawnReturnedAtMs: number
  /** performance.now() when the OS reported the child running. */
  runningAtMs?: number
  /** performance.now() when the child exited (or failed to start). */
  exitedAtMs: number
  /** performance.now() when its output streams had closed too: the end as the app saw it. */
  closedAtMs: number
  /** performance.now() when the app asked it to stop (timeout or cancel; SIGTERM). */
  terminationRequestedAtMs?: number
  exitCode: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  cancelled: boolean
  /** It ignored SIGTERM and was killed with SIGKILL after the grace period. */
  forcedKill: boolean
  stdout: CapturedStream
  stderr: CapturedStream
  /** The child could not be started at all (not found, not executable). */
  startError?: LabErrorData
  /** The spawner helper process that started it, when not this process (see spawner-helpers.ts). */
  helperPid?: number
  /** With a helper: when the helper called spawn (startedAtMs is when this process asked the helper). */
  spawnCalledAtMs?: number
  /** With a helper: how it started the child (vfork through the lab's addon, or Node's own spawn). */
  launcher?: ChildLauncher
}

/** 'vfork': the lab's addon (src/native), which copies no page tables; 'node': node:child_process. */
export type ChildLauncher = 'vfork' | 'node'

/** A child started by startChild: its streams where the spec gave them to the caller, and how it ends. */
export interface RunningChild {
  pid?: number
  /** Open when the spec asked for stdin 'pipe'; the caller writes and ends it. */
  stdin: Writable | null
  /** The raw stdout stream when the spec asked for stdout 'caller'. */
  stdout: Readable | null
  outcome: Promise<ChildOutcome>
}

export const DEFAULT_KILL_GRACE_MS = 2000
export const DEFAULT_MAX_CAPTURE_BYTES = 64 * 1024
/** Each child leads its own process group where groups exist, so that its descendants can be ended with it. */
const detachChildren = childrenLeadProcessGroups(process.platform)

function capture(stream: NodeJS.ReadableStream | null, limit: number): CapturedStream {
  const result: CapturedStream = { text: '', bytes: 0, truncated: false }
  const kept: Buffer[] = []
  let keptBytes = 0
  stream?.on('data', (chunk: Buffer) => {
    result.bytes += chunk.length
    if (keptBytes < limit) {
      const piece = chunk.subarray(0, limit - keptBytes)
      kept.push(piece)
      keptBytes += piece.length
    }
    if (result.bytes > limit) result.truncated = true
  })
  stream?.on('end', () => {
    result.text = Buffer.concat(kept).toString('utf8')
  })
  return result
}

/** The mutable part of a child's record while it runs. */
interface ChildLife {
  startedAtMs: number
  spawnReturnedAtMs: number
  runningAtMs?: number
  exitedAtMs?: number
  terminationRequestedAtMs?: number
  exitCode?: number | null
  signal?: NodeJS.Signals | null
  timedOut: boolean
  cancelled: boolean
  forcedKill: boolean
  startError?: LabErrorData
}

/** Children still running: their trees are ended if this process exits first (children are detached, so nothing else would). */
const liveTrees = new Set<number>()
process.once('exit', () => {
  for (const plan of exitHookPlans(process.platform, [...liveTrees], process.env)) carryOutTreeKill(plan, 'sync')
})

/** Kills every child of this process still running, with its descendants: the last step of a shutdown that ran out of time. */
export function killEveryChildTree(): void {
  const pids = [...liveTrees]
  liveTrees.clear()
  for (const plan of exitHookPlans(process.platform, pids, process.env)) carryOutTreeKill(plan)
}

/** The child has exited: ends whatever it left behind (its own children), where the system can still find them. */
function endLeftovers(pid: number | undefined): void {
  if (pid === undefined || !liveTrees.delete(pid)) return
  carryOutTreeKill(treeKillPlan({ platform: process.platform, pid, signal: 'SIGKILL', rootExited: true }))
}

export function startErrorOf(file: string, code: string | undefined, message: string, cwd?: string): LabErrorData {
  if (code === 'ENOENT' && cwd !== undefined && !existsSync(cwd)) {
    return { name: 'LabError', code: 'invalid-params', message: `The working folder "${cwd}" does not exist.` }
  }
  if (code === 'ENOENT') {
    return { name: 'LabError', code: 'program-not-found', message: `The program "${file}" was not found. Check the name, or install it and make sure it is on PATH.` }
  }
  if (code === 'EACCES') {
    return { name: 'LabError', code: 'program-not-found', message: `The program "${file}" is not executable. Check its permissions.` }
  }
  return { name: 'LabError', code: 'internal', message: `The program "${file}" could not be started: ${message}` }
}

/**
 * Runs one child without a shell and reports how it ended; it never throws for the child's sake.
 * Each child leads its own process group, so cancelling or timing out also ends its descendants.
 */
export function runChild(spec: ChildSpec): Promise<ChildOutcome> {
  return startChild(spec).outcome
}

/**
 * Like runChild, but hands the caller the streams it asked for (to pipe children together).
 * Built on node:child_process itself rather than a wrapper: starting children is what the lab
 * measures, and every millisecond of JavaScript around the spawn shows up in its numbers.
 */
export function startChild(spec: ChildSpec): RunningChild {
  const args = spec.args ?? []
  const argv = [spec.file, ...args]
  const limit = spec.maxCaptureBytes ?? DEFAULT_MAX_CAPTURE_BYTES
  const graceMs = spec.killGraceMs ?? DEFAULT_KILL_GRACE_MS
  const stdinOption = spec.input ? 'pipe' : (spec.stdin ?? 'ignore')
  const callerStdout = spec.stdout === 'caller'
  // every running child listens to the run's signal until it ends: hundreds at once are expected, not a leak
  if (spec.signal) setMaxListeners(0, spec.signal)
  const startedAtMs = performance.now()
  let child: ChildProcess
  try {
    child = spawn(spec.file, args, {
      env: childEnvironment(process.env, spec.env),
      cwd: spec.cwd,
      stdio: [stdinOption, 'pipe', 'pipe'],
      detached: detachChildren,
      windowsHide: true,
      windowsVerbatimArguments: spec.windowsVerbatimArguments,
    })
  } catch (error) {
    // invalid arguments (a NUL byte in an argument, say) are refused before any child exists
    const { code, message } = error as NodeJS.ErrnoException
    return { pid: undefined, stdin: null, stdout: null, outcome: Promise.resolve(unstartedOutcome(argv, startedAtMs, startErrorOf(spec.file, code, message))) }
  }
  const spawnReturnedAtMs = performance.now()
  if (spec.niceness !== undefined && child.pid !== undefined) lowerChildPriority(child.pid, spec.niceness, detachChildren)
  const life: ChildLife = { startedAtMs, spawnReturnedAtMs, timedOut: false, cancelled: false, forcedKill: false }
  const stdout = callerStdout ? { text: '', bytes: 0, truncated: false } : capture(child.stdout, limit)
  const stderr = capture(child.stderr, limit)
  if (child.stdin) child.stdin.on('error', () => {}) // a child that exits without reading its input is not our failure
  if (spec.input && child.stdin) child.stdin.end(spec.input)

  let timeoutTimer: NodeJS.Timeout | undefined
  let forceTimer: NodeJS.Timeout | undefined
  // a signal meant for the child alone goes through its handle, which knows whether the pid is still its own
  const take = (plan: TreeKillPlan): void => (plan.kind === 'signal' && plan.target === child.pid ? void child.kill(plan.signal) : carryOutTreeKill(plan))
  const stop = (reason: 'timeout' | 'cancel'): void => {
    if (life.exitedAtMs !== undefined || life.terminationRequestedAtMs !== undefined) return
    if (reason === 'timeout') life.timedOut = true
    else life.cancelled = true
    life.terminationRequestedAtMs = performance.now()
    if (child.pid === undefined) return
    const [first, force] = stopSteps(process.platform, child.pid, graceMs, process.env)
    take(first.plan)
    forceTimer = setTimeout(() => {
      if (force.meansIgnored) life.forcedKill = true
      take(force.plan)
    }, force.afterMs)
  }
  const onAbort = (): void => stop('cancel')
  if (spec.timeoutMs !== undefined) timeoutTimer = setTimeout(() => stop('timeout'), spec.timeoutMs)

  child.once('spawn', () => {
    life.runningAtMs = performance.now()
    if (child.pid !== undefined) liveTrees.add(child.pid)
    if (spec.signal?.aborted) onAbort()
    else spec.signal?.addEventListener('abort', onAbort, { once: true })
  })
  child.on('error', (error: NodeJS.ErrnoException) => {
    if (life.runningAtMs === undefined) life.startError ??= startErrorOf(spec.file, error.code, error.message, spec.cwd)
  })
  child.once('exit', (exitCode, signal) => {
    life.exitedAtMs = performance.now()
    life.exitCode = exitCode
    life.signal = signal
    clearTimeout(timeoutTimer)
    clearTimeout(forceTimer)
    spec.signal?.removeEventListener('abort', onAbort)
    // at once, not after the streams close: a descendant that inherited stdout would keep them open (and us waiting)
    endLeftovers(child.pid)
  })
  const outcome = new Promise<ChildOutcome>((resolve) => {
    child.once('close', () => {
      const closedAtMs = performance.now()
      clearTimeout(timeoutTimer)
      clearTimeout(forceTimer)
      resolve({
        argv,
        pid: child.pid,
        startedAtMs,
        spawnReturnedAtMs,
        runningAtMs: life.runningAtMs,
        exitedAtMs: life.exitedAtMs ?? closedAtMs,
        closedAtMs,
        terminationRequestedAtMs: life.terminationRequestedAtMs,
        exitCode: life.startError ? null : (life.exitCode ?? null),
        signal: life.signal ?? null,
        timedOut: life.timedOut,
        cancelled: life.cancelled,
        forcedKill: life.forcedKill,
        stdout,
        stderr,
        startError: life.runningAtMs === undefined ? (life.startError ?? startErrorOf(spec.file, undefined, 'it did not start')) : undefined,
      })
    })
  })
  return {
    pid: child.pid,
    stdin: spec.input ? null : child.stdin,
    stdout: callerStdout ? child.stdout : null,
    outcome,
  }
}

/** An outcome whose times were taken on another clock, moved by `shiftMs` onto this process's. */
export function shiftedOutcome(outcome: ChildOutcome, shiftMs: number): ChildOutcome {
  const shift = (ms: number): number => ms + shiftMs
  const shiftOptional = (ms: number | null | undefined): number | undefined => (ms === null || ms === undefined ? undefined : shift(ms))
  return {
    ...outcome,
    startedAtMs: shift(outcome.startedAtMs),
    spawnCalledAtMs: shiftOptional(outcome.spawnCalledAtMs),
    spawnReturnedAtMs: shift(outcome.spawnReturnedAtMs),
    runningAtMs: shiftOptional(outcome.runningAtMs),
    exitedAtMs: shift(outcome.exitedAtMs),
    closedAtMs: shift(outcome.closedAtMs),
    terminationRequestedAtMs: shiftOptional(outcome.terminationRequestedAtMs),
  }
}

/** The outcome of a child that never ran: no pid, no exit, only the reason. */
export function unstartedOutcome(argv: string[], atMs: number, startError: LabErrorData): ChildOutcome {
  const empty = (): CapturedStream => ({ text: '', bytes: 0, truncated: false })
  return {
    argv,
    startedAtMs: atMs,
    spawnReturnedAtMs: atMs,
    exitedAtMs: atMs,
    closedAtMs: atMs,
    exitCode: null,
    signal: null,
    timedOut: false,
    cancelled: false,
    forcedKill: false,
    stdout: empty(),
    stderr: empty(),
    startError,
  }
}

/** "exited with code 0", "killed by SIGTERM after timing out": how a child ended, in words. */
export function describeEnd(outcome: ChildOutcome): string {
  if (outcome.startError) return outcome.startError.message
  const how = outcome.signal ? `killed by ${outcome.signal}` : `exited with code ${outcome.exitCode}`
  if (outcome.timedOut) return `${how} after timing out${outcome.forcedKill ? ' (it ignored SIGTERM)' : ''}`
  if (outcome.cancelled) return `${how} when the run was cancelled`
  return how
}
