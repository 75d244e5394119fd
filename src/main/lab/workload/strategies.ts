import { performance } from 'node:perf_hooks'
import { deserialize, serialize } from 'node:v8'
import { LabError, cancelledError } from '../../../shared/errors'
import type { WorkloadStrategy } from '../../../shared/experiments/workload'
import { balancedShares } from '../../../shared/stats/scaling'
import { formatDurationMs } from '../../../shared/units'
import type { Trial, Variant } from '../measure/interleave'
import type { WorkerPool } from '../pool/worker-pool'
import { nodeScriptCommand } from '../processes/node-program'
import { describeEnd, type ChildOutcome, type ChildSpec } from '../processes/run-child'
import type { WorkloadTasks } from '../workers/workload.worker'
import { BACKGROUND_NICENESS } from '../workers/priority'
import { inputPreview } from './user-module'

/** What one trial of a strategy returned, by input; serial also keeps each input's own time. */
export interface WorkloadTrialDetail {
  values: Map<number, unknown>
  inputMs?: Map<number, number>
}

/** One measured way of running the inputs. */
export interface WorkloadVariant extends Variant<WorkloadTrialDetail> {
  strategy: WorkloadStrategy
  workers: number
}

export interface WorkloadInput {
  index: number
  input: unknown
}

export interface StrategyContext {
  file: string
  /** The inputs measured (those that did not fail in the reference pass), with their serial times. */
  inputs: WorkloadInput[]
  serialMs: number[]
  /** One thread: serial and concurrent. */
  singlePool: WorkerPool<WorkloadTasks>
  /** The threads strategy: sized to the largest count, resized per variant (the others wait parked, warm). */
  pool: WorkerPool<WorkloadTasks>
  childScript: string
  memoryLimitMb: number
  inputTimeoutMs: number
  runChild(spec: ChildSpec): Promise<ChildOutcome>
}

const CHILD_OUTPUT_LIMIT_BYTES = 64 * 1024 * 1024
/** Node's own start-up in a child, on top of its inputs' timeouts. */
const CHILD_STARTUP_ALLOWANCE_MS = 5_000

/**
 * A task with a timeout of its own: past it the pool ends the thread (the only way to stop code a
 * thread runs) and the sentence says which input it was; a cancel of the run stays a cancel.
 */
export async function withTimeout<T>(run: (signal: AbortSignal) => Promise<T>, timeoutMs: number, signal: AbortSignal, what: () => string): Promise<T> {
  const timeout = AbortSignal.timeout(timeoutMs)
  try {
    return await run(AbortSignal.any([signal, timeout]))
  } catch (error) {
    if (signal.aborted) throw cancelledError()
    if (timeout.aborted) throw new LabError('workload-failed', `${what()} did not finish within ${formatDurationMs(timeoutMs)}; the lab ended the thread or process running it.`)
    throw error
  }
}

const whatInput = (item: WorkloadInput) => (): string => `work(input ${item.index}: ${inputPreview(item.input)})`

