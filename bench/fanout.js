/**
 * Fan-out: 10 × sleep 0.1 started at once, wall time until all have ended, through the engine
 * (mapLimited + runChild, as the fanout experiment's parallel variant) against Python's
 * subprocess doing the same (the baseline, where python3 exists), raw spawn and execa — and the
 * engine in a small parent against a parent holding 300 MB (the Electron main process is big).
 * All interleaved round by round. Also two prototypes of a spawn path off the main process (the
 * children started by small helper processes over IPC) and the engine starting one child per turn
 * of the event loop, with this process's event-loop delay during each.
 *
 *   node bench/fanout.js [--rounds 12] [--children 10] [--seconds 0.1] [--ballast-mb 300]
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { loadEngine } from './lib/engine.js'
import { startHelper } from './lib/helper-client.js'
import { interleave, median } from './lib/measure.js'
import { requireProgram } from './lib/programs.js'
import { startPythonFanout } from './lib/python-fanout.js'
import { formatMs, formatRatioSpread, formatSpread, option, printMeasured, printTable, runBench, verdict } from './lib/report.js'
import { fanoutWallMs, makeSpawners } from './lib/spawners.js'

const BENCH = 'fanout'

async function main() {
  const { 'run-child': engine, limit } = await loadEngine('run-child', 'limit')
  const rounds = option('rounds', 12)
  const children = option('children', 10)
  const seconds = option('seconds', 0.1)
  const ballastMb = option('ballast-mb', 300)
  const sleepFile = requireProgram('sleep')
  const spawners = makeSpawners(engine.runChild)
  const python = await startPythonFanout()
  // two small parents (a prototype of spawning from helper processes) and a big one
  const helpers = [await startHelper(0), await startHelper(ballastMb), await startHelper(0)]
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
    const labFanout = async () => {
      const begin = performance.now()
      // exactly the fanout experiment's parallel variant: mapLimited with the limit at N
      const outcomes = await limit.mapLimited(children, children, () => engine.runChild({ file: sleepFile, args: [String(seconds)] }))
      if (outcomes.some((o) => o.startError || o.exitCode !== 0)) throw new Error('A sleep child failed in the fan-out bench.')
      return performance.now() - begin
    }
    /** The same, one spawn per turn of the event loop (as the factorize experiment starts its children). */
    const labFanoutYielding = async () => {
      const begin = performance.now()
      const started = []
      for (let i = 0; i < children; i++) {
        if (i > 0) await nextTurn()
        started.push(engine.runChild({ file: sleepFile, args: [String(seconds)] }))
      }
      const outcomes = await Promise.all(started)
      if (outcomes.some((o) => o.startError || o.exitCode !== 0)) throw new Error('A sleep child failed in the fan-out bench.')
      return performance.now() - begin
    }
    /** Prototype: the children started by small helper processes over IPC (wall measured here, IPC included). */
    const viaHelpers = (count) => async () => {
      const begin = performance.now()
      const share = Math.ceil(children / count)
      const smallHelpers = [helpers[0], helpers[2]].slice(0, count)
      await Promise.all(smallHelpers.map((helper, i) => helper.request({ op: 'fanout', spawner: 'raw', file: sleepFile, children: Math.min(share, children - i * share), seconds })))
      return performance.now() - begin
    }
    const variants = [
      ...(python ? [{ name: `Python ${python.version} subprocess`, run: () => python.fanoutMs(children, seconds, sleepFile) }] : []),
      { name: 'lab (engine)', run: watched('lab (engine)', labFanout) },
      { name: 'child_process.spawn', run: watched('child_process.spawn', () => fanoutWallMs(spawners.raw, sleepFile, children, seconds)) },
      { name: 'execa', run: watched('execa', () => fanoutWallMs(spawners.execa, sleepFile, children, seconds)) },
      { name: 'lab, one spawn per loop turn', run: watched('lab, one spawn per loop turn', labFanoutYielding) },
      { name: 'spawn in 1 small helper process (IPC)', run: watched('spawn in 1 small helper process (IPC)', viaHelpers(1)) },
      { name: 'spawn in 2 small helper processes (IPC)', run: watched('spawn in 2 small helper processes (IPC)', viaHelpers(2)) },
      ...helpers.slice(0, 2).map((helper) => ({ name: `lab in a ${helper.rssMb().toFixed(0)} MB parent`, run: async () => (await helper.request({ op: 'fanout', spawner: 'lab', file: sleepFile, children, seconds })).valueMs })),
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
    const byName = (prefix) => measured.find((m) => m.name.startsWith(prefix))
    const lab = byName('lab (engine)')
    const small = measured.find((m) => m.name === `lab in a ${helpers[0].rssMb().toFixed(0)} MB parent`)
    const big = measured.at(-1)
    const bigOverSmall = big.values.map((v, i) => v / small.values[i])
    printTable('Paired ratios', ['ratio', 'median', 'range'], [
      [`${big.name} ÷ ${small.name}`, median(bigOverSmall).toFixed(2), `${Math.min(...bigOverSmall).toFixed(2)}–${Math.max(...bigOverSmall).toFixed(2)}`],
    ])
    const floorMs = seconds * 1000
    console.log(`The sleeps alone take ${formatMs(floorMs)}; beyond that, the lab's median spends ${formatMs(lab.summary.median - floorMs)} starting and reaping ${children} children.`)
    if (python) {
      verdict({
        bench: BENCH,
        what: `fan-out ${children} × sleep ${seconds}, parallel wall`,
        baseline: `Python ${formatSpread(measured[0].summary)}`,
        lab: `${formatSpread(lab.summary)} (spawn ${formatMs(byName('child_process').summary.median)}, execa ${formatMs(byName('execa').summary.median)})`,
        ratio: formatRatioSpread(lab.ratio),
        target: '≤ 1.0× Python',
        met: lab.ratio.median <= 1.0,
      })
    } else {
      verdict({ bench: BENCH, what: `fan-out ${children} × sleep ${seconds}, parallel wall`, lab: formatSpread(lab.summary), target: '≤ 1.0× Python', met: undefined, note: 'python3 was not found, so the baseline could not be measured.' })
    }
    verdict({
      bench: BENCH,
      what: `fan-out in a ${big.name.match(/(\d+) MB/)[1]} MB parent vs a ${small.name.match(/(\d+) MB/)[1]} MB one (lab)`,
      baseline: formatSpread(small.summary),
      lab: formatSpread(big.summary),
      ratio: `${median(bigOverSmall).toFixed(2)}× (${Math.min(...bigOverSmall).toFixed(2)}–${Math.max(...bigOverSmall).toFixed(2)})`,
      target: 'info',
      met: undefined,
    })
  } finally {
    await Promise.all([python?.stop(), ...helpers.map((h) => h.stop())])
  }
}

runBench(main)
