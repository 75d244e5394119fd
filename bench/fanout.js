/**
 * Fan-out: N × sleep 0.1 started at once, wall time until all have ended, for N = 10, 50 and 200:
 * through the engine as the fanout experiment runs it (mapLimited, children started by the lab's
 * launcher: on Linux where the addon is built, vfork from this process; and the same launcher in a
 * worker thread, where the desktop app and serve run the engine), then through spawner
 * helpers starting children with the vfork addon and with Node's own spawn, against Python's
 * subprocess doing the same (the baseline, where python3 exists) and a bare child_process.spawn.
 * As a control, the addon driven by a bare loop in a Node process of its own (the floor for any
 * launcher built on it). All interleaved round by round; then, per launcher, what one child's start
 * costs. Against Python, each size reports the paired ratios' geometric mean with its 95%
 * confidence interval: the target is met unless the whole interval lies above 1.
 * At the first size only, as before: the lab from its own process, execa, and the same from a
 * parent holding 300 MB (the Electron main process is big), with this process's event-loop delay.
 *
 *   node bench/fanout.js [--children 10,50,200] [--rounds 8] [--seconds 0.1] [--ballast-mb 300] [--helpers N]
 *   (--helpers: how many spawner helpers the lab uses here; by default one per core, up to 4)
 */
import { spawn } from 'node:child_process'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { loadEngine } from './lib/engine.js'
import { startHelper } from './lib/helper-client.js'
import { startBareVforkFanout } from './lib/bare-vfork-fanout.js'
import { interleave, median, ratioInterval } from './lib/measure.js'
import { requireProgram } from './lib/programs.js'
import { startPythonFanout } from './lib/python-fanout.js'
import { startThreadFanout } from './lib/thread-fanout.js'
import { formatMs, formatRatioSpread, formatSpread, listOption, option, printMeasured, printTable, runBench, verdict } from './lib/report.js'
import { fanoutWallMs, labNativeSpawnAddon, makeSpawners, startSpawnerHelpers } from './lib/spawners.js'

const BENCH = 'fanout'

/** N children of `sleep seconds` at once through child_process.spawn, the lab's stdio; wall ms and each spawn call's time. */
async function bareFanout(sleepFile, children, seconds) {
  const begin = performance.now()
  const held = []
  const ended = []
  for (let i = 0; i < children; i++) {
    const called = performance.now()
    const child = spawn(sleepFile, [String(seconds)], { stdio: ['ignore', 'pipe', 'pipe'] })
    held.push(performance.now() - called)
    child.stdout.resume()
    child.stderr.resume()
    ended.push(new Promise((resolve, reject) => child.once('error', reject).once('close', resolve)))
  }
  await Promise.all(ended)
  return { wallMs: performance.now() - begin, held }
}

/** A ratio's geometric mean with its 95% interval and what it says against 1, or a dash where none was measured. */
const describeInterval = (interval) => (interval ? `${interval.geomean.toFixed(3)}× (95% CI ${interval.low.toFixed(3)}–${interval.high.toFixed(3)}): ${interval.against1}` : '—')

