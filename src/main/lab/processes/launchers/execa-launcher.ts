import { execa } from 'execa'
import { performance } from 'node:perf_hooks'
import { carryOutTreeKill, childrenLeadProcessGroups, treeKillPlan } from '../process-tree'
import { DEFAULT_KILL_GRACE_MS, DEFAULT_MAX_CAPTURE_BYTES, startErrorOf, type CapturedStream, type ChildOutcome, type ChildSpec } from '../run-child'


function captured(output: unknown, limit: number): CapturedStream {
  const text = typeof output === 'string' ? output : ''
  const bytes = Buffer.byteLength(text)
  return bytes <= limit ? { text, bytes, truncated: false } : { text: Buffer.from(text).subarray(0, limit).toString('utf8'), bytes, truncated: true }
}

/**
 * One child started with execa, in this process, as a Node programmer would write it: `execa(file, args)`
 * with execa's defaults (stdin a pipe, all output buffered and decoded, its own timeout and cancel
 * handling). What the lab adds: reject off (a failure is an outcome here), output kept exact
 * (stripFinalNewline off), and on POSIX a process group per child that is ended when the child
 * exits, so a cancelled child leaves nothing behind, as with the lab's own launchers.
 */
export async function runWithExeca(spec: ChildSpec): Promise<ChildOutcome> {
  const argv = [spec.file, ...(spec.args ?? [])]
  const limit = spec.maxCaptureBytes ?? DEFAULT_MAX_CAPTURE_BYTES
  const startedAtMs = performance.now()
  const subprocess = execa(spec.file, spec.args ?? [], {
    env: spec.env,
    cwd: spec.cwd,
    cancelSignal: spec.signal,
    timeout: spec.timeoutMs,
    forceKillAfterDelay: spec.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
    reject: false,
    stripFinalNewline: false,
    detached: childrenLeadProcessGroups(process.platform),
    windowsHide: true,
  })
  const spawnReturnedAtMs = performance.now()
  let runningAtMs: number | undefined
  let exitedAtMs: number | undefined
  let terminationRequestedAtMs: number | undefined
  subprocess.once('spawn', () => (runningAtMs = performance.now()))
  subprocess.once('exit', () => {
    exitedAtMs = performance.now()
    // whatever the child left in its group (its own children); where there are no groups the plan is to do nothing
    if (subprocess.pid !== undefined) carryOutTreeKill(treeKillPlan({ platform: process.platform, pid: subprocess.pid, signal: 'SIGKILL', rootExited: true }))
  })
  const onStop = (): void => void (terminationRequestedAtMs ??= performance.now())
  spec.signal?.addEventListener('abort', onStop, { once: true })
  const timer = spec.timeoutMs === undefined ? undefined : setTimeout(onStop, spec.timeoutMs)
  const result = await subprocess
  const closedAtMs = performance.now()
  clearTimeout(timer)
  spec.signal?.removeEventListener('abort', onStop)
  const neverRan = runningAtMs === undefined
  return {
    argv,
    pid: subprocess.pid,
    startedAtMs,
    spawnReturnedAtMs,
    runningAtMs,
    exitedAtMs: exitedAtMs ?? closedAtMs,
    closedAtMs,
    terminationRequestedAtMs: result.timedOut || result.isCanceled ? terminationRequestedAtMs : undefined,
    exitCode: neverRan ? null : (result.exitCode ?? null),
    signal: (result.signal as NodeJS.Signals | undefined) ?? null,
    timedOut: result.timedOut,
    cancelled: result.isCanceled,
    forcedKill: result.isForcefullyTerminated,
    stdout: captured(result.stdout, limit),
    stderr: captured(result.stderr, limit),
    startError: neverRan ? startErrorOf(spec.file, result.code, result.originalMessage ?? result.message ?? 'it did not start', spec.cwd) : undefined,
  }
}
