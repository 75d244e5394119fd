import { setImmediate as nextTurn } from 'node:timers/promises'

/**
 * How long starts may hold the thread before they let the event loop turn: a spawn call holds it
 * (fork: 6–10 ms here, so one per turn; vfork: about 1 ms, so a few), and a longer stretch would
 * stall everything else the app does. Yielding after every cheap start cost the fan-out a turn of
 * the loop per child.
 */
export const START_TURN_BUDGET_MS = 4

/**
 * For starts that follow one another: resolves at once while they have held the thread less than
 * START_TURN_BUDGET_MS since the last turn, else after the next turn of the event loop.
 */
export function startTurns(): () => Promise<void> {
  // since this moment no turn was given up: a stale moment only makes the next start yield sooner
  let yieldedAtMs = performance.now()
  return async () => {
    if (performance.now() - yieldedAtMs < START_TURN_BUDGET_MS) return
    await nextTurn()
    yieldedAtMs = performance.now()
  }
}

/**
 * Runs task(0) … task(count − 1) with at most `limit` running at once, each new one starting as
 * soon as one ends. Once `signal` aborts no new task starts; the results are in index order.
 * Starts queue behind one another, and once they have held the thread for START_TURN_BUDGET_MS
 * the next waits for the next turn of the event loop.
 */
export async function mapLimited<T>(count: number, limit: number, task: (index: number) => Promise<T>, signal?: AbortSignal): Promise<T[]> {
  const results: T[] = []
  const done: boolean[] = []
  let next = 0
  const turn = startTurns()
  let startGate: Promise<void> = Promise.resolve()
  const myTurn = (): Promise<void> => (startGate = startGate.then(turn))
  const lane = async (): Promise<void> => {
    while (next < count && !signal?.aborted) {
      const index = next++
      if (index > 0) await myTurn()
      if (signal?.aborted) break
      results[index] = await task(index)
      done[index] = true
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, count)) }, lane))
  return results.filter((_, index) => done[index])
}

/** 1, 2, 4, … up to (and always including) n. */
export function powersOfTwoUpTo(n: number): number[] {
  const values: number[] = []
  for (let p = 1; p < n; p *= 2) values.push(p)
  values.push(n)
  return values
}
