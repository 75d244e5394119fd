import { execa } from 'execa'
import { setMaxListeners } from 'node:events'
import { performance } from 'node:perf_hooks'
import type { Readable, Writable } from 'node:stream'
import type { LabErrorData } from '../../../shared/errors'

export interface ChildSpec {
  file: string
  args?: readonly string[]
  /** Added to the parent's environment. */
  env?: Record<string, string>
  cwd?: string
  /** Terminate (SIGTERM) after this long; undefined waits for ever. */
  timeoutMs?: number
  /** After SIGTERM, wait this long before SIGKILL. */
  killGraceMs?: number
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
}

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
const useProcessGroups = process.platform !== 'win32'

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

/** Kills whatever the child left behind in its process group (its own children). */
function killGroup(pid: number | undefined): void {
  if (!useProcessGroups || pid === undefined) return
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    // the group is already gone
  }
}

function startErrorOf(file: string, code: string | undefined, message: string): LabErrorData {
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

/** Like runChild, but hands the caller the streams it asked for (to pipe children together). */
export function startChild(spec: ChildSpec): RunningChild {
  const argv = [spec.file, ...(spec.args ?? [])]
  const limit = spec.maxCaptureBytes ?? DEFAULT_MAX_CAPTURE_BYTES
  const stdinOption = spec.input ? 'pipe' : (spec.stdin ?? 'ignore')
  // every running child listens to the run's signal until it ends: hundreds at once are expected, not a leak
  if (spec.signal) setMaxListeners(0, spec.signal)
  const startedAtMs = performance.now()
  const subprocess = execa(spec.file, spec.args ?? [], {
    env: spec.env,
    cwd: spec.cwd,
    reject: false,
    buffer: false,
    stdin: stdinOption,
    stdout: 'pipe',
    stderr: 'pipe',
    detached: useProcessGroups,
    cleanup: true,
    timeout: spec.timeoutMs,
    cancelSignal: spec.signal,
    forceKillAfterDelay: spec.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
  })
  const spawnReturnedAtMs = performance.now()
  let runningAtMs: number | undefined
  let exitedAtMs: number | undefined
  let closedAtMs: number | undefined
  let terminationRequestedAtMs: number | undefined
  subprocess.once('spawn', () => (runningAtMs = performance.now()))
  subprocess.once('exit', () => {
    exitedAtMs = performance.now()
    // at once, not after the streams close: a descendant that inherited stdout would keep them open (and us waiting)
    killGroup(subprocess.pid)
  })
  subprocess.once('close', () => (closedAtMs = performance.now()))
  // execa's timeout and cancel both stop the child through subprocess.kill(): note when that first happened
  const kill = subprocess.kill.bind(subprocess) as (...args: unknown[]) => boolean
  subprocess.kill = ((...args: unknown[]) => {
    terminationRequestedAtMs ??= performance.now()
    return kill(...args)
  }) as typeof subprocess.kill
  const callerStdout = spec.stdout === 'caller'
  // paused, so that execa (buffer: false) does not start the flow itself and drop what the caller has not read yet
  if (callerStdout) subprocess.stdout?.pause()
  const stdout = callerStdout ? { text: '', bytes: 0, truncated: false } : capture(subprocess.stdout, limit)
  const stderr = capture(subprocess.stderr, limit)
  if (subprocess.stdin) subprocess.stdin.on('error', () => {}) // a child that exits without reading its input is not our failure
  if (spec.input && subprocess.stdin) subprocess.stdin.end(spec.input)

  const outcome = (async (): Promise<ChildOutcome> => {
    const result = await subprocess
    const pid = subprocess.pid
    killGroup(pid)
    const spawnFailed = runningAtMs === undefined
    const errorCode = (result as { code?: string }).code
    const endedAtMs = performance.now()
    return {
      argv,
      pid,
      startedAtMs,
      spawnReturnedAtMs,
      runningAtMs,
      exitedAtMs: exitedAtMs ?? endedAtMs,
      closedAtMs: closedAtMs ?? endedAtMs,
      terminationRequestedAtMs,
      exitCode: result.exitCode ?? null,
      signal: (result.signal as NodeJS.Signals | undefined) ?? null,
      timedOut: result.timedOut,
      cancelled: result.isCanceled,
      forcedKill: result.isForcefullyTerminated,
      stdout,
      stderr,
      startError: spawnFailed ? startErrorOf(spec.file, errorCode, result.originalMessage ?? result.shortMessage ?? 'unknown error') : undefined,
    }
  })()
  return {
    pid: subprocess.pid,
    stdin: spec.input ? null : (subprocess.stdin as Writable | null),
    stdout: callerStdout ? (subprocess.stdout as Readable | null) : null,
    outcome,
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
