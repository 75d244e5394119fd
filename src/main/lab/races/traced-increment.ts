import { performance } from 'node:perf_hooks'
import { COUNTER_CELL } from './counter-cells'
import { lock, lockWithoutCompareExchange, unlock, type RaceWorkerMode } from './increment'
import type { TraceLogViews } from './trace-buffer'

/**
 * The increments of increment.ts, each writing down what it read and wrote. A separate copy so
 * that the measured trials run code without the log; the read and the write are the same steps.
 */
const epochMs = (): number => performance.timeOrigin + performance.now()

function tracedReadAddWrite(cells: Int32Array, log: TraceLogViews, i: number): void {
  const value = Atomics.load(cells, COUNTER_CELL)
  Atomics.store(cells, COUNTER_CELL, value + 1)
  log.reads[i] = value
  log.writes[i] = value + 1
  log.atMs[i] = epochMs()
}

function tracedAtomicAdd(cells: Int32Array, log: TraceLogViews, i: number): void {
  const value = Atomics.add(cells, COUNTER_CELL, 1)
  log.reads[i] = value
  log.writes[i] = value + 1
  log.atMs[i] = epochMs()
}

const withLock = (take: (cells: Int32Array) => void) => (cells: Int32Array, log: TraceLogViews, i: number): void => {
  take(cells)
  tracedReadAddWrite(cells, log, i)
  unlock(cells)
}

const tracedSteps: Record<RaceWorkerMode, (cells: Int32Array, log: TraceLogViews, i: number) => void> = {
  unsynchronised: tracedReadAddWrite,
  atomic: tracedAtomicAdd,
  mutex: withLock(lock),
  'broken-mutex': withLock(lockWithoutCompareExchange),
}

/** How long a traced worker waits for the others at its rendezvous before it starts anyway. */
const RENDEZVOUS_LIMIT_MS = 50

/**
 * Counts itself in and spins until every traced worker has woken, so that a trace of a few
 * thousand increments (tens of µs) is not over before the OS has woken the other worker.
 * Bounded: on a machine too busy to run them together, they start anyway after 50 ms.
 */
function meetTheOthers(rendezvous: Int32Array, workers: number): void {
  Atomics.add(rendezvous, 0, 1)
  const giveUpAt = performance.now() + RENDEZVOUS_LIMIT_MS
  while (Atomics.load(rendezvous, 0) < workers && performance.now() < giveUpAt) {
    // spin: the others are waking right now
  }
}

export function incrementTraced(mode: RaceWorkerMode, cells: Int32Array, times: number, log: TraceLogViews, rendezvous: Int32Array, workers: number): void {
  const step = tracedSteps[mode]
  meetTheOthers(rendezvous, workers)
  for (let i = 0; i < times; i++) step(cells, log, i)
}
