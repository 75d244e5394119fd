/**
 * The main thread's event-loop delay (perf_hooks.monitorEventLoopDelay) while each experiment of
 * the catalog runs through the engine (createLab → runs.start), against the same process idle
 * just before. Long stalls are also caught one by one with the run's progress message at the
 * time, to say which phase blocked the loop.
 *
 * The engine runs where the desktop app and the browser host run it, in a worker thread of its own
 * (startLabThread), and the delay is the main thread's, where those faces answer the user; with
 * --here it runs on the measured thread itself, as the command line runs it.
 *
 *   node bench/event-loop.js [--idle-ms 1000] [--ballast-mb 0,350] [--only fanout,race] [--here]
 */
import { openSync, readSync } from 'node:fs'
import { PerformanceObserver, constants as perfConstants, monitorEventLoopDelay } from 'node:perf_hooks'
import { loadEngine } from './lib/engine.js'
import { newLab, runExperiment } from './lib/lab-run.js'
import { formatMs, listOption, option, printTable, runBench, verdict } from './lib/report.js'

const BENCH = 'event-loop'
const TARGET_MS = 20
const RESOLUTION_MS = 2

/** Every experiment with the user's defaults, shortened only where a default run takes long. */
const PARAMS = {
  capture: {},
  fanout: { runs: 2 },
  pipeline: { runs: 3 },
  timeout: {},
  command: {},
  factorize: { runs: 1, warmup: 0 },
  'blocking-io': { runs: 2 },
  race: { trials: 3 },
}

/**
 * This thread's time on a core and waiting in the run queue for one, in ms (Linux:
 * /proc/thread-self/schedstat), to tell a stall of the lab's own code from one where the OS
 * gave the core to someone else (the run's own workers, on a machine with few cores).
 */
let schedstatFd
const schedstatBytes = Buffer.alloc(128)
function schedstatMs() {
  try {
    // opened once and read from its start each time: opening the path on every tick could block for
    // tens of ms while this process forked, a stall the instrument itself would cause
    schedstatFd ??= openSync('/proc/thread-self/schedstat', 'r')
    const length = readSync(schedstatFd, schedstatBytes, 0, schedstatBytes.length, 0)
    const [onCoreNs, waitingNs] = schedstatBytes.toString('latin1', 0, length).split(' ').map(Number)
    return { onCoreMs: onCoreNs / 1e6, waitingMs: waitingNs / 1e6 }
  } catch {
    return undefined
  }
}

