import type { LauncherChoice } from './native-addon'
import type { ChildOutcome, ChildSpec } from './run-child'

/** What a spawner helper can be asked to run: a child whose output it captures (no streams handed over). */
export type HelperChildSpec = Omit<ChildSpec, 'signal' | 'stdin' | 'stdout'>

export type ToSpawner = { type: 'run'; id: number; spec: HelperChildSpec } | { type: 'cancel'; id: number } | { type: 'batch'; messages: ToSpawner[] }

export type FromSpawner =
  /** `monotonicOffsetMs`: the helper's performance.now() plus this is the machine's monotonic clock, in ms. */
  | { type: 'ready'; monotonicOffsetMs: number; launcher?: LauncherChoice }
  /** The child exists: if the helper dies, the lab can still end the child's process group. */
  | { type: 'started'; id: number; pid: number }
  | { type: 'done'; id: number; outcome: ChildOutcome }
  /** Messages of one turn of the sender's event loop, in order: one write and one wake-up for a burst of children. */
  | { type: 'batch'; messages: FromSpawner[] }

/**
 * This process's performance.now() plus the result is the machine's monotonic clock (the one every
 * process shares), in ms. Each reading of the monotonic clock is bracketed by two of
 * performance.now(), and the tightest bracket of several wins: a first call can take a millisecond
 * to set itself up, which would otherwise end up in the offset.
 */
export function monotonicOffsetMs(samples = 7): number {
  let best = { offset: 0, bracket: Infinity }
  for (let i = 0; i < samples; i++) {
    const before = performance.now()
    const monotonic = Number(process.hrtime.bigint()) / 1e6
    const after = performance.now()
    if (after - before < best.bracket) best = { offset: monotonic - (before + after) / 2, bracket: after - before }
  }
  return best.offset
}
