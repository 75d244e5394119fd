// The lab's launcher in a worker thread of the bench's process, where the desktop app and serve run
// the engine: fan-out trials on request ({ children, seconds, sleepPath }), timed inside the thread
// as the experiment times them, answered with the wall time and each child's start cost.
import { pathToFileURL } from 'node:url'
import { parentPort, workerData } from 'node:worker_threads'

const { SpawnerHelpers } = await import(pathToFileURL(workerData.spawnerHelpersModule).href)
const helpers = new SpawnerHelpers({ script: workerData.spawnerScript, count: workerData.count, nativeSpawnAddon: workerData.addonPath, vforkHere: true })
await helpers.ready()

parentPort.on('message', async (message) => {
  if (message === 'stop') {
    await helpers.close()
    parentPort.close()
    return
  }
  const { children, seconds, sleepPath } = message
  try {
    const begin = performance.now()
    const outcomes = await helpers.runAll({ file: sleepPath, args: [String(seconds)] }, children)
    const wallMs = performance.now() - begin
    const failed = outcomes.find((o) => o.startError || o.exitCode !== 0)
    if (failed) throw new Error(failed.startError?.message ?? 'a sleep child exited non-zero')
    parentPort.postMessage({ wallMs, heldMs: outcomes.map((o) => o.spawnReturnedAtMs - (o.spawnCalledAtMs ?? o.startedAtMs)) })
  } catch (error) {
    parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) })
  }
})
parentPort.postMessage({ ready: true, reason: helpers.launchers()[0]?.reason, fromLabProcess: helpers.launchers()[0]?.fromLabProcess === true })