const GC_KINDS = new Map([
  [perfConstants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [perfConstants.NODE_PERFORMANCE_GC_MINOR, 'scavenge'],
  [perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental marking'],
  [perfConstants.NODE_PERFORMANCE_GC_WEAKCB, 'weak callbacks'],
])

/** How long this thread's garbage collections held it within [fromMs, toMs], and the longest one's kind. */
function gcWithin(entries, fromMs, toMs) {
  let totalMs = 0
  let longest
  for (const entry of entries) {
    const overlapMs = Math.min(toMs, entry.startTime + entry.duration) - Math.max(fromMs, entry.startTime)
    if (overlapMs <= 0) continue
    totalMs += overlapMs
    if (!longest || entry.duration > longest.duration) longest = entry
  }
  return { gcMs: totalMs, gcKind: longest ? (GC_KINDS.get(longest.detail?.kind) ?? 'other') : undefined }
}

function watchLoop(progressOf) {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
  histogram.enable()
  // this thread's garbage collections, to tell a stall of the collector from one of the lab's code
  const gcEntries = []
  const gcObserver = new PerformanceObserver((list) => gcEntries.push(...list.getEntries()))
  gcObserver.observe({ entryTypes: ['gc'] })
  const stalls = []
  let last = performance.now()
  let lastUtilization = performance.eventLoopUtilization()
  let lastSched = schedstatMs()
  const ticker = setInterval(() => {
    const now = performance.now()
    const utilization = performance.eventLoopUtilization()
    const sched = schedstatMs()
    const lateMs = now - last - RESOLUTION_MS
    // busyMs: how much of the gap this thread spent running (JS, a synchronous spawn…) rather than
    // waiting in the poll; a late timer with an idle loop means the thread was not given a core in time.
    // onCoreMs / waitingMs split it further where the OS says: running, or ready but without a core.
    if (lateMs > TARGET_MS) {
      const split = sched && lastSched ? { onCoreMs: sched.onCoreMs - lastSched.onCoreMs, waitingMs: sched.waitingMs - lastSched.waitingMs } : {}
      // endedAtS: CLOCK_MONOTONIC, the clock of perf (-k CLOCK_MONOTONIC) and of other tools to set the stall against
      stalls.push({ lateMs, fromMs: last, toMs: now, endedAtS: Number(process.hrtime.bigint()) / 1e9, busyMs: utilization.active - lastUtilization.active, ...split, phase: progressOf() })
    }
    last = now
    lastUtilization = utilization
    lastSched = sched
  }, RESOLUTION_MS)
  return () => {
    clearInterval(ticker)
    histogram.disable()
    gcEntries.push(...gcObserver.takeRecords())
    gcObserver.disconnect()
    for (const stall of stalls) Object.assign(stall, gcWithin(gcEntries, stall.fromMs, stall.toMs))
    const late = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS)
    return { maxMs: late(histogram.max), p99Ms: late(histogram.percentile(99)), meanMs: late(histogram.mean), stalls }
  }
}

/**
 * What held a stall, by where the thread's time between the two ticks went: collecting garbage
 * (any of it), else the largest of running on a core (the lab's code, or V8's), ready and waiting
 * for one (the run's own children and threads, or the machine's other work), or asleep — neither:
 * the thread was not woken when its timer was due, which nothing it runs asks for (the VM or the
 * kernel not running it; a lock it waited on would show as asleep too). Undefined where the OS
 * gives no split.
 */
function causeOf(stall) {
  if (stall.gcMs > 0) return 'collecting garbage'
  if (stall.onCoreMs === undefined) return undefined
  const gapMs = stall.lateMs + RESOLUTION_MS
  const asleepMs = Math.max(0, gapMs - stall.onCoreMs - stall.waitingMs)
  const [cause] = [['asleep', asleepMs], ['waiting for a core', stall.waitingMs], ['on a core', stall.onCoreMs]].sort((a, b) => b[1] - a[1])[0]
  return cause
}

/** The item with the largest key, or undefined for none. */
const maxBy = (items, key) => items.reduce((a, b) => (a === undefined || key(b) > key(a) ? b : a), undefined)

/** Where the longest stall went, as far as it is known: this thread on a core (the lab's own code, or the VM's), collecting garbage. */
function accountOfLongest(stalls) {
  const longest = maxBy(stalls, (st) => st.lateMs)
  if (!longest) return ''
  const parts = [
    ...(longest.onCoreMs === undefined ? [] : [`on a core ${formatMs(longest.onCoreMs)} of the ${formatMs(longest.lateMs + RESOLUTION_MS)} between two ticks`]),
    ...(longest.gcMs > 0 ? [`collecting garbage ${formatMs(longest.gcMs)} (${longest.gcKind})`] : []),
  ]
  return parts.length > 0 ? ` (${parts.join(', ')})` : ''
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Every experiment once, in turn, each after an idle spell: the loop's delay while idle and while it ran. */
async function measurePass({ lab, experiments, idleMs, phaseOf, setPhase, engineUtilization }) {
  const rows = []
  const results = []
  for (const experiment of experiments) {
    const params = PARAMS[experiment.id] ?? {}
    setPhase('idle')
    let stop = watchLoop(phaseOf)
    await sleep(idleMs)
    const idle = stop()
    setPhase('starting')
    stop = watchLoop(phaseOf)
    const begin = performance.now()
    const engineBefore = engineUtilization()
    await runExperiment(lab, experiment.id, params)
    const durationMs = performance.now() - begin
    const busy = stop()
    const engine = engineBefore && engineUtilization(engineBefore)
    results.push({ id: experiment.id, idle, busy })
    const worst = [...busy.stalls].sort((a, b) => b.lateMs - a.lateMs).slice(0, 3)
    rows.push([
      experiment.id,
      JSON.stringify(params),
      formatMs(durationMs),
      `${formatMs(idle.maxMs)}`,
      formatMs(busy.maxMs),
      formatMs(busy.p99Ms),
      busy.maxMs <= TARGET_MS ? 'yes' : 'NO',
      engine ? `${Math.round(engine.utilization * 100)}%` : 'this thread',
      worst.map((s) => `${formatMs(s.lateMs)} (${causeOf(s) ?? 'not split'}; busy ${formatMs(s.busyMs)}${s.onCoreMs === undefined ? '' : `: on a core ${formatMs(s.onCoreMs)}, waiting for one ${formatMs(s.waitingMs)}`}${s.gcMs > 0 ? `; collecting garbage ${formatMs(s.gcMs)}, ${s.gcKind}` : ''}) during "${s.phase}", ended at ${s.endedAtS.toFixed(3)} s monotonic`).join('; ') || '—',
    ])
  }
  return { rows, results }
}

/** The target's verdict for one pass, and where its stalls over the target went (information). */
function passVerdicts(results, parentLabel, placeLabel) {
  const idleMax = Math.max(...results.map((r) => r.idle.maxMs))
  const worst = results.reduce((a, b) => (b.busy.maxMs > a.busy.maxMs ? b : a))
  const missed = results.filter((r) => r.busy.maxMs > TARGET_MS)
  const missedCauses = missed.map((r) => {
    const longest = maxBy(r.busy.stalls, (st) => st.lateMs)
    return longest ? (causeOf(longest) ?? 'not split') : 'not caught by the ticker'
  })
  verdict({
    bench: BENCH,
    what: `main event-loop delay during each experiment, the engine ${placeLabel}, ${parentLabel}, max`,
    baseline: `idle ≤ ${formatMs(idleMax)}`,
    lab: `worst ${formatMs(worst.busy.maxMs)} (${worst.id}); ${results.length - missed.length} of ${results.length} within`,
    ratio: '—',
    target: `≤ ${TARGET_MS} ms`,
    met: missed.length === 0,
    note: missed.length > 0 ? `over the target: ${missed.map((r, i) => `${r.id} ${formatMs(r.busy.maxMs)}, ${missedCauses[i]}${accountOfLongest(r.busy.stalls)}`).join(', ')}` : undefined,
  })
  // information, not a target: where the stalls over the target went (the ticker's; the histogram has no split)
  const stalls = results.flatMap((r) => r.busy.stalls.map((st) => ({ id: r.id, ...st })))
  if (stalls.length === 0) return
  const causes = new Map()
  for (const st of stalls) causes.set(causeOf(st) ?? 'not split', (causes.get(causeOf(st) ?? 'not split') ?? 0) + 1)
  verdict({
    bench: BENCH,
    what: `${parentLabel}: the stalls over ${TARGET_MS} ms by what held them`,
    lab: [...causes].map(([cause, count]) => `${cause} ${count}`).join(', '),
    target: 'info',
    met: undefined,
  })
  const onCore = maxBy(stalls.filter((st) => st.onCoreMs !== undefined), (st) => st.onCoreMs)
  verdict({
    bench: BENCH,
    what: `${parentLabel}: of the stalls over ${TARGET_MS} ms, the time this thread ran on a core (schedstat), max`,
    // the split covers the whole gap between two ticks: the stall plus the tick's own interval
    lab: onCore ? `${formatMs(onCore.onCoreMs)} of the ${formatMs(onCore.lateMs + RESOLUTION_MS)} between two ticks around a ${formatMs(onCore.lateMs)} stall (${onCore.id}); the rest waiting for a core or blocked` : 'not readable here (no /proc/thread-self/schedstat)',
    target: 'info',
    met: undefined,
  })
  const inGc = stalls.filter((st) => st.gcMs > 0)
  const longestGc = maxBy(inGc, (st) => st.gcMs)
  verdict({
    bench: BENCH,
    what: `${parentLabel}: of the stalls over ${TARGET_MS} ms, the time in this thread's garbage collection (PerformanceObserver 'gc'), max`,
    lab: longestGc ? `${formatMs(longestGc.gcMs)} (${longestGc.gcKind}) of a ${formatMs(longestGc.lateMs)} stall (${longestGc.id}); ${inGc.length} of ${stalls.length} stalls collected garbage` : `none of the ${stalls.length} stalls collected garbage`,
    target: 'info',
    met: undefined,
  })
}

async function main() {
  const here = process.argv.includes('--here')
  // first, as the desktop app's and the command line's entries do: V8's memory reducer for small heaps off
  await loadEngine('relay-heap')
  // the desktop app's main thread loads the engine's thread door only, not the engine: nor does this one, unless --here
  const { [here ? 'lab' : 'lab-thread']: engineModule, catalog } = await loadEngine(here ? 'lab' : 'lab-thread', 'catalog')
  const idleMs = option('idle-ms', 1000)
  // the process as it starts (about 55 MB resident), then as big as an Electron main process can be
  const ballasts = listOption('ballast-mb', [0, 350], { zeroAllowed: true })
  const onlyIndex = process.argv.indexOf('--only')
  const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1].split(',') : undefined
  const experiments = catalog.experiments.filter((experiment) => !only || only.includes(experiment.id))
  // the desktop app and serve fork the spawner helpers at launch, never during a run
  const { lab, close } = newLab(here ? engineModule.createLab : engineModule.startLabThread, { startSpawnersNow: true })
  /** The engine thread's event-loop utilisation (busy share) so far, where it has one. */
  const engineUtilization = (since) => lab.engineThread?.()?.performance.eventLoopUtilization(since)
  const placeLabel = here ? 'on the main thread' : 'in its own thread'
  let phase = 'idle'
  const unsubscribe = lab.events.subscribe((name, payload) => {
    if (name === 'runProgress') phase = payload.message
  })
  const ballast = []
  try {
    await lab.request('getMachineInfo', undefined) // probes Python once, as the app does at start
    if (here) await lab.spawners.ready()
    else await sleep(2000) // the engine thread's helpers, forked as it started: no request waits for them
    for (const ballastMb of ballasts) {
      // a parent as big as the Electron main process: spawning children (by fork) then costs more
      while (ballast.length < ballastMb) ballast.push(Buffer.alloc(1 << 20, ballast.length & 0xff))
      ballast.length = ballastMb
      const rssMb = Math.round(process.memoryUsage.rss() / 2 ** 20)
      const parentLabel = `${rssMb} MB parent`
      console.log(`Main-thread event-loop delay per experiment (monitorEventLoopDelay, ${RESOLUTION_MS} ms resolution, the interval taken off); idle ${idleMs} ms before each; the engine ${here ? 'on this thread, as the command line runs it' : 'in its own thread, as the desktop app and serve run it'}; this process resident ${rssMb} MB${ballastMb ? ` (${ballastMb} MB of it held on purpose)` : ''}.`)
      const { rows, results } = await measurePass({ lab, experiments, idleMs, phaseOf: () => phase, setPhase: (next) => (phase = next), engineUtilization })
      printTable(`Event-loop delay, ${parentLabel}: max while idle, then while the experiment ran`, ['experiment', 'params (else defaults)', 'run took', 'idle max', 'run max', 'run p99', `≤ ${TARGET_MS} ms?`, 'engine thread busy', 'longest stalls (of which the thread was busy: on a core, or ready and waiting for one; of it in garbage collection), in which phase'], rows)
      passVerdicts(results, parentLabel, placeLabel)
    }
  } finally {
    unsubscribe()
    await close()
    ballast.length = 0
  }
}

runBench(main)
