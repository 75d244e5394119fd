import { COUNTER_CELL, LOCK_CELL } from './counter-cells'

/**
 * The three ways a worker increments the shared counter, plus one deliberately broken lock
 * that only the tests use (to show that the exclusion test can fail).
 */
type NodeRaceMode = 'unsynchronised' | 'atomic' | 'mutex'
/** `broken-mutex` is test-only: never offered by the catalog, never part of a user run. */
export type RaceWorkerMode = NodeRaceMode | 'broken-mutex'

/**
 * One increment as three separate steps: read the counter, add one, write it back. Each step is
 * atomic on its own (no torn value, and the JIT can neither skip nor merge them), but nothing
 * holds them together, so a worker that reads between another's read and write makes one of
 * the two updates vanish. This is the lost update of the lesson: CPython's `self.count += 1`
 * is likewise a load, an add and a store, each atomic under the GIL.
 *
 * Why not a plain `cells[i] += 1`: V8 may keep a plain, non-atomic cell in a register across
 * iterations (measured here: in one call shape a write from another thread was ignored), and at
 * about 1 ns per increment 100,000 increments end before the OS has started the other workers,
 * so whether it raced depended on the JIT tier and the scheduler rather than on the code.
 */
function readAddWrite(cells: Int32Array): void {
  const value = Atomics.load(cells, COUNTER_CELL)
  Atomics.store(cells, COUNTER_CELL, value + 1)
}

function incrementUnsynchronised(cells: Int32Array, times: number): void {
  for (let i = 0; i < times; i++) readAddWrite(cells)
}

/** One indivisible read-modify-write per increment (a `lock xadd` on x86). */
function incrementAtomic(cells: Int32Array, times: number): void {
  for (let i = 0; i < times; i++) Atomics.add(cells, COUNTER_CELL, 1)
}

// Lock word states of Drepper's mutex.
const UNLOCKED = 0
const LOCKED = 1
/** Locked, and someone may be sleeping in Atomics.wait: the unlocker must notify. */
const CONTENDED = 2
/** Tries of the compare-exchange before sleeping: the critical section is a few nanoseconds long. */
const SPIN_TRIES = 100

/**
 * Ulrich Drepper, "Futexes Are Tricky" (2011), section 6, "mutex, take 3", with a short spin
 * in front (as glibc's adaptive mutex does). Atomics.wait/notify are JavaScript's futex.
 * Uncontended: one compareExchange to lock, one sub to unlock, no wait/notify at all.
 */
export function lock(cells: Int32Array): void {
  for (let spin = 0; spin < SPIN_TRIES; spin++) {
    if (Atomics.load(cells, LOCK_CELL) === UNLOCKED && Atomics.compareExchange(cells, LOCK_CELL, UNLOCKED, LOCKED) === UNLOCKED) return
  }
  let state = Atomics.compareExchange(cells, LOCK_CELL, UNLOCKED, LOCKED)
  if (state === UNLOCKED) return
  if (state !== CONTENDED) state = Atomics.exchange(cells, LOCK_CELL, CONTENDED)
  while (state !== UNLOCKED) {
    Atomics.wait(cells, LOCK_CELL, CONTENDED)
    state = Atomics.exchange(cells, LOCK_CELL, CONTENDED)
  }
}

export function unlock(cells: Int32Array): void {
  // LOCKED → UNLOCKED: nobody waits. CONTENDED → release and wake one sleeper.
  if (Atomics.sub(cells, LOCK_CELL, 1) !== LOCKED) {
    Atomics.store(cells, LOCK_CELL, UNLOCKED)
    Atomics.notify(cells, LOCK_CELL, 1)
  }
}

/** The same unsynchronised read-add-write, held inside the lock. */
function incrementWithMutex(cells: Int32Array, times: number): void {
  for (let i = 0; i < times; i++) {
    lock(cells)
    readAddWrite(cells)
    unlock(cells)
  }
}

/**
 * TEST ONLY, deliberately wrong: the mutex with its compare-exchange replaced by a check and a
 * separate set. Two workers can both see the lock free and both enter; the tests run it through
 * the same pool to prove that the mutex test would catch a lock that does not exclude.
 */
export function lockWithoutCompareExchange(cells: Int32Array): void {
  for (;;) {
    if (Atomics.load(cells, LOCK_CELL) === UNLOCKED) {
      Atomics.store(cells, LOCK_CELL, CONTENDED)
      return
    }
    // bounded wait: a broken lock must not hang the test that shows it is broken
    Atomics.wait(cells, LOCK_CELL, CONTENDED, 1)
  }
}

function incrementWithBrokenMutex(cells: Int32Array, times: number): void {
  for (let i = 0; i < times; i++) {
    lockWithoutCompareExchange(cells)
    readAddWrite(cells)
    unlock(cells)
  }
}

export const incrementers: Record<RaceWorkerMode, (cells: Int32Array, times: number) => void> = {
  unsynchronised: incrementUnsynchronised,
  atomic: incrementAtomic,
  mutex: incrementWithMutex,
  'broken-mutex': incrementWithBrokenMutex,
}
