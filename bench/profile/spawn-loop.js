/**
 * A loop to profile: `count` × true started serially by one spawner (raw, execa or lab).
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile/spawn-loop.js lab 500
 *   node bench/profile/profile-top.js /tmp/prof/<file>.cpuprofile
 */
import { loadEngine } from '../lib/engine.js'
import { requireProgram } from '../lib/programs.js'
import { makeSpawners, perChildMs } from '../lib/spawners.js'

const [which = 'lab', countText = '500', limitText = '1'] = process.argv.slice(2)
const { 'run-child': engine } = await loadEngine('run-child')
const start = makeSpawners(engine.runChild)[which]
if (!start) throw new Error(`Unknown spawner "${which}": raw, execa or lab.`)
const ms = await perChildMs(start, requireProgram('true'), Number(countText), Number(limitText))
console.log(`${which}: ${ms.toFixed(2)} ms per child`)
