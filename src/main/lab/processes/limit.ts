import { setImmediate as nextTurn } from 'node:timers/promises'

/**
 * Runs task(0) … task(count − 1) with at most `limit` running at once, each new one starting as
 * soon as one ends. Once `signal` aborts no new task starts; the results are in index order.
 * Each start after the first waits for the next turn of the event loop: spawning a child blocks
 * the thread for milliseconds, and ten in one turn would stall everything else the app does.
 */
export async function mapLimited<T>(count: number, limit: number, task: (index: number) => Promise<T>, signal?: AbortSignal): Promise<T[]> {
  const results: T[] = []
  const done: boolean[] = []
  let next = 0
  // Starts queue behind one another, one per turn: lanes waiting together would all wake in the same turn.
  let startGate: Promise<void> = Promise.resolve()
  const myTurn = (): Promise<void> => (startGate = startGate.then(() => nextTurn()))
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
