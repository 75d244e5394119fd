import { fork, type ChildProcess } from 'node:child_process'
import { setMaxListeners } from 'node:events'
import { availableParallelism } from 'node:os'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { LabError } from '../../../shared/errors'
import { msToSeconds } from '../../../shared/units'
import { monotonicOffsetMs } from '../measure/clock'
import { electronVersions } from '../runtime'
import { loadNativeSpawnAddon, type LauncherChoice } from './native-addon'
import { NativeLauncher } from './native-child'
import { mapLimited } from './limit'
import { carryOutTreeKill, killProcessTree, treeKillPlan } from './process-tree'
import { shiftedOutcome, unstartedOutcome, type ChildOutcome, type ChildSpec } from './run-child'
import type { PipelineWork, PipelineWorkResult } from './pipeline-work'
import { helperSpecOf, type FromSpawner, type HelperChildSpec, type ToSpawner } from './spawner-protocol'

/** Helpers started at most: enough to start children on several cores at once, few enough to stay cheap (~45 MB resident each, measured). */
const MAX_SPAWNER_HELPERS = 4
const READY_TIMEOUT_MS = 15_000
const CLOSE_GRACE_MS = 2_000

/** What a helper answers a request with: a child's outcome, or a pipeline experiment's work. */
type Answer = Extract<FromSpawner, { type: 'done' | 'pipelineWorkDone' }>

interface Pending {
  /** The children the helper said it started for this request (a pipeline trial has several), while they may run. */
  pids: number[]
  /** Settles the request with the helper's answer. */
  settle(answer: Answer): void
  /** Settles it when the helper ended before answering (its children were ended already). */
  fail(how: string): void
  forget(): void
}

interface Helper {
  process: ChildProcess
  ready: Promise<void>
  /** Add to the helper's performance.now() to get this process's. */
  clockShiftMs: number
  pending: Map<number, Pending>
  exited: boolean
  /** Told by the helper when ready. */
  launcher?: LauncherChoice
  /** Messages for the helper not yet sent: a burst goes as one batch, at the end of this turn. */
  outbox: ToSpawner[]
}

export interface SpawnerHelpersOptions {
  /** The built helper program (`<out>/main/workers/spawner.js`). */
  script: string
  count?: number
  /**
   * The lab's vfork addon (nativeSpawnAddonPath): on Linux the helpers start children with it
   * when it is built and loads; otherwise, and without this, with Node's own spawn.
   */
  nativeSpawnAddon?: string
  /**
   * Start single children with the vfork addon from this process itself, where it loads: vfork
   * copies nothing, so the size of this process does not matter, and the hop to a helper (two
   * messages and a Node process's work per child) is saved. Pipelines still run in the helpers.
   */
  vforkHere?: boolean
}

/** Starting children from the lab's own process with vfork: the launcher, and the sentence that says so. */
interface StartingHere {
  launcher: NativeLauncher
  choice: LauncherChoice
}

const VFORK_HERE_REASON =
  "Children start with vfork from the lab's own process (the lab's addon), as CPython starts them: nothing is copied, however big the process, and no helper process stands in between."

function startingHere(options: SpawnerHelpersOptions): StartingHere | undefined {
  if (!options.vforkHere) return undefined
  const { addon } = loadNativeSpawnAddon(options.nativeSpawnAddon)
  return addon ? { launcher: NativeLauncher.for(addon), choice: { launcher: 'vfork', reason: VFORK_HERE_REASON, fromLabProcess: true } } : undefined
}

function refuseHandedStreams({ stdin, stdout }: ChildSpec): void {
  if ((stdin !== undefined && stdin !== 'ignore') || stdout === 'caller') throw new Error('A spawner helper cannot hand over streams; use startChild for that.')
}

/**
 * Ends a helper that did not go by itself. A helper leads no process group (POSIX: SIGKILL to it,
 * and its exit hook cannot run, so failPending ends its children); on Windows taskkill /T ends
 * the helper and the children it started together.
 */
