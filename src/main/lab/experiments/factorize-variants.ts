import { median } from 'simple-statistics'
import { performance } from 'node:perf_hooks'
import { LabError, cancelledError } from '../../../shared/errors'
import type { FactorizeStrategy } from '../../../shared/experiments/threads'
import { firstDifference } from '../../../shared/factorize'
import { balancedShares } from '../../../shared/stats/scaling'
import { fromMonotonicMs, monotonicOffsetMs } from '../measure/clock'
import type { Trial, Variant } from '../measure/interleave'
import { runAll } from '../pool/run-all'
import { WorkerPool } from '../pool/worker-pool'
import { nodeScriptCommand } from '../processes/node-program'
import { describeEnd, type ChildOutcome, type ChildSpec } from '../processes/run-child'
import type { FactorizeChildReply } from '../workers/factorize-child.worker'
import type { ComputeTasks } from '../workers/compute-tasks'
import { BACKGROUND_NICENESS } from '../workers/priority'

/** The Node strategies of the factorize experiment, each a variant measured by measureInterleaved. */

/** Who ran when is recorded in one traced trial apart (factorize-traced.ts); a measured trial keeps only its start-up. */
export interface FactorizeTrialDetail {
  /** Start-up inside this trial: a fresh pool (with includeStartup) or the children's Node start-up. */
  startupMs?: number
}

export interface FactorizeVariant extends Variant<FactorizeTrialDetail> {
  strategy: FactorizeStrategy
  workers: number
}

/**
 * The pool sends a busy thread its next task ahead (while many wait), so a thread never idles
 * waiting for the main thread to answer: on a VM that wakes idle cores slowly, that wait is
 * 0.1–0.2 ms per task.
 */
export const TASKS_PER_THREAD = 2

/** Trial divisions between two yields of an interleaved async task (about half a millisecond of work). */
export const INTERLEAVE_SLICE = 1 << 18
export const CHILD_OUTPUT_LIMIT_BYTES = 32 * 1024 * 1024

/** Holds the serial reference and fails loudly when any strategy finds other divisors. */
export class DivisorChecker {
  comparedRuns = 0
  private readonly expected: (readonly number[])[]

  constructor(
    private readonly tasks: readonly number[],
    referenceOfList: readonly (readonly number[])[],
  ) {
    this.expected = tasks.map((_, i) => referenceOfList[i % referenceOfList.length]!)
  }

  check(label: string, found: readonly (readonly number[])[]): void {
    const at = firstDifference(this.expected, found)
    if (at >= 0) {
      throw new LabError(
        'internal',
        `${label} found the divisors of ${this.tasks[at]} to be ${found[at]?.join(', ') ?? 'missing'}, but serial found ${this.expected[at]?.join(', ')}: every strategy must find the same divisors, so this run is void.`,
      )
    }
    this.comparedRuns++
  }
}

export interface FactorizeVariantContext {
  pool: WorkerPool<ComputeTasks>
  workerFile: string
  childScript: string
  /** Runs a child process (through the lab's spawner helpers). */
  runChild(spec: ChildSpec): Promise<ChildOutcome>
  /** Every number of the run, in order. */
  tasks: number[]
  taskWork: number[]
  /** The same numbers grouped into the pool's tasks (see numbersPerTask). */
  poolTasks: number[][]
  checker: DivisorChecker
  includeStartup: boolean
}

export function serialVariant(ctx: FactorizeVariantContext): FactorizeVariant {
  return {
    id: 'serial',
    label: 'Serial (one thread)',
    strategy: 'serial',
    workers: 1,
    async run(signal): Promise<Trial<FactorizeTrialDetail>> {
      const originMs = performance.now()
      const run = await ctx.pool.run('factorizeList', ctx.tasks, { signal })
      const valueMs = performance.now() - originMs
      ctx.checker.check('Serial', run.value.divisors)
      return { valueMs, detail: {} }
    },
  }
}

export function concurrentVariant(ctx: FactorizeVariantContext, lanes: number): FactorizeVariant {
  const label = `Concurrent: ${lanes} async task${lanes === 1 ? '' : 's'} on one thread`
  return {
    id: `concurrent-${lanes}`,
    label,
    strategy: 'concurrent',
    workers: lanes,
    async run(signal) {
      const originMs = performance.now()
      const run = await ctx.pool.run('factorizeInterleaved', { numbers: ctx.tasks, lanes, sliceTrialDivisions: INTERLEAVE_SLICE }, { signal })
      const valueMs = performance.now() - originMs
      ctx.checker.check(label, run.value.divisors)
      return { valueMs, detail: {} }
    },
  }
}

