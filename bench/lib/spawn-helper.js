/**
 * A Node process that holds `--ballast-mb` MB of touched memory (as a big Electron main process
 * does) and starts children on request over IPC (itself, or through the lab's spawner helpers), so that a bench can interleave a small parent
 * and a big one trial by trial. Requests: { id, op: 'perChild' | 'fanout', spawner, … }; replies
 * { id, valueMs, rssMb } or { id, error }.
 */
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { engineDir } from './paths.js'
import { fanoutWallMs, labNativeSpawnAddon, makeSpawners, perChildMs, startSpawnerHelpers } from './spawners.js'

const index = process.argv.indexOf('--ballast-mb')
const ballastMb = index >= 0 ? Number(process.argv[index + 1]) : 0
const ballast = []
for (let mb = 0; mb < ballastMb; mb++) {
  // half outside the JS heap (Buffers), half inside (arrays of numbers), every page touched
  if (mb % 2 === 0) ballast.push(Buffer.alloc(1 << 20, mb & 0xff))
  else ballast.push(new Float64Array(1 << 17).fill(mb))
}

const { runChild } = await import(pathToFileURL(join(engineDir, 'run-child.js')).href)
const { SpawnerHelpers } = await import(pathToFileURL(join(engineDir, 'spawner-helpers.js')).href)
const nativeAddonModule = await import(pathToFileURL(join(engineDir, 'native-addon.js')).href)
// as the lab starts children: with the vfork addon from this process where it is built, else through the helpers
const spawners = makeSpawners(runChild, await startSpawnerHelpers(SpawnerHelpers, { nativeSpawnAddon: labNativeSpawnAddon(nativeAddonModule), vforkHere: true }))

process.on('message', async (request) => {
  try {
    const start = spawners[request.spawner]
    const valueMs =
      request.op === 'perChild'
        ? await perChildMs(start, request.file, request.count, request.limit ?? 1)
        : await fanoutWallMs(start, request.file, request.children, request.seconds)
    process.send({ id: request.id, valueMs, rssMb: process.memoryUsage().rss / 2 ** 20, ballastItems: ballast.length })
  } catch (error) {
    process.send({ id: request.id, error: String(error?.stack ?? error) })
  }
})
process.send({ ready: true, rssMb: process.memoryUsage().rss / 2 ** 20 })
