import { execa } from 'execa'
import { performance } from 'node:perf_hooks'
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
  /** performance.now() when the OS reported the child running. */
  runningAtMs?: number
  /** performance.now() when the child exited (or failed to start). */
  exitedAtMs: number
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
export async function runChild(spec: ChildSpec): Promise<ChildOutcome> {
  const argv = [spec.file, ...(spec.args ?? [])]
  const limit = spec.maxCaptureBytes ?? DEFAULT_MAX_CAPTURE_BYTES
  const startedAtMs = performance.now()
  const subprocess = execa(spec.file, spec.args ?? [], {
    env: spec.env,
    cwd: spec.cwd,
    reject: false,
    buffer: false,
    stdin: spec.input ? 'pipe' : 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    detached: useProcessGroups,
    cleanup: true,
    timeout: spec.timeoutMs,
    cancelSignal: spec.signal,
    forceKillAfterDelay: spec.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
  })
  let runningAtMs: number | undefined
  let exitedAtMs: number | undefined
  subprocess.once('spawn', () => (runningAtMs = performance.now()))
  subprocess.once('exit', () => (exitedAtMs = performance.now()))
  const stdout = capture(subprocess.stdout, limit)
  const stderr = capture(subprocess.stderr, limit)
  if (spec.input && subprocess.stdin) {
    subprocess.stdin.on('error', () => {}) // a child that exits without reading its input is not our failure
    subprocess.stdin.end(spec.input)
  }
  const result = await subprocess
  const pid = subprocess.pid
  killGroup(pid)
  const spawnFailed = runningAtMs === undefined
  const errorCode = (result as { code?: string }).code
  return {
    argv,
    pid,
    startedAtMs,
    runningAtMs,
    exitedAtMs: exitedAtMs ?? performance.now(),
    exitCode: result.exitCode ?? null,
    signal: (result.signal as NodeJS.Signals | undefined) ?? null,
    timedOut: result.timedOut,
    cancelled: result.isCanceled,
    forcedKill: result.isForcefullyTerminated,
    stdout,
    stderr,
    startError: spawnFailed ? startErrorOf(spec.file, errorCode, result.originalMessage ?? result.shortMessage ?? 'unknown error') : undefined,
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
