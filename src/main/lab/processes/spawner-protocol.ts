import type { ChildOutcome, ChildSpec } from './run-child'

/** What a spawner helper can be asked to run: a child whose output it captures (no streams handed over). */
export type HelperChildSpec = Omit<ChildSpec, 'signal' | 'stdin' | 'stdout'>

export type ToSpawner = { type: 'run'; id: number; spec: HelperChildSpec } | { type: 'cancel'; id: number }

export type FromSpawner =
  /** `monotonicOffsetMs`: the helper's performance.now() plus this is the machine's monotonic clock, in ms. */
  | { type: 'ready'; monotonicOffsetMs: number }
  | { type: 'done'; id: number; outcome: ChildOutcome }

/** This process's performance.now() plus the result is the machine's monotonic clock (the one every process shares), in ms. */
export function monotonicOffsetMs(): number {
  return Number(process.hrtime.bigint()) / 1e6 - performance.now()
}
