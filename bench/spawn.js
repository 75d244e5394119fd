/**
 * Spawn cost per child: `true` started 200 times, one after another and 10 at a time, through
 * the lab's subprocess manager (runChild), the lab's spawner helpers (as the experiments start
 * children), execa alone and raw child_process.spawn (the baseline), interleaved round by round.
 * Then the parent's memory: the same from two processes, a small one and one holding 300 MB.
 *
 *   node bench/spawn.js [--rounds 8] [--children 200] [--ballast-mb 300]
 */
import { loadEngine } from './lib/engine.js'
import { startHelper } from './lib/helper-client.js'
import { interleave } from './lib/measure.js'
import { requireProgram } from './lib/programs.js'
import { formatMs, formatRatioSpread, formatSpread, option, printMeasured, printTable, runBench, verdict } from './lib/report.js'
import { labNativeSpawnAddon, makeSpawners, perChildMs, startSpawnerHelpers } from './lib/spawners.js'

const BENCH = 'spawn'
const TARGET = 1.1

async function main() {
  const { 'run-child': engine, 'spawner-helpers': helperModule, 'native-addon': nativeAddonModule } = await loadEngine('run-child', 'spawner-helpers', 'native-addon')
  const rounds = option('rounds', 8)
  const children = option('children', 200)
  const ballastMb = option('ballast-mb', 300)
  const trueFile = requireProgram('true')
  const spawnerHelpers = await startSpawnerHelpers(helperModule.SpawnerHelpers, { nativeSpawnAddon: labNativeSpawnAddon(nativeAddonModule), vforkHere: true })
  const spawners = makeSpawners(engine.runChild, spawnerHelpers)
  const names = { raw: 'child_process.spawn', execa: 'execa', lab: 'lab (runChild)', helpers: spawnerHelpers.launchers()[0]?.fromLabProcess ? "lab's launcher (vfork from its own process)" : `lab, ${spawnerHelpers.count} spawner helpers (${spawnerHelpers.launchers()[0]?.launcher ?? 'node'})` }
  console.log(`Spawn cost per child: ${children} × ${trueFile}, ${rounds} measured rounds after one warm-up, interleaved (${Object.keys(names).join(', ')}; then reversed).`)

  for (const limit of [1, 10]) {
    const mode = limit === 1 ? 'serially' : `${limit} at a time`
    const variants = Object.entries(names).map(([key, name]) => ({ name, run: () => perChildMs(spawners[key], trueFile, children, limit) }))
    const measured = await interleave(variants, { rounds, warmup: 1 })
    printMeasured(`${children} × true, ${mode}: ms per child`, measured, { unit: 'per child' })
    const [raw, execa, lab, viaHelpers] = measured
    const labOverExeca = lab.values.map((v, i) => v / execa.values[i])
    console.log(`lab ÷ execa per round: ${labOverExeca.map((r) => r.toFixed(2)).join(', ')}`)
    verdict({
      bench: BENCH,
      what: `spawn cost per child, ${children} × true ${mode}`,
      baseline: `spawn ${formatSpread(raw.summary)}`,
      lab: `${formatSpread(lab.summary)} (execa alone ${formatMs(execa.summary.median)}, ${formatRatioSpread(execa.ratio)})`,
      ratio: formatRatioSpread(lab.ratio),
      target: `≤ ${TARGET}×`,
      met: lab.ratio.median <= TARGET,
    })
    verdict({
      bench: BENCH,
      what: `the same through the spawner helpers, ${mode}`,
      baseline: `spawn ${formatSpread(raw.summary)}`,
      lab: formatSpread(viaHelpers.summary),
      ratio: formatRatioSpread(viaHelpers.ratio),
      target: 'info',
      met: undefined,
      note: limit === 1 ? 'One at a time, a helper adds an IPC round trip per child; its gain is a small parent that forks fast, on several cores, while the app does not block.' : undefined,
    })
  }
  await spawnerHelpers.close()

  // The parent's memory: a small parent and a big one, side by side, trial by trial.
  const helpers = [await startHelper(0), await startHelper(ballastMb)]
  try {
    const rssMb = helpers.map((h) => h.rssMb())
    const helperCount = Math.max(20, Math.round(children / 2))
    const variants = []
    for (const spawner of ['raw', 'lab', 'helpers']) {
      helpers.forEach((helper, i) =>
        variants.push({
          name: `${spawner === 'raw' ? 'spawn' : spawner === 'lab' ? 'lab in-process' : 'lab via spawner helpers'}, parent ${rssMb[i].toFixed(0)} MB`,
          spawner,
          run: async () => (await helper.request({ op: 'perChild', spawner, file: trueFile, count: helperCount })).valueMs,
        }),
      )
    }
    const measured = await interleave(variants, { rounds, warmup: 1 })
    printMeasured(`The parent's memory: ${helperCount} × true serially, ms per child (ratios to the small parent's spawn)`, measured, { unit: 'per child' })
    const ratio = (a, b) => measured[a].values.map((v, i) => v / measured[b].values[i])
    const rows = [
      ['spawn: big ÷ small parent', ratio(1, 0)],
      ['lab: big ÷ small parent', ratio(3, 2)],
      ['lab ÷ spawn, small parent', ratio(2, 0)],
      ['lab ÷ spawn, big parent', ratio(3, 1)],
      ['helpers: big ÷ small parent', ratio(5, 4)],
      ['helpers ÷ spawn, big parent', ratio(5, 1)],
    ].map(([label, ratios]) => [label, `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`, ratios.map((r) => r.toFixed(2)).join(' ')])
    printTable('Paired ratios', ['ratio', 'range', 'per round'], rows)
    /** An info verdict: `candidate` against `baseline`, two of the measured variants, with the paired ratio. */
    const infoVerdict = (what, baseline, candidate, note) =>
      verdict({
        bench: BENCH,
        what,
        baseline: formatSpread(measured[baseline].summary),
        lab: formatSpread(measured[candidate].summary),
        ratio: formatRatioSpread({ median: measured[candidate].summary.median / measured[baseline].summary.median, min: Math.min(...ratio(candidate, baseline)), max: Math.max(...ratio(candidate, baseline)) }),
        target: 'info',
        met: undefined,
        note,
      })
    infoVerdict(`spawn cost in a ${rssMb[1].toFixed(0)} MB parent vs a ${rssMb[0].toFixed(0)} MB one (lab)`, 2, 3, 'Node forks the whole parent for every child: the cost grows with its memory.')
    infoVerdict(`spawn cost in a ${rssMb[1].toFixed(0)} MB parent, through the spawner helpers vs in-process`, 3, 5, 'The helpers are small, whatever the size of the process that asks them: the design the desktop app uses.')
  } finally {
    await Promise.all(helpers.map((h) => h.stop()))
  }
}

runBench(main)
