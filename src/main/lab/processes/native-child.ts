import { setMaxListeners } from 'node:events'
import { Socket } from 'node:net'
import { constants } from 'node:os'
import { performance } from 'node:perf_hooks'
import type { LabErrorData } from '../../../shared/errors'
import type { LabSpawnAddon, NativeSpawnOptions } from './native-addon'
import { startTurns } from './limit'
import {
  DEFAULT_KILL_GRACE_MS,
  DEFAULT_MAX_CAPTURE_BYTES,
  startErrorOf,
  unstartedOutcome,
  type CapturedStream,
  type ChildOutcome,
} from './run-child'
import { childEnvironment } from './process-tree'
import { monotonicOffsetMs } from '../measure/clock'
import type { HelperChildSpec } from './spawner-protocol'

/** What a native launcher can run: a spawner helper's child (its output captured), with an optional cancel signal. */
export type NativeChildSpec = HelperChildSpec & { signal?: AbortSignal }

/** A spec made ready for the addon once, however many copies of it start. */
type Prepared = { argv: string[]; options: NativeSpawnOptions; refusal?: undefined } | { argv: string[]; options?: undefined; refusal: LabErrorData }

interface NativeExit {
  exitCode: number | null
  signal: NodeJS.Signals | null
  exitedAtMs: number
  stdout: CapturedStream
  stderr: CapturedStream
}

const captured = (kept: Buffer | null, bytes: number): CapturedStream => ({ text: kept?.toString('utf8') ?? '', bytes, truncated: bytes > (kept?.length ?? 0) })

const signalNames = new Map<number, NodeJS.Signals>(Object.entries(constants.signals).map(([name, number]) => [number, name as NodeJS.Signals]))
const NUL = '\u0000'
/** Where an addon keeps its launcher: on the addon object itself, which Node loads once per process however often this module is. */
const LAUNCHER = Symbol.for('concurrency-lab.native-launcher')
const DEFAULT_SEARCH_PATH = '/usr/local/bin:/usr/bin:/bin'

function hasNul(spec: NativeChildSpec): boolean {
  if (spec.file.includes(NUL) || spec.cwd?.includes(NUL)) return true
  if (spec.args?.some((arg) => arg.includes(NUL))) return true
  return spec.env !== undefined && Object.entries(spec.env).some(([name, value]) => name.includes(NUL) || value.includes(NUL))
}

/**
 * Starts children with the lab's vfork addon and keeps every promise runChild makes:
 * bounded capture with counts, timeout → SIGTERM → SIGKILL after the grace period, cancel, a
 * process group per child ended when the child exits (by the addon) or when this process exits,
 * start errors in words, niceness, env added to this process's.
 */
export class NativeLauncher {
  /** The addon has one exit watcher per JavaScript environment, so one launcher per addon. */
  static for(addon: LabSpawnAddon): NativeLauncher {
    const holder = addon as LabSpawnAddon & { [LAUNCHER]?: NativeLauncher }
    holder[LAUNCHER] ??= new NativeLauncher(addon)
    return holder[LAUNCHER]
  }

  private readonly exits = new Map<number, (exit: NativeExit) => void>()
  /** This process's performance.now() plus this is CLOCK_MONOTONIC in ms, the clock of the addon's times. */
  private readonly offsetMs = monotonicOffsetMs()

  private constructor(private readonly addon: LabSpawnAddon) {
    addon.watch((pid, exitCode, signalNumber, exitedAtMonotonicMs, stdout, stdoutBytes, stderr, stderrBytes) => {
      const onExit = this.exits.get(pid)
      this.exits.delete(pid)
      onExit?.({
        exitCode,
        signal: signalNumber === null ? null : (signalNames.get(signalNumber) ?? null),
        exitedAtMs: exitedAtMonotonicMs - this.offsetMs,
        stdout: captured(stdout, stdoutBytes),
        stderr: captured(stderr, stderrBytes),
      })
    })
    // children are in groups of their own, so nothing else would end them if this process went first
    process.once('exit', () => this.killAll())
  }

  /** Ends every child still running with its process group (SIGKILL). */
  killAll(): void {
    this.exits.forEach((_, pid) => this.signal(pid, 'SIGKILL', true))
  }

  /** Signals a child only through the addon, which knows whether its pid is still the child's. */
  private signal(pid: number, signal: NodeJS.Signals, wholeGroup = false): void {
    this.addon.signal(pid, constants.signals[signal], wholeGroup)
  }

  /** Pids of the children still running. */
  running(): number[] {
    return [...this.exits.keys()]
  }

  start(spec: NativeChildSpec): { pid?: number; outcome: Promise<ChildOutcome> } {
    return this.startPrepared(spec, this.prepare(spec))
  }

  /**
   * Starts `count` copies of one child at once, as fast as the system allows: what the spec asks
   * for is checked and turned into the addon's options once, not per child, and the event loop gets
   * a turn once starts have held it for START_TURN_BUDGET_MS (startTurns, as mapLimited). Once the spec's signal aborts no more
   * start; resolves with the outcomes of those that did, in order.
   */
  async startAll(spec: NativeChildSpec, count: number): Promise<ChildOutcome[]> {
    const prepared = this.prepare(spec)
    const outcomes: Promise<ChildOutcome>[] = []
    const turn = startTurns()
    for (let i = 0; i < count && !spec.signal?.aborted; i++) {
      if (i > 0) await turn()
      if (spec.signal?.aborted) break
      outcomes.push(this.startPrepared(spec, prepared).outcome)
    }
    return Promise.all(outcomes)
  }