function killHelper(child: ChildProcess): void {
  if (child.pid === undefined) return
  const plan = treeKillPlan({ platform: process.platform, pid: child.pid, signal: 'SIGKILL', env: process.env, leadsGroup: false })
  if (plan.kind === 'signal') child.kill(plan.signal)
  else carryOutTreeKill(plan)
}

/**
 * Small helper processes that start the lab's children, so that the process hosting the lab
 * (the big Electron main process, or the CLI) never forks for them: its event loop stays free
 * and each spawn costs what it costs in a small process, several at once on several cores.
 * Where the vfork addon loads (Linux) and `vforkHere` is set, single children start from this
 * process instead, without a fork to avoid; pipelines still run whole in a helper.
 */
export class SpawnerHelpers {
  readonly count: number
  private helpers: Helper[] = []
  private nextId = 1
  private nextHelper = 0
  private closed = false
  private starting: Promise<void> | undefined
  private readonly here: StartingHere | undefined

  constructor(private readonly options: SpawnerHelpersOptions) {
    this.count = Math.max(1, Math.min(options.count ?? availableParallelism(), MAX_SPAWNER_HELPERS))
    this.here = startingHere(options)
  }

  /** Starts the helpers that are not running; resolves when all are ready to start children. */
  async ready(): Promise<void> {
    if (this.closed) throw new LabError('internal', 'The spawner helpers were closed with the lab.')
    this.starting ??= this.startMissing().finally(() => (this.starting = undefined))
    await this.starting
    await Promise.all(this.helpers.map((helper) => helper.ready))
  }

  /** Forking a helper holds this thread as any spawn does: one per turn of the event loop. */
  private async startMissing(): Promise<void> {
    this.helpers = this.helpers.filter((helper) => !helper.exited)
    let first = true
    while (this.helpers.length < this.count && !this.closed) {
      if (!first) await nextTurn()
      first = false
      this.helpers.push(this.startHelper())
    }
  }

  /** Runs one child in the least busy helper; like runChild, it never rejects for the child's sake. */
  async run(spec: ChildSpec): Promise<ChildOutcome> {
    const { signal } = spec
    refuseHandedStreams(spec)
    if (this.here) return this.startingHere().launcher.start({ ...helperSpecOf(spec), signal }).outcome
    const requestedAtMs = performance.now()
    const argv = [spec.file, ...(spec.args ?? [])]
    const childSpec: HelperChildSpec = helperSpecOf(spec)
    return this.request(signal, (helper, resolve) => ({
      message: (id) => ({ type: 'run', id, spec: childSpec }),
      settle: (answer) => {
        if (answer.type === 'done') resolve({ ...this.onOurClock(helper, answer.outcome), startedAtMs: requestedAtMs, spawnCalledAtMs: answer.outcome.startedAtMs + helper.clockShiftMs })
      },
      fail: (how) => {
        const message = `The helper process that started this child ended unexpectedly (${how}); the lab stopped the child and its descendants.`
        resolve({ ...unstartedOutcome(argv, performance.now(), { name: 'LabError', code: 'internal', message }), startedAtMs: requestedAtMs, helperPid: helper.process.pid })
      },
    }))
  }

  /**
   * Starts `count` copies of one child all at once and resolves with their outcomes, in order.
   * Started here (vfork), the copies share one preparation and one start loop; through the
   * helpers, each is a request of its own. Once the spec's signal aborts no more start.
   */
  async runAll(spec: ChildSpec, count: number): Promise<ChildOutcome[]> {
    if (!this.here) return mapLimited(count, count, () => this.run(spec), spec.signal)
    refuseHandedStreams(spec)
    return this.startingHere().launcher.startAll({ ...helperSpecOf(spec), signal: spec.signal }, count)
  }

  private startingHere(): StartingHere {
    if (this.closed || !this.here) throw new LabError('internal', 'The spawner helpers were closed with the lab.')
    return this.here
  }

