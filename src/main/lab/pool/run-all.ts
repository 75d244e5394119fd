import { batchSignal } from '../measure/batch-signal'
import type { TaskMap } from './protocol'
import type { TaskRun, WorkerPool } from './worker-pool'

/**
 * Runs one task per input with at most `concurrency` in flight (default: as many as the pool
 * has threads); resolves with the runs in input order, or rejects with the first failure.
 * With fewer in flight than threads, the pool hands each next task to the thread just freed,
 * so exactly `concurrency` threads do the work.
 */
export async function runAll<M extends TaskMap, K extends keyof M & string>(
  pool: WorkerPool<M>,
  kind: K,
  inputs: readonly M[K]['input'][],
  options: { concurrency?: number; signal?: AbortSignal } = {},
): Promise<TaskRun<M[K]['output']>[]> {
  const concurrency = Math.max(1, options.concurrency ?? pool.size)
  const batch = batchSignal(options.signal)
  const runOptions = { signal: batch.signal }
  try {
    if (concurrency >= pool.size || concurrency >= inputs.length) {
      return await Promise.all(inputs.map((input) => pool.run(kind, input, runOptions)))
    }
    const runs = new Array<TaskRun<M[K]['output']>>(inputs.length)
    let next = 0
    let failed = false
    const lane = async (): Promise<void> => {
      while (next < inputs.length && !failed) {
        const index = next++
        try {
          runs[index] = await pool.run(kind, inputs[index], runOptions)
        } catch (error) {
          failed = true
          throw error
        }
      }
    }
    await Promise.all(Array.from({ length: concurrency }, lane))
    return runs
  } finally {
    batch.release()
  }
}