export function threadsVariant(ctx: FactorizeVariantContext, workers: number): FactorizeVariant {
  const label = `${workers} worker thread${workers === 1 ? '' : 's'}`
  return {
    id: `threads-${workers}`,
    label,
    strategy: 'threads',
    workers,
    async run(signal) {
      const originMs = performance.now()
      const pool = ctx.includeStartup ? new WorkerPool<ComputeTasks>({ filename: ctx.workerFile, size: workers, name: 'compute', tasksPerThread: TASKS_PER_THREAD }) : ctx.pool
      // The warm pool works with exactly `workers` threads; the others wait parked, still warm.
      if (!ctx.includeStartup) ctx.pool.resize(workers, { park: true })
      try {
        const startupMs = ctx.includeStartup ? (await pool.ready()).allReadyMs : undefined
        const runs = await runAll(pool, 'factorizeList', ctx.poolTasks, { signal })
        const valueMs = performance.now() - originMs
        ctx.checker.check(label, runs.flatMap((r) => r.value.divisors))
        return { valueMs, detail: { startupMs } }
      } finally {
        if (ctx.includeStartup) await pool.destroy()
      }
    },
  }
}

function childFailure(outcome: ChildOutcome): LabError {
  if (outcome.startError) return new LabError(outcome.startError.code ?? 'internal', outcome.startError.message)
  const stderr = outcome.stderr.text.trim().split('\n').at(-1)
  return new LabError('internal', `A factorize child process ${describeEnd(outcome)}${stderr ? `: ${stderr}` : '.'}`)
}

/** What a factorize child printed; throws when it failed or printed something else. */
export function childReply(outcome: ChildOutcome): FactorizeChildReply {
  if (outcome.exitCode !== 0 || outcome.startError) throw childFailure(outcome)
  try {
    return JSON.parse(outcome.stdout.text) as FactorizeChildReply
  } catch {
    throw new LabError('internal', `A factorize child process printed something that is not its result (${outcome.stdout.text.slice(0, 80) || 'nothing'}).`)
  }
}

/** The numbers of each child: shares of about equal work (children that would get none are left out). */
export const childShares = (taskWork: readonly number[], workers: number): number[][] => balancedShares(taskWork, workers).filter((share) => share.length > 0)

export function processesVariant(ctx: FactorizeVariantContext, workers: number): FactorizeVariant {
  const label = `${workers} child process${workers === 1 ? '' : 'es'}`
  const shares = childShares(ctx.taskWork, workers)
  const inputs = shares.map((share) => new TextEncoder().encode(JSON.stringify({ numbers: share.map((i) => ctx.tasks[i]) })))
  const command = nodeScriptCommand(ctx.childScript)
  return {
    id: `processes-${workers}`,
    label,
    strategy: 'processes',
    workers,
    async run(signal) {
      const originMs = performance.now()
      const started: Promise<ChildOutcome>[] = []
      for (const input of inputs) {
        if (signal.aborted) break
        started.push(ctx.runChild({ ...command, input, signal, maxCaptureBytes: CHILD_OUTPUT_LIMIT_BYTES, niceness: BACKGROUND_NICENESS }))
      }
      const outcomes = await Promise.all(started)
      const valueMs = performance.now() - originMs
      if (signal.aborted) throw cancelledError()
      const found = new Array<number[]>(ctx.tasks.length)
      const startupMs: number[] = []
      const clockOffsetMs = monotonicOffsetMs()
      outcomes.forEach((outcome, child) => {
        const reply = childReply(outcome)
        shares[child]!.forEach((taskIndex, k) => (found[taskIndex] = reply.divisors[k]!))
        startupMs.push(fromMonotonicMs(reply.scriptStartedAtMonotonicMs, clockOffsetMs) - outcome.startedAtMs)
      })
      ctx.checker.check(label, found)
      return { valueMs, detail: { startupMs: startupMs.length > 0 ? median(startupMs) : undefined } }
    },
  }
}