/** Runs one input on a pool thread, with its timeout. */
export const runInput = (pool: WorkerPool<WorkloadTasks>, ctx: Pick<StrategyContext, 'file' | 'inputTimeoutMs'>, item: WorkloadInput, signal: AbortSignal) =>
  withTimeout((s) => pool.run('one', { file: ctx.file, index: item.index, input: item.input }, { signal: s }), ctx.inputTimeoutMs, signal, whatInput(item))

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`

export function serialVariant(ctx: StrategyContext): WorkloadVariant {
  return {
    id: 'serial',
    label: 'Serial (one thread)',
    strategy: 'serial',
    workers: 1,
    async run(signal): Promise<Trial<WorkloadTrialDetail>> {
      const values = new Map<number, unknown>()
      const inputMs = new Map<number, number>()
      const originMs = performance.now()
      for (const item of ctx.inputs) {
        const run = await runInput(ctx.singlePool, ctx, item, signal)
        values.set(item.index, run.value.value)
        inputMs.set(item.index, run.value.ms)
      }
      return { valueMs: performance.now() - originMs, detail: { values, inputMs } }
    },
  }
}

export function concurrentVariant(ctx: StrategyContext): WorkloadVariant {
  return {
    id: 'concurrent',
    label: `Concurrent: ${plural(ctx.inputs.length, 'async task', 'async tasks')} on one thread`,
    strategy: 'concurrent',
    // one thread: that is the point
    workers: 1,
    async run(signal) {
      const originMs = performance.now()
      // all at once on one thread: together they may take as long as every input's timeout
      const run = await withTimeout((s) => ctx.singlePool.run('all', { file: ctx.file, inputs: ctx.inputs }, { signal: s }), ctx.inputTimeoutMs * ctx.inputs.length, signal, () => `The ${ctx.inputs.length} inputs as async tasks on one thread`)
      const valueMs = performance.now() - originMs
      return { valueMs, detail: { values: new Map(ctx.inputs.map((item, i) => [item.index, run.value[i]!.value])) } }
    },
  }
}

export function threadsVariant(ctx: StrategyContext, workers: number): WorkloadVariant {
  return {
    id: `threads-${workers}`,
    label: `${plural(workers, 'worker thread', 'worker threads')}`,
    strategy: 'threads',
    workers,
    async run(signal) {
      ctx.pool.resize(workers, { park: true })
      const values = new Map<number, unknown>()
      const originMs = performance.now()
      await Promise.all(ctx.inputs.map(async (item) => values.set(item.index, (await runInput(ctx.pool, ctx, item, signal)).value.value)))
      return { valueMs: performance.now() - originMs, detail: { values } }
    },
  }
}

/** A child's failure in words: its error (stack included), or how it ended. */
function childFailure(outcome: ChildOutcome, share: readonly WorkloadInput[], timeoutMs: number): LabError {
  const which = `the child process running input${share.length === 1 ? '' : 's'} ${share.map((s) => s.index).join(', ')}`
  if (outcome.timedOut) return new LabError('workload-failed', `${which[0]!.toUpperCase()}${which.slice(1)} did not finish within ${formatDurationMs(timeoutMs)} (its inputs' timeouts and Node's start-up); the lab ended it.`)
  if (outcome.startError) return new LabError(outcome.startError.code ?? 'internal', outcome.startError.message)
  const said = outcome.stderr.text.trim()
  return new LabError('internal', `${which[0]!.toUpperCase()}${which.slice(1)} ${describeEnd(outcome)}${said ? `: ${said}` : '.'}`)
}

export function processesVariant(ctx: StrategyContext, workers: number): WorkloadVariant {
  // shares of about equal serial time; a child that would get none is not started
  const shares = balancedShares(ctx.serialMs, workers)
    .filter((share) => share.length > 0)
    .map((share) => share.map((i) => ctx.inputs[i]!))
  const command = nodeScriptCommand(ctx.childScript)
  return {
    id: `processes-${workers}`,
    label: `${plural(workers, 'child process', 'child processes')}`,
    strategy: 'processes',
    workers,
    async run(signal) {
      const originMs = performance.now()
      const outcomes = await Promise.all(
        shares.map((share) => {
          const timeoutMs = ctx.inputTimeoutMs * share.length + CHILD_STARTUP_ALLOWANCE_MS
          return ctx
            .runChild({ ...command, args: [`--max-old-space-size=${ctx.memoryLimitMb}`, ...command.args], input: serialize({ file: ctx.file, inputs: share }), signal, timeoutMs, maxCaptureBytes: CHILD_OUTPUT_LIMIT_BYTES, niceness: BACKGROUND_NICENESS })
            .then((outcome) => ({ outcome, share, timeoutMs }))
        }),
      )
      const valueMs = performance.now() - originMs
      if (signal.aborted) throw cancelledError()
      const values = new Map<number, unknown>()
      for (const { outcome, share, timeoutMs } of outcomes) {
        if (outcome.exitCode !== 0 || outcome.startError || outcome.stdout.truncated) throw childFailure(outcome, share, timeoutMs)
        const results = deserialize(Buffer.from(outcome.stdout.text.trim(), 'base64')) as { value: unknown }[]
        share.forEach((item, k) => values.set(item.index, results[k]?.value))
      }
      return { valueMs, detail: { values } }
    },
  }
}

/** The inputs whose result in `found` differs from the first serial pass's, each in words. */
export function differences(reference: ReadonlyMap<number, unknown>, found: ReadonlyMap<number, unknown>, label: string, inputs: readonly WorkloadInput[], equal: (a: unknown, b: unknown) => boolean): { index: number; text: string }[] {
  return inputs.flatMap((item) => {
    const expected = reference.get(item.index)
    const got = found.get(item.index)
    return equal(expected, got) ? [] : [{ index: item.index, text: `input ${item.index} (${inputPreview(item.input)}): the first serial pass returned ${inputPreview(expected)}, ${label} returned ${inputPreview(got)}` }]
  })
}