  /**
   * A pipeline experiment's work, done whole in a helper (see pipeline-work.ts), its times put on
   * this process's clock. Rejects with the helper's sentence, or when the helper ends first.
   */
  runPipelineWork(work: PipelineWork, signal?: AbortSignal): Promise<PipelineWorkResult> {
    return this.request<PipelineWorkResult>(signal, (helper, resolve, reject) => ({
      message: (id) => ({ type: 'pipelineWork', id, work }),
      settle: (answer) => {
        if (answer.type !== 'pipelineWorkDone') return
        if (answer.error || !answer.result) return reject(new LabError(answer.error?.code ?? 'internal', answer.error?.message ?? 'The spawner helper answered without a result.'))
        const result = answer.result
        if (result.kind === 'reference') return resolve(result)
        const runs = result.runs.map((run) => ({ ...run, encrypt: this.onOurClock(helper, run.encrypt), hash: this.onOurClock(helper, run.hash) }))
        resolve({ ...result, runs, originMs: result.originMs + helper.clockShiftMs })
      },
      fail: (how) => reject(new LabError('internal', `The helper process running the pipelines ended unexpectedly (${how}); the lab stopped the children it had started.`)),
    }))
  }

  /** Sends one request to the least busy helper and settles it with that helper's answer, or its death. */
  private async request<T>(
    signal: AbortSignal | undefined,
    handling: (helper: Helper, resolve: (value: T) => void, reject: (error: Error) => void) => { message(id: number): ToSpawner; settle(answer: Answer): void; fail(how: string): void },
  ): Promise<T> {
    if (this.helpers.length < this.count || this.helpers.some((helper) => helper.exited)) await this.ready()
    const helper = this.leastBusy()
    await helper.ready
    if (helper.exited) return this.request(signal, handling) // it died meanwhile: ready() replaces it
    const id = this.nextId++
    const send = (message: ToSpawner): void => this.post(helper, message)
    return new Promise<T>((resolve, reject) => {
      const { message, settle, fail } = handling(helper, resolve, reject)
      const onAbort = (): void => send({ type: 'cancel', id })
      if (signal) setMaxListeners(0, signal)
      signal?.addEventListener('abort', onAbort, { once: true })
      helper.pending.set(id, { pids: [], settle, fail, forget: () => signal?.removeEventListener('abort', onAbort) })
      this.refWhileBusy(helper)
      send(message(id))
      if (signal?.aborted) onAbort()
    })
  }

  /** A child's outcome from a helper, on this process's clock. */
  private onOurClock(helper: Helper, outcome: ChildOutcome): ChildOutcome {
    return { ...shiftedOutcome(outcome, helper.clockShiftMs), helperPid: helper.process.pid }
  }

  /**
   * Ends the helpers (each ends the children it still runs) and waits until they have gone.
   * `force` kills them at once: the children they had reported are then ended by this process.
   */
  async close({ force = false } = {}): Promise<void> {
    this.closed = true
    // as a helper going away ends its children, so do the ones started here
    this.here?.launcher.killAll()
    const helpers = this.helpers.splice(0)
    await Promise.all(
      helpers.map(async (helper) => {
        if (helper.exited) return
        const exited = new Promise<void>((resolve) => helper.process.once('exit', () => resolve()))
        if (force) killHelper(helper.process)
        else if (helper.process.connected) helper.process.disconnect()
        const timer = setTimeout(() => killHelper(helper.process), CLOSE_GRACE_MS)
        await exited
        clearTimeout(timer)
      }),
    )
  }

  /** How single children are started (from here, or by each ready helper), and why. */
  launchers(): LauncherChoice[] {
    if (this.here) return [this.here.choice]
    return this.helpers.filter((helper) => !helper.exited && helper.launcher).map((helper) => helper.launcher!)
  }

  /** Pids of the children the helpers have said they started and that have not ended yet. */
  childPids(): number[] {
    const fromHelpers = this.helpers.flatMap((helper) => [...helper.pending.values()].flatMap((pending) => pending.pids))
    return [...(this.here?.launcher.running() ?? []), ...fromHelpers]
  }

  /** Pids of the running helpers (their own children are the lab's children). */
  pids(): number[] {
    return this.helpers.filter((helper) => !helper.exited && helper.process.pid !== undefined).map((helper) => helper.process.pid!)
  }

