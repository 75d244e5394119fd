/**
 * The lab's launcher run from a worker thread of this process (bench/workers/thread-fanout.mjs),
 * as the desktop app and `serve` run the engine, for the fan-out bench to set beside the same
 * launcher on this process's main thread (as the command line runs it).
 */
import { once } from 'node:events'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { benchWorkersDir, engineDir, labPaths } from './paths.js'

/** Resolves with { reason, fromLabProcess, fanout(children, seconds, sleepPath) → { wallMs, heldMs: [per child] }, stop() } once its helpers are ready. */
export async function startThreadFanout({ addonPath, count }) {
  const worker = new Worker(join(benchWorkersDir, 'thread-fanout.mjs'), {
    workerData: { spawnerHelpersModule: join(engineDir, 'spawner-helpers.js'), spawnerScript: join(labPaths.workersDir, 'spawner.js'), addonPath, count },
  })
  const [first] = await Promise.race([once(worker, 'message'), once(worker, 'error').then(([error]) => Promise.reject(error))])
  return {
    reason: first.reason,
    fromLabProcess: first.fromLabProcess,
    async fanout(children, seconds, sleepPath) {
      const reply = once(worker, 'message')
      worker.postMessage({ children, seconds, sleepPath })
      const [answer] = await reply
      if (answer.error) throw new Error(`The engine-thread fan-out failed: ${answer.error}`)
      return answer
    },
    async stop() {
      const exited = once(worker, 'exit')
      worker.postMessage('stop')
      await exited
    },
  }
}
