import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createInterface, type Interface } from 'node:readline'
import { LabError } from '../../../../shared/errors'
import type { PythonInfo } from '../../../../shared/model/machine'
import { msToSeconds } from '../../../../shared/units'
import { fromMonotonicMs, monotonicOffsetMs } from '../../measure/clock'
import { pythonLaunchOf, pythonMissingError } from '../../python/run-script'
import { killProcessTree } from '../process-tree'
import { shiftedOutcome, startErrorOf, unstartedOutcome, type ChildOutcome, type ChildSpec } from '../run-child'

/** What launcher.py reports for a child, its times on the machine's monotonic clock. */
interface PythonOutcome extends Omit<ChildOutcome, 'startError' | 'helperPid' | 'spawnCalledAtMs'> {
  startErrno?: string
  startErrorMessage?: string
}

type FromLauncher =
  | { type: 'ready'; version: string; executable: string }
  | { type: 'started'; id: number; pid: number }
  | { type: 'done'; id: number; outcome: PythonOutcome }

interface Pending {
  argv: string[]
  cwd?: string
  requestedAtMs: number
  pid?: number
  resolve(outcome: ChildOutcome): void
  forget(): void
}

const READY_TIMEOUT_MS = 15_000
const ERRNO_CODES: Record<string, string> = { FileNotFoundError: 'ENOENT', PermissionError: 'EACCES', NotADirectoryError: 'ENOTDIR' }

/**
 * The lessons' own launcher: one python3 running resources/python/launcher.py, which starts each
 * child with subprocess.Popen (vfork on Linux) and reports when it asked, when Popen returned and
 * when the child exited. The lab sends one request per child and puts the reported times on its own
 * clock, so the same timelines and start costs are drawn as for Node's launchers.
 */
export class PythonLauncher {
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  private exited = false
  private readonly clockOffsetMs = monotonicOffsetMs()

  private constructor(
    private readonly child: ChildProcess,
    lines: Interface,
    readonly version: string,
  ) {
    lines.on('line', (line) => this.onLine(line))
    child.once('exit', (code, signal) => {
      this.exited = true
      this.failPending(signal ?? `code ${code}`)
    })
  }

  /** Starts the interpreter and waits until it is ready to start children. */
  static async start(python: PythonInfo, resourcesDir: string): Promise<PythonLauncher> {
    if (!python.found) throw pythonMissingError(python)
    const launch = pythonLaunchOf(python)
    const child = spawn(launch.file, [...launch.args, '-u', join(resourcesDir, 'python', 'launcher.py')], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      windowsHide: true,
    })
    let stderr = ''
    child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-2000)))
    child.stdin!.on('error', () => {}) // an interpreter that died is reported through its exit
    const lines = createInterface({ input: child.stdout! })
    const ready = await new Promise<{ version: string }>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        reject(new LabError('internal', `Python's launcher (${launch.file}) did not start within ${msToSeconds(READY_TIMEOUT_MS)} s.`))
      }, READY_TIMEOUT_MS)
      lines.once('line', (line) => {
        clearTimeout(timer)
        try {
          const message = JSON.parse(line) as FromLauncher
          if (message.type === 'ready') return resolve(message)
        } catch {
          // fall through: not the launcher's greeting
        }
        reject(new LabError('internal', `Python's launcher printed something other than its greeting: ${line.slice(0, 120)}`))
      })
      child.once('error', (error) => {
        clearTimeout(timer)
        reject(new LabError('not-available', `Python (${launch.file}) could not be started to launch children: ${error.message}`))
      })
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        reject(new LabError('internal', `Python's launcher ended before it was ready (${signal ?? `code ${code}`})${stderr.trim() ? `: ${stderr.trim().split('\n').at(-1)}` : '.'}`))
      })
    })
    return new PythonLauncher(child, lines, ready.version)
  }

  /** Runs one child; like runChild, it never rejects for the child's sake. */
  run(spec: ChildSpec): Promise<ChildOutcome> {
    const argv = [spec.file, ...(spec.args ?? [])]
    const requestedAtMs = performance.now()
    if (this.exited) return Promise.resolve(unstartedOutcome(argv, requestedAtMs, { name: 'LabError', code: 'internal', message: "Python's launcher is no longer running." }))
    const id = this.nextId++
    return new Promise<ChildOutcome>((resolve) => {
      const onAbort = (): void => this.send({ type: 'cancel', id })
      spec.signal?.addEventListener('abort', onAbort, { once: true })
      this.pending.set(id, { argv, cwd: spec.cwd, requestedAtMs, resolve, forget: () => spec.signal?.removeEventListener('abort', onAbort) })
      this.send({
        type: 'run',
        id,
        argv,
        env: spec.env ?? null,
        cwd: spec.cwd ?? null,
        timeoutMs: spec.timeoutMs ?? null,
        killGraceMs: spec.killGraceMs ?? null,
        maxCaptureBytes: spec.maxCaptureBytes ?? null,
      })
      if (spec.signal?.aborted) onAbort()
    })
  }

  /** Ends the interpreter: it kills the children it still runs, then exits. */
  async close(): Promise<void> {
    if (this.exited) return
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()))
    this.child.stdin!.end()
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2_000)
    await gone
    clearTimeout(timer)
  }

  private send(message: Record<string, unknown>): void {
    if (!this.exited) this.child.stdin!.write(`${JSON.stringify(message)}\n`)
  }

  private onLine(line: string): void {
    let message: FromLauncher
    try {
      message = JSON.parse(line) as FromLauncher
    } catch {
      return
    }
    if (message.type === 'started') {
      const pending = this.pending.get(message.id)
      if (pending) pending.pid = message.pid
    } else if (message.type === 'done') this.finish(message.id, message.outcome)
  }

  /** Python's outcome on this process's clock; the start is when the lab asked for the child. */
  private finish(id: number, reported: PythonOutcome): void {
    const pending = this.pending.get(id)
    if (!pending) return
    this.pending.delete(id)
    pending.forget()
    const { startErrno, startErrorMessage, ...outcome } = reported
    // launcher.py's times are on the machine's monotonic clock
    const ours = shiftedOutcome(outcome, fromMonotonicMs(0, this.clockOffsetMs))
    pending.resolve({
      ...ours,
      pid: outcome.pid ?? undefined,
      startedAtMs: pending.requestedAtMs,
      spawnCalledAtMs: ours.startedAtMs,
      signal: (outcome.signal as NodeJS.Signals | null) ?? null,
      startError: startErrno ? startErrorOf(outcome.argv[0]!, ERRNO_CODES[startErrno], startErrorMessage ?? startErrno, pending.cwd) : undefined,
    })
  }

  private failPending(how: string): void {
    const now = performance.now()
    for (const [id, pending] of this.pending) {
      this.pending.delete(id)
      pending.forget()
      if (pending.pid !== undefined) killProcessTree(pending.pid)
      pending.resolve({ ...unstartedOutcome(pending.argv, now, { name: 'LabError', code: 'internal', message: `Python's launcher ended unexpectedly (${how}); the lab stopped the children it had started.` }), startedAtMs: pending.requestedAtMs })
    }
  }
}