  private post(helper: Helper, message: ToSpawner): void {
    helper.outbox.push(message)
    if (helper.outbox.length === 1) setImmediate(() => this.flush(helper))
  }

  private flush(helper: Helper): void {
    const messages = helper.outbox.splice(0)
    // a helper that is going away drops the messages; its exit then settles what it had (failPending)
    if (messages.length === 0 || helper.exited || !helper.process.connected) return
    const message: ToSpawner = messages.length === 1 ? messages[0]! : { type: 'batch', messages }
    helper.process.send(message, undefined, undefined, () => {})
  }

  private leastBusy(): Helper {
    const live = this.helpers.filter((helper) => !helper.exited)
    // ties go round-robin, so that a burst spreads evenly over the helpers
    const start = this.nextHelper++ % live.length
    let best = live[start]!
    for (let i = 1; i < live.length; i++) {
      const candidate = live[(start + i) % live.length]!
      if (candidate.pending.size < best.pending.size) best = candidate
    }
    return best
  }

  private startHelper(): Helper {
    const child = fork(this.options.script, this.options.nativeSpawnAddon === undefined ? [] : [this.options.nativeSpawnAddon], {
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      execArgv: [],
      // in the desktop app, process.execPath is Electron: it runs the helper as plain Node
      env: electronVersions() ? { ...process.env, ELECTRON_RUN_AS_NODE: '1' } : undefined,
    })
    const helper: Helper = { process: child, ready: Promise.resolve(), clockShiftMs: 0, pending: new Map(), exited: false, outbox: [] }
    helper.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        killHelper(child)
        reject(new LabError('internal', `A spawner helper process did not start within ${msToSeconds(READY_TIMEOUT_MS)} s.`))
      }, READY_TIMEOUT_MS)
      const receive = (message: FromSpawner): void => {
        if (message.type === 'batch') message.messages.forEach(receive)
        else if (message.type === 'ready') {
          clearTimeout(timer)
          helper.clockShiftMs = message.monotonicOffsetMs - monotonicOffsetMs()
          helper.launcher = message.launcher
          this.refWhileBusy(helper)
          resolve()
        } else if (message.type === 'started') {
          const pending = helper.pending.get(message.id)
          if (pending) pending.pids.push(message.pid)
        } else this.finish(helper, message)
      }
      child.on('message', receive)
      child.on('error', (error) => {
        clearTimeout(timer)
        reject(new LabError('internal', `A spawner helper process could not be started: ${error.message}`))
      })
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        helper.exited = true
        reject(new LabError('internal', `A spawner helper process (${this.options.script}) exited before it was ready (${signal ?? `code ${code}`}). Is the app's build complete?`))
        this.failPending(helper, signal ?? `code ${code}`)
      })
    })
    helper.ready.catch(() => {}) // whoever awaits it sees the failure; an unawaited one must not crash the app
    return helper
  }

  /** The helper's answer to a request: settled once, after which the request no longer keeps this process alive. */
  private finish(helper: Helper, answer: Answer): void {
    const pending = helper.pending.get(answer.id)
    if (!pending) return
    helper.pending.delete(answer.id)
    pending.forget()
    this.refWhileBusy(helper)
    pending.settle(answer)
  }

  private failPending(helper: Helper, how: string): void {
    for (const [id, pending] of helper.pending) {
      helper.pending.delete(id)
      pending.forget()
      // a helper that could not clean up (killed) leaves its children to us: each leads its own process group, or taskkill finds its tree
      pending.pids.forEach((pid) => killProcessTree(pid))
      pending.fail(how)
    }
  }

  /** A helper keeps this process alive only while it runs a child for it (the CLI exits once its work is done). */
  private refWhileBusy(helper: Helper): void {
    if (helper.exited) return
    const channel = helper.process.channel as { ref(): void; unref(): void } | undefined
    if (helper.pending.size > 0) {
      helper.process.ref()
      channel?.ref()
    } else {
      helper.process.unref()
      channel?.unref()
    }
  }
}
