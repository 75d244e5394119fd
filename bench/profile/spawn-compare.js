/**
 * Sizes a design change: runChild over child_process.spawn (the prototype in lean-run-child.js)
 * against the engine's runChild (over execa) and raw spawn, 200 × true serially and 10 at a
 * time, and 10 × sleep 0.1 at once, interleaved.
 *   node bench/profile/spawn-compare.js [--rounds 4]
 */
import { loadEngine } from '../lib/engine.js'
import { interleave } from '../lib/measure.js'
import { requireProgram } from '../lib/programs.js'
import { option, printMeasured, runBench } from '../lib/report.js'
import { fanoutWallMs, makeSpawners, perChildMs } from '../lib/spawners.js'
import { leanRunChild } from './lean-run-child.js'

async function main() {
  const { 'run-child': engine } = await loadEngine('run-child')
  const rounds = option('rounds', 4)
  const spawners = makeSpawners(engine.runChild)
  const lean = async (file, args) => {
    const outcome = await leanRunChild({ file, args })
    if (outcome.startError) throw new Error(outcome.startError.message)
    return outcome
  }
  const all = { 'child_process.spawn': spawners.raw, 'lab runChild (execa)': spawners.lab, 'prototype runChild over spawn': lean }
  const trueFile = requireProgram('true')
  const sleepFile = requireProgram('sleep')
  for (const limit of [1, 10]) {
    const measured = await interleave(Object.entries(all).map(([name, start]) => ({ name, run: () => perChildMs(start, trueFile, 200, limit) })), { rounds })
    printMeasured(`200 × true, ${limit === 1 ? 'serially' : `${limit} at a time`}: ms per child`, measured, { unit: 'per child' })
  }
  const measured = await interleave(Object.entries(all).map(([name, start]) => ({ name, run: () => fanoutWallMs(start, sleepFile, 10, 0.1) })), { rounds: rounds * 3 })
  printMeasured('10 × sleep 0.1 at once: wall', measured, { unit: 'wall' })
}

runBench(main)
