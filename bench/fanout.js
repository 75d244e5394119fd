/**
 * Fan-out: 10 × sleep 0.1 started at once, wall time until all have ended, through the engine as
 * the fanout experiment runs it (mapLimited, children started by the lab's spawner helpers, its
 * default; and started from the lab's own process) against Python's subprocess doing the same
 * (the baseline, where python3 exists), raw spawn and execa — and the same from a parent holding
 * 300 MB (the Electron main process is big), with and without the helpers. All interleaved round
 * by round, with this process's event-loop delay during each.
 *
 *   node bench/fanout.js [--rounds 12] [--children 10] [--seconds 0.1] [--ballast-mb 300] [--helpers N]
 *   (--helpers: how many spawner helpers the lab uses here; by default one per core, up to 4)
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { loadEngine } from './lib/engine.js'
import { startHelper } from './lib/helper-client.js'
import { interleave, median } from './lib/measure.js'
import { requireProgram } from './lib/programs.js'
import { startPythonFanout } from './lib/python-fanout.js'
import { formatMs, formatRatioSpread, formatSpread, option, printMeasured, printTable, runBench, verdict } from './lib/report.js'
import { fanoutWallMs, makeSpawners, startSpawnerHelpers } from './lib/spawners.js'

const BENCH = 'fanout'

async function main() {
  const { 'run-child': engine, 'spawner-helpers': helperModule, limit } = await loadEngine('run-child', 'spawner-helpers', 'limit')
  const rounds = option('rounds', 12)
  const children = option('children', 10)
  const seconds = option('seconds', 0.1)
  const ballastMb = option('ballast-mb', 300)
  const sleepFile = requireProgram('sleep')
  const spawnerHelpers = await startSpawnerHelpers(helperModule.SpawnerHelpers, option('helpers', undefined))
  const spawners = makeSpawners(engine.runChild, spawnerHelpers)
  const python = await startPythonFanout()
  // a parent as big as an Electron main process, and a small one, each with its own spawner helpers
  const parents = [await startHelper(0), await startHelper(ballastMb)]
  const loopDelays = new Map()
  /** Runs a trial with the main thread's event-loop delay watched: its max, per variant, per trial. */
  const watched = (name, trial) => async () => {
    const histogram = monitorEventLoopDelay({ resolution: 1 })
    histogram.enable()
    // let the monitor's timer start before the trial's synchronous part, or it misses it
    await new Promise((resolve) => setTimeout(resolve, 5))
    try {
      return await trial()
    } finally {
      histogram.disable()
      const list = loopDelays.get(name) ?? []
      list.push(Math.max(0, histogram.max / 1e6 - 1))
      loopDelays.set(name, list)
    }
  }
  try {
    /** Exactly the fanout experiment's parallel variant: mapLimited with the limit at N, children from `start`. */
    const labFanout = (start) => async () => {
      const begin = performance.now()
      const outcomes = await limit.mapLimited(children, children, () => start({ file: sleepFile, args: [String(seconds)] }))
      if (outcomes.some((o) => o.startError || o.exitCode !== 0)) throw new Error('A sleep child failed in the fan-out bench.')
      return performance.now() - begin
    }
    const names = {
      helpers: `lab, ${spawnerHelpers.count} spawner helper${spawnerHelpers.count === 1 ? '' : 's'}${option('helpers', undefined) === undefined ? ' (default)' : ''}`,
      inProcess: 'lab, from its own process',
      raw: 'child_process.spawn',
      execa: 'execa',
    }
    const inParent = (parent, spawner, label) => ({ name: `${label} in a ${parent.rssMb().toFixed(0)} MB parent`, run: async () => (await parent.request({ op: 'fanout', spawner, file: sleepFile, children, seconds })).valueMs })
    const variants = [
      ...(python ? [{ name: `Python ${python.version} subprocess`, run: () => python.fanoutMs(children, seconds, sleepFile) }] : []),
      { name: names.helpers, run: watched(names.helpers, labFanout((spec) => spawnerHelpers.run(spec))) },
      { name: names.inProcess, run: watched(names.inProcess, labFanout((spec) => engine.runChild(spec))) },
      { name: names.raw, run: watched(names.raw, () => fanoutWallMs(spawners.raw, sleepFile, children, seconds)) },
      { name: names.execa, run: watched(names.execa, () => fanoutWallMs(spawners.execa, sleepFile, children, seconds)) },
      inParent(parents[0], 'lab', 'lab in-process'),
      inParent(parents[1], 'lab', 'lab in-process'),
      inParent(parents[1], 'helpers', 'lab via spawner helpers'),
    ]
    console.log(`Fan-out: ${children} × ${sleepFile} ${seconds} at once, wall ms; ${rounds} rounds after one warm-up, interleaved.${python ? '' : ' python3 was not found: Python is skipped, and raw spawn is the baseline.'}`)
    const measured = await interleave(variants, { rounds, warmup: 1 })
    printMeasured(`${children} × sleep ${seconds} in parallel: wall time`, measured, { unit: 'wall' })
    printTable(
      "This process's event loop during each trial: max delay (median over trials, and the worst)",
      ['variant', 'median of trial max', 'worst'],
      [...loopDelays].map(([name, delays]) => {
        const measuredDelays = delays.slice(-rounds)
        return [name, formatMs(median(measuredDelays)), formatMs(Math.max(...measuredDelays))]
      }),
    )
    const byName = (name) => measured.find((m) => m.name === name)
    const lab = byName(names.helpers)
    const [smallInProcess, bigInProcess, bigHelpers] = measured.slice(-3)
    const paired = (a, b) => a.values.map((v, i) => v / b.values[i])
    const spread = (ratios) => `${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`
    printTable('Paired ratios', ['ratio', 'median (range)'], [
      [`${bigInProcess.name} ÷ ${smallInProcess.name}`, spread(paired(bigInProcess, smallInProcess))],
      [`${bigHelpers.name} ÷ ${smallInProcess.name}`, spread(paired(bigHelpers, smallInProcess))],
      [`${names.helpers} ÷ ${names.inProcess}`, spread(paired(lab, byName(names.inProcess)))],
    ])
    const floorMs = seconds * 1000
    console.log(`The sleeps alone take ${formatMs(floorMs)}; beyond that, the lab's median spends ${formatMs(lab.summary.median - floorMs)} starting and reaping ${children} children.`)
    const others = `(from its own process ${formatMs(byName(names.inProcess).summary.median)}, spawn ${formatMs(byName(names.raw).summary.median)}, execa ${formatMs(byName(names.execa).summary.median)})`
    if (python) {
      verdict({
        bench: BENCH,
        what: `fan-out ${children} × sleep ${seconds}, parallel wall`,
        baseline: `Python ${formatSpread(measured[0].summary)}`,
        lab: `${formatSpread(lab.summary)} ${others}`,
        ratio: formatRatioSpread(lab.ratio),
        target: '≤ 1.0× Python',
        met: lab.ratio.median <= 1.0,
        note: 'CPython starts children with vfork (no copy of the parent); libuv forks on Linux, about 1 ms a child even from a small process here. The helpers start children side by side on the cores there are.',
      })
    } else {
      verdict({ bench: BENCH, what: `fan-out ${children} × sleep ${seconds}, parallel wall`, lab: `${formatSpread(lab.summary)} ${others}`, target: '≤ 1.0× Python', met: undefined, note: 'python3 was not found, so the baseline could not be measured.' })
    }
    verdict({
      bench: BENCH,
      what: `fan-out from a ${bigHelpers.name.match(/(\d+) MB/)[1]} MB parent: in-process vs spawner helpers`,
      baseline: formatSpread(bigInProcess.summary),
      lab: formatSpread(bigHelpers.summary),
      ratio: spread(paired(bigHelpers, bigInProcess)),
      target: 'info',
      met: undefined,
    })
  } finally {
    await Promise.all([python?.stop(), spawnerHelpers.close(), ...parents.map((h) => h.stop())])
  }
}

runBench(main)
