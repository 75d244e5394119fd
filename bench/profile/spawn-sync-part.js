/**
 * How long the synchronous child_process.spawn() call itself holds the thread (fork + exec
 * handshake) under each spawner, by wrapping spawn before execa is loaded.
 *   node bench/profile/spawn-sync-part.js [count=300]
 */
import childProcess from 'node:child_process'
import { syncBuiltinESMExports } from 'node:module'

const originalSpawn = childProcess.spawn
let syncMs = 0
let calls = 0
childProcess.spawn = function timedSpawn(...args) {
  const start = performance.now()
  try {
    return originalSpawn.apply(this, args)
  } finally {
    syncMs += performance.now() - start
    calls++
  }
}
syncBuiltinESMExports()

const { loadEngine } = await import('../lib/engine.js')
const { makeSpawners, perChildMs } = await import('../lib/spawners.js')
const { requireProgram } = await import('../lib/programs.js')
const { 'run-child': engine } = await loadEngine('run-child')
const spawners = makeSpawners(engine.runChild)
const count = Number(process.argv[2] ?? 300)
const file = requireProgram('true')
for (let round = 0; round < 3; round++) {
  for (const name of ['raw', 'execa', 'lab']) {
    syncMs = 0
    calls = 0
    const perChild = await perChildMs(spawners[name], file, count, 1)
    console.log(`${name.padEnd(5)} ${perChild.toFixed(2)} ms per child, of which spawn() held the thread ${(syncMs / calls).toFixed(2)} ms; heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`)
  }
}
