import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { loadEngine } from './lib/engine.js'
import { labNativeSpawnAddon, startSpawnerHelpers } from './lib/spawners.js'
import { startPythonFanout } from './lib/python-fanout.js'
const [n, rounds] = process.argv.slice(2).map(Number)
const { 'spawner-helpers': helperModule, 'native-addon': nativeAddonModule, limit } = await loadEngine('spawner-helpers', 'native-addon', 'limit')
const lab = await startSpawnerHelpers(helperModule.SpawnerHelpers, { nativeSpawnAddon: labNativeSpawnAddon(nativeAddonModule), vforkHere: true })
const python = await startPythonFanout()
const min = spawn(process.execPath, ['/tmp/perf18/minimal.mjs'], { stdio: ['pipe', 'pipe', 'inherit'] })
const minLines = createInterface({ input: min.stdout })[Symbol.asyncIterator]()
await minLines.next()
const variants = {
  py: async () => (await python.fanout(n, '0.1', '/usr/bin/sleep')).wallMs,
  lab: async () => { const b = performance.now(); await limit.mapLimited(n, n, () => lab.run({ file: '/usr/bin/sleep', args: ['0.1'] })); return performance.now() - b },
  min: async () => { min.stdin.write(`${n} 0.1 /usr/bin/sleep\n`); return Number((await minLines.next()).value) },
}
const results = { py: [], lab: [], min: [] }
for (let r = 0; r <= rounds; r++) {
  for (const [name, run] of Object.entries(variants)) { const v = await run(); if (r > 0) results[name].push(v) }
}
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]
const ratio = (a) => med(results[a].map((v, i) => v / results.py[i])).toFixed(3)
console.log(`n=${n} py ${med(results.py).toFixed(1)} lab ${med(results.lab).toFixed(1)} (${ratio('lab')}) min ${med(results.min).toFixed(1)} (${ratio('min')})`)
min.stdin.end(); await python.stop(); await lab.close()