  /** The addon's options for a spec, or why no child can be started from it. */
  private prepare(spec: NativeChildSpec): Prepared {
    const argv = [spec.file, ...(spec.args ?? [])]
    if (hasNul(spec)) {
      return { argv, refusal: startErrorOf(spec.file, undefined, 'an argument, a variable of its environment or its working folder contains a NUL byte, which no program can be given.') }
    }
    // as runChild: this process's environment plus the spec's, less ELECTRON_RUN_AS_NODE unless the spec sets it
    const env = childEnvironment(process.env, spec.env)
    return {
      argv,
      options: {
        file: spec.file,
        argv,
        env: env ? Object.entries(env).map(([name, value]) => `${name}=${value ?? ''}`) : undefined,
        cwd: spec.cwd,
        // reading process.env goes through the system's environment each time: only a bare name needs the search path
        path: spec.file.includes('/') ? '' : (spec.env?.PATH ?? process.env.PATH ?? DEFAULT_SEARCH_PATH),
        pipeStdin: spec.input !== undefined,
        maxCaptureBytes: spec.maxCaptureBytes ?? DEFAULT_MAX_CAPTURE_BYTES,
        // set in the child before its program runs: once spawn returns, only the addon may touch its pid
        niceness: spec.niceness,
      },
    }
  }

  private startPrepared(spec: NativeChildSpec, { argv, options, refusal }: Prepared): { pid?: number; outcome: Promise<ChildOutcome> } {
    const startedAtMs = performance.now()
    const unstarted = (startError: LabErrorData): { outcome: Promise<ChildOutcome> } => ({ outcome: Promise.resolve({ ...unstartedOutcome(argv, startedAtMs, startError), launcher: 'vfork' }) })
    if (!options) return unstarted(refusal)
    const started = this.addon.spawn(options)
    if ('errorCode' in started) return unstarted(startErrorOf(spec.file, started.errorCode, started.errorMessage, spec.cwd))
    const { pid } = started
    // vfork returns once the child runs the program (or has said why it could not), so it runs from here
    const spawnReturnedAtMs = started.returnedAtMs - this.offsetMs
    return { pid, outcome: this.follow(spec, argv, pid, started.stdin, startedAtMs, spawnReturnedAtMs) }
  }

  private follow(spec: NativeChildSpec, argv: string[], pid: number, stdinFd: number, startedAtMs: number, spawnReturnedAtMs: number): Promise<ChildOutcome> {
    const graceMs = spec.killGraceMs ?? DEFAULT_KILL_GRACE_MS
    if (spec.input !== undefined && stdinFd >= 0) {
      const stdin = new Socket({ fd: stdinFd, readable: false, writable: true })
      stdin.on('error', () => {}) // a child that exits without reading its input is not our failure
      stdin.end(spec.input)
    }
    let exited = false
    let terminationRequestedAtMs: number | undefined
    let timedOut = false
    let cancelled = false
    let forcedKill = false
    let timeoutTimer: NodeJS.Timeout | undefined
    let forceTimer: NodeJS.Timeout | undefined
    // the addon reaps the child only when its exit reaches this thread, so until then its pid is its own
    const stop = (reason: 'timeout' | 'cancel'): void => {
      if (exited || terminationRequestedAtMs !== undefined) return
      if (reason === 'timeout') timedOut = true
      else cancelled = true
      terminationRequestedAtMs = performance.now()
      this.signal(pid, 'SIGTERM')
      forceTimer = setTimeout(() => {
        forcedKill = true
        this.signal(pid, 'SIGKILL')
      }, graceMs)
    }
    const onAbort = (): void => stop('cancel')
    if (spec.timeoutMs !== undefined) timeoutTimer = setTimeout(() => stop('timeout'), spec.timeoutMs)
    if (spec.signal) setMaxListeners(0, spec.signal)
    if (spec.signal?.aborted) onAbort()
    else spec.signal?.addEventListener('abort', onAbort, { once: true })

    // the addon reports a child once it has exited and its output has closed
    return new Promise<ChildOutcome>((resolve) => {
      this.exits.set(pid, (exit) => {
        exited = true
        clearTimeout(timeoutTimer)
        clearTimeout(forceTimer)
        spec.signal?.removeEventListener('abort', onAbort)
        // the exit reaches this thread with the output's end: a stop asked for after the exit itself did not stop it
        if (terminationRequestedAtMs !== undefined && terminationRequestedAtMs > exit.exitedAtMs) {
          terminationRequestedAtMs = undefined
          timedOut = cancelled = forcedKill = false
        }
        resolve({
          argv,
          pid,
          startedAtMs,
          spawnReturnedAtMs,
          runningAtMs: spawnReturnedAtMs,
          exitedAtMs: exit.exitedAtMs,
          closedAtMs: performance.now(),
          terminationRequestedAtMs,
          exitCode: exit.exitCode,
          signal: exit.signal,
          timedOut,
          cancelled,
          forcedKill,
          stdout: exit.stdout,
          stderr: exit.stderr,
          launcher: 'vfork',
        })
      })
    })
  }
}
