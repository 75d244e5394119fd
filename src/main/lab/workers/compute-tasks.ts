import { performance } from 'node:perf_hooks'
import { resourceLimits } from 'node:worker_threads'
import { assertFactorizable, collectDivisors, divisorsOf } from '../../../shared/factorize'
import { monotonicNowMs } from '../measure/clock'
import type { TasksOf } from '../pool/protocol'
import { calibrateStampNs, divisorsInSlices, type StampedSlice } from './stamp-slices'

/**
 * The task kinds of the compute worker (compute.worker.ts). The pool's types are derived
 * from these handlers, so main and worker cannot disagree about a task's input or output.
 */

interface FactorizeListOutput {
  divisors: number[][]
}

interface InterleavedInput {
  numbers: number[]
  /** Async tasks on the one thread, each taking the next number when it is done with one. */
  lanes: number
  /** Trial divisions between two yields to the event loop (setImmediate). */
  sliceTrialDivisions: number
  /** Stamp each slice on the monotonic clock (the traced trial only). */
  stampSlices?: boolean
}

/** A slice of one async lane, in monotonic ms. */
export interface LaneSlice extends StampedSlice {
  lane: number
}

interface InterleavedOutput extends FactorizeListOutput {
  slices?: LaneSlice[]
  perStampNs?: number
}

interface BlockInput {
  /** How long each call blocks the thread. */
  durationMs: number
  calls: number
}

type FailureMode = 'throw' | 'uncaught' | 'exit' | 'oom'

/** Private to this thread: nobody ever notifies it, so Atomics.wait sleeps for its full timeout. */
const blocker = new Int32Array(new SharedArrayBuffer(4))

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

function factorizeList(numbers: number[]): FactorizeListOutput {
  return { divisors: numbers.map((n) => divisorsOf(n)) }
}

/**
 * Concurrency without parallelism: `lanes` async tasks share one thread, each doing a slice
 * of trial divisions and then yielding, as Python threads take turns holding the GIL.
 */
async function factorizeInterleaved(input: InterleavedInput): Promise<InterleavedOutput> {
  const { numbers, sliceTrialDivisions, stampSlices } = input
  numbers.forEach((n) => assertFactorizable(n))
  const perStampNs = stampSlices ? calibrateStampNs() : undefined
  const divisors: number[][] = new Array<number[]>(numbers.length)
  const slices: LaneSlice[] = []
  let next = 0
  const lane = async (laneIndex: number): Promise<void> => {
    while (next < numbers.length) {
      const index = next++
      const n = numbers[index]!
      const found: number[] = []
      for (let from = 1; from <= n; from += sliceTrialDivisions) {
        const sliceStartMs = stampSlices ? monotonicNowMs() : 0
        collectDivisors(n, from, Math.min(n + 1, from + sliceTrialDivisions), found)
        if (stampSlices) slices.push({ lane: laneIndex, task: index, startMs: sliceStartMs, endMs: monotonicNowMs() })
        await yieldToEventLoop()
      }
      divisors[index] = found
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, input.lanes) }, (_, laneIndex) => lane(laneIndex)))
  return stampSlices ? { divisors, slices, perStampNs } : { divisors }
}

/** Blocks this thread `calls` times for durationMs each: a real blocking call, not a timer. */
function block(input: BlockInput): { spans: { startMs: number; endMs: number }[] } {
  const origin = performance.now()
  const spans: { startMs: number; endMs: number }[] = []
  for (let call = 0; call < input.calls; call++) {
    const startMs = performance.now() - origin
    Atomics.wait(blocker, 0, 0, input.durationMs)
    spans.push({ startMs, endMs: performance.now() - origin })
  }
  return { spans }
}

/** Real failures of a worker, for the pool's crash-recovery tests and demonstrations. */
function fail(how: FailureMode): Promise<never> {
  switch (how) {
    case 'throw':
      throw new Error('The task threw on purpose.')
    case 'uncaught':
      setTimeout(() => {
        throw new Error('An uncaught error, thrown on purpose outside any task.')
      })
      return new Promise<never>(() => {})
    case 'exit':
      process.exit(3)
      break
    case 'oom': {
      const limitMb = resourceLimits.maxOldGenerationSizeMb ?? 0
      if (!(limitMb > 0 && limitMb <= 256)) throw new Error('Running out of memory on purpose needs a worker with a heap limit of at most 256 MB.')
      const hoard: number[][] = []
      for (;;) hoard.push(new Array<number>(1 << 16).fill(hoard.length))
    }
  }
  throw new Error(`Unknown failure mode "${String(how)}".`)
}

export const computeHandlers = {
  /** Returns its input: a round trip with no work, for measuring the pool itself. */
  noop: (input: unknown): unknown => input,
  /** The divisors of one number. */
  factorize: (n: number): number[] => divisorsOf(n),
  /** The divisors of every number, one after another. */
  factorizeList,
  /** The divisors of every number, stamping slices of the work: the traced trial of worker threads. */
  factorizeListSliced: (numbers: number[]) => divisorsInSlices(numbers),
  factorizeInterleaved,
  block,
  fail,
}

export type ComputeTasks = TasksOf<typeof computeHandlers>