async function main() {
  const { 'run-child': engine, 'spawner-helpers': helperModule, 'native-addon': nativeAddonModule, limit } = await loadEngine('run-child', 'spawner-helpers', 'native-addon', 'limit')
  const sizes = listOption('children', [10, 50, 200])
  const rounds = option('rounds', 8)
  const seconds = option('seconds', 0.1)
  const ballastMb = option('ballast-mb', 300)
  const helperCount = option('helpers', undefined)
  const sleepFile = requireProgram('sleep')
  const nativeSpawnAddon = labNativeSpawnAddon(nativeAddonModule)
  // the lab's launcher as createLab makes it, and the two ways its helpers can start children
  const labStarter = await startSpawnerHelpers(helperModule.SpawnerHelpers, { count: helperCount, nativeSpawnAddon, vforkHere: true })
  const nativeHelpers = await startSpawnerHelpers(helperModule.SpawnerHelpers, { count: helperCount, nativeSpawnAddon })
  const nodeHelpers = await startSpawnerHelpers(helperModule.SpawnerHelpers, { count: helperCount })
  const labChoice = labStarter.launchers()[0]
  // the same launcher where the desktop app and serve run the engine: a worker thread of this process
  const engineThread = await startThreadFanout({ addonPath: nativeSpawnAddon, count: helperCount })
  const nativeChoice = nativeHelpers.launchers()[0]
  const spawners = makeSpawners(engine.runChild, labStarter)
  const python = await startPythonFanout()
  const bareVfork = await startBareVforkFanout(nativeSpawnAddon)
  // a parent as big as an Electron main process, and a small one, each with its own spawner helpers
  const parents = [await startHelper(0), await startHelper(ballastMb)]
  const helpersLabel = `${nativeHelpers.count} helper${nativeHelpers.count === 1 ? '' : 's'}`
  const names = {
    python: python ? `Python ${python.version} subprocess` : undefined,
    lab: labChoice?.fromLabProcess ? 'lab, vfork from its own process' : `lab, ${helpersLabel} (no vfork here)`,
    thread: engineThread.fromLabProcess ? "lab, vfork from the engine's thread" : `lab in the engine's thread, ${helpersLabel} (no vfork here)`,
    bareVfork: 'vfork addon in a bare loop (control)',
    native: `lab, ${helpersLabel}, ${nativeChoice?.launcher === 'vfork' ? 'vfork addon' : 'addon unavailable (Node spawn)'}`,
    node: `lab, ${helpersLabel}, Node spawn`,
    bare: 'bare child_process.spawn',
    inProcess: "runChild (Node's spawn) in its own process",
    execa: 'execa',
  }
  console.log(`Fan-out: N × ${sleepFile} ${seconds} at once, N = ${sizes.join(', ')}; wall ms, ${rounds} rounds after one warm-up per size, interleaved.`)
  console.log(`The lab: ${labChoice?.reason ?? 'no launcher reported'} Native helpers: ${nativeChoice?.reason ?? 'no launcher reported'}${python ? '' : ' python3 was not found: Python is skipped, and bare spawn is the baseline.'}`)

  /** Per size and variant, per trial: each child's start cost (ms held in the start call). */
  const startCosts = new Map()
  const noteStarts = (size, name, heldMs) => {
    const key = `${size} ${name}`
    startCosts.set(key, [...(startCosts.get(key) ?? []), heldMs])
  }
  // every variant's first trial at a size is the warm-up round
  const measuredStarts = (size, name) => (startCosts.get(`${size} ${name}`) ?? []).slice(1).flat()
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
      loopDelays.set(name, [...(loopDelays.get(name) ?? []), Math.max(0, histogram.max / 1e6 - 1)])
    }
  }
  /**
   * Exactly the fanout experiment's parallel variant: N copies at once through the launcher's runAll (one start loop
   * where children start from this process, a request per child through helpers), or mapLimited with the limit at N
   * for a launcher without it; the spawn call per child noted.
   */
  const labFanout = (size, name, starter) => async () => {
    const spec = { file: sleepFile, args: [String(seconds)] }
    const begin = performance.now()
    const outcomes = typeof starter === 'function' ? await limit.mapLimited(size, size, () => starter(spec)) : await starter.runAll(spec, size)
    const wallMs = performance.now() - begin
    if (outcomes.some((o) => o.startError || o.exitCode !== 0)) throw new Error(`A sleep child failed in the fan-out bench: ${outcomes.find((o) => o.startError)?.startError?.message ?? 'non-zero exit'}.`)
    noteStarts(size, name, outcomes.map((o) => o.spawnReturnedAtMs - (o.spawnCalledAtMs ?? o.startedAtMs)))
    return wallMs
  }
  /** A launcher in a process of its own that times each fan-out inside itself (Python, the bare loop). */
  const timedInside = (size, name, launcher) => ({
    name,
    run: async () => {
      const { wallMs, heldMs } = await launcher.fanout(size, seconds, sleepFile)
      noteStarts(size, name, [heldMs])
      return wallMs
    },
  })
  const summaryRows = []
  try {
    for (const [sizeIndex, size] of sizes.entries()) {
      const variants = [
        ...(python ? [timedInside(size, names.python, python)] : []),
        { name: names.lab, run: watched(names.lab, labFanout(size, names.lab, labStarter)) },
        { name: names.thread, run: async () => {
          const { wallMs, heldMs } = await engineThread.fanout(size, seconds, sleepFile)
          noteStarts(size, names.thread, heldMs)
          return wallMs
        } },
        ...(bareVfork ? [timedInside(size, names.bareVfork, bareVfork)] : []),
        { name: names.native, run: watched(names.native, labFanout(size, names.native, nativeHelpers)) },
        { name: names.node, run: watched(names.node, labFanout(size, names.node, nodeHelpers)) },
        { name: names.bare, run: watched(names.bare, async () => {
          const { wallMs, held } = await bareFanout(sleepFile, size, seconds)
          noteStarts(size, names.bare, held)
          return wallMs
        }) },
      ]
      const extras = sizeIndex === 0
      const launcherVariants = variants.map(({ name }) => name)
      if (extras) {
        const inParent = (parent, spawner, label) => ({ name: `${label} in a ${parent.rssMb().toFixed(0)} MB parent`, run: async () => (await parent.request({ op: 'fanout', spawner, file: sleepFile, children: size, seconds })).valueMs })
        variants.push(
          { name: names.inProcess, run: watched(names.inProcess, labFanout(size, names.inProcess, (spec) => engine.runChild(spec))) },
          { name: names.execa, run: watched(names.execa, () => fanoutWallMs(spawners.execa, sleepFile, size, seconds)) },
          inParent(parents[0], 'lab', "runChild (Node's spawn)"),
          inParent(parents[1], 'lab', "runChild (Node's spawn)"),
          inParent(parents[1], 'helpers', "the lab's launcher"),
        )
      }
      const measured = await interleave(variants, { rounds, warmup: 1 })
      printMeasured(`${size} × sleep ${seconds} in parallel: wall time`, measured, { unit: 'wall' })
      const byName = (name) => measured.find((m) => m.name === name)
      const lab = byName(names.lab)
      const nativeLab = byName(names.native)
      const nodeLab = byName(names.node)
      const paired = (a, b) => a.values.map((v, i) => v / b.values[i])
      const spread = (ratios) => `${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`
      printTable(`${size} children: paired ratios`, ['ratio', 'median (range)'], [
        [`${names.lab} ÷ ${names.native}`, spread(paired(lab, nativeLab))],
        [`${names.lab} ÷ ${names.node}`, spread(paired(lab, nodeLab))],
        [`${names.lab} ÷ ${names.bare}`, spread(paired(lab, byName(names.bare)))],
        ...(bareVfork ? [[`${names.lab} ÷ ${names.bareVfork}`, spread(paired(lab, byName(names.bareVfork)))]] : []),
      ])
      const floorMs = seconds * 1000
      printTable(`${size} children: what starting one child costs, per launcher`, ['launcher', 'held in the start call, median per child', 'wall beyond the sleep ÷ children'], launcherVariants.map((name) => {
        const held = measuredStarts(size, name)
        return [name, held.length ? formatMs(median(held)) : '—', formatMs((byName(name).summary.median - floorMs) / size)]
      }))
      const vsPython = (m) => (python && m ? formatRatioSpread(m.ratio) : '—')
      const interval = python ? ratioInterval(lab.ratios) : undefined
      const intervalText = describeInterval(interval)
      const threadLab = byName(names.thread)
      const threadInterval = python ? ratioInterval(threadLab.ratios) : undefined
      const threadIntervalText = describeInterval(threadInterval)
      const bareInterval = python && bareVfork ? ratioInterval(byName(names.bareVfork).ratios) : undefined
      summaryRows.push([String(size), python ? formatSpread(measured[0].summary) : '—', formatSpread(lab.summary), vsPython(lab), intervalText, threadIntervalText, bareInterval ? `${bareInterval.geomean.toFixed(3)}× (${bareInterval.low.toFixed(3)}–${bareInterval.high.toFixed(3)})` : '—', vsPython(nativeLab), vsPython(nodeLab), vsPython(byName(names.bare))])
      const others = `(vfork helpers ${formatMs(nativeLab.summary.median)}, Node-spawn helpers ${formatMs(nodeLab.summary.median)}, bare spawn ${formatMs(byName(names.bare).summary.median)})`
      verdict({
        bench: BENCH,
        what: `fan-out ${size} × sleep ${seconds}, parallel wall`,
        baseline: python ? `Python ${formatSpread(measured[0].summary)}` : undefined,
        lab: `${formatSpread(lab.summary)} ${others}`,
        ratio: python ? `${formatRatioSpread(lab.ratio)}; geometric mean ${intervalText}` : undefined,
        target: '≤ 1.0× Python: not measurably slower',
        met: interval ? interval.against1 !== 'slower' : undefined,
        note: python
          ? sizeIndex === 0 ? `${labChoice?.reason ?? ''} CPython starts children with vfork; libuv forks on Linux, copying the page tables of the whole calling process.` : undefined
          : 'python3 was not found, so the baseline could not be measured.',
      })
      verdict({
        bench: BENCH,
        what: `fan-out ${size} × sleep ${seconds}, parallel wall, the engine in its own thread (the desktop app, serve)`,
        baseline: python ? `Python ${formatSpread(measured[0].summary)}` : undefined,
        lab: formatSpread(threadLab.summary),
        ratio: python ? `${formatRatioSpread(threadLab.ratio)}; geometric mean ${threadIntervalText}` : undefined,
        target: '≤ 1.0× Python: not measurably slower',
        met: threadInterval ? threadInterval.against1 !== 'slower' : undefined,
      })
      if (extras) {
        printTable(
          "This process's event loop during each trial: max delay (median over trials, and the worst)",
          ['variant', 'median of trial max', 'worst'],
          [...loopDelays].map(([name, delays]) => {
            const measuredDelays = delays.slice(-rounds)
            return [name, formatMs(median(measuredDelays)), formatMs(Math.max(...measuredDelays))]
          }),
        )
        const [smallInProcess, bigInProcess, bigHelpers] = measured.slice(-3)
        printTable(`${size} children from a big parent: paired ratios`, ['ratio', 'median (range)'], [
          [`${bigInProcess.name} ÷ ${smallInProcess.name}`, spread(paired(bigInProcess, smallInProcess))],
          [`${bigHelpers.name} ÷ ${smallInProcess.name}`, spread(paired(bigHelpers, smallInProcess))],
          [`${names.lab} ÷ ${names.inProcess}`, spread(paired(lab, byName(names.inProcess)))],
        ])
        verdict({
          bench: BENCH,
          what: `fan-out ${size} from a ${bigHelpers.name.match(/(\d+) MB/)[1]} MB parent: Node's spawn vs the lab's launcher`,
          baseline: formatSpread(bigInProcess.summary),
          lab: formatSpread(bigHelpers.summary),
          ratio: spread(paired(bigHelpers, bigInProcess)),
          target: 'info',
          met: undefined,
        })
      }
    }
    printTable(`Fan-out of N × sleep ${seconds}, medians: the lab (${names.lab}) against Python, per size`, ['N', 'Python', 'lab', 'lab ÷ Python, median (rounds)', 'lab ÷ Python, geometric mean (95% CI)', "lab from the engine's thread ÷ Python (95% CI)", 'bare addon loop ÷ Python (95% CI)', 'vfork helpers ÷ Python', 'Node-spawn helpers ÷ Python', 'bare spawn ÷ Python'], summaryRows)
  } finally {
    await Promise.all([python?.stop(), bareVfork?.stop(), engineThread.stop(), labStarter.close(), nativeHelpers.close(), nodeHelpers.close(), ...parents.map((h) => h.stop())])
  }
}

runBench(main)
