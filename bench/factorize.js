/**
 * Factorize speedup with 2 worker threads on 2 cores against serial in one worker, on a
 * fine-grained workload (the lesson's 4 numbers repeated 50 times), through the engine's own
 * factorize experiment (createLab → runs.start), which interleaves serial and threads run by run
 * and pairs them. Then where the missing speedup went, from the run's own timelines: the work
 * taking longer per number when both threads run, uneven finishing, and gaps between tasks.
 *
 *   node bench/factorize.js [--repeats 2] [--runs 8] [--scale 50]
 */
import { Worker } from 'node:worker_threads'
import { join } from 'node:path'
import { loadEngine } from './lib/engine.js'
import { interleave } from './lib/measure.js'
import { benchWorkersDir } from './lib/paths.js'
import { newLab, runExperiment } from './lib/lab-run.js'
import { median, summarize } from './lib/measure.js'
import { printMeasured } from './lib/report.js'
import { formatMs, formatRatioSpread, formatSpread, option, printTable, runBench, verdict } from './lib/report.js'

const BENCH = 'factorize'
const TARGET = 1.8

const duration = (s) => s.endMs - s.startMs

/** Busy time per thread, the wall from first start to last end, and the gaps, from one trial's spans. */
function account(spans) {
  const start = Math.min(...spans.map((s) => s.startMs))
  const end = Math.max(...spans.map((s) => s.endMs))
  const lanes = new Map()
  for (const span of spans) {
    const lane = lanes.get(span.lane) ?? { busyMs: 0, lastEndMs: start, firstStartMs: Infinity }
    lane.busyMs += duration(span)
    lane.lastEndMs = Math.max(lane.lastEndMs, span.endMs)
    lane.firstStartMs = Math.min(lane.firstStartMs, span.startMs)
    lanes.set(span.lane, lane)
  }
  return { wallMs: end - start, busyMs: [...lanes.values()].reduce((a, l) => a + l.busyMs, 0), lanes: [...lanes.values()], start, end }
}

/** Warm bare threads running the same loop with no pool: what 2 threads can give on this machine. */
async function hardwareCeiling(numbers, rounds) {
  const start = () =>
    new Promise((resolve, reject) => {
      const worker = new Worker(join(benchWorkersDir, 'divisors.js'))
      worker.once('error', reject)
      worker.once('message', () => resolve(worker))
    })
  const workers = [await start(), await start()]
  const work = (worker, list) => new Promise((resolve) => {
    worker.once('message', resolve)
    worker.postMessage(list)
  })
  // split by work (trial divisions = n), largest first to the lighter half: as even as the list allows
  const halves = [[], []]
  const load = [0, 0]
  for (const n of [...numbers].sort((a, b) => b - a)) {
    const lighter = load[0] <= load[1] ? 0 : 1
    halves[lighter].push(n)
    load[lighter] += n
  }
  try {
    return await interleave(
      [
        { name: 'one bare thread, all numbers', run: async () => { const t = performance.now(); await work(workers[0], numbers); return performance.now() - t } },
        { name: 'two bare threads, half the work each', run: async () => { const t = performance.now(); await Promise.all(halves.map((h, i) => work(workers[i], h))); return performance.now() - t } },
      ],
      { rounds, warmup: 1 },
    )
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
}

async function main() {
  const { lab: labModule, factorize } = await loadEngine('lab', 'factorize')
  const repeats = option('repeats', 2)
  const runs = option('runs', 8)
  const scale = option('scale', 50)
  const { lab, close } = newLab(labModule.createLab)
  const rows = []
  const allRatios = []
  const accounts = []
  try {
    console.log(`Factorize: ${factorize.LESSON_NUMBERS.join(', ')} × ${scale}; serial in one worker vs 2 worker threads; ${repeats} experiment runs of ${runs} paired runs each (after one warm-up).`)
    for (let repeat = 0; repeat < repeats; repeat++) {
      const result = await runExperiment(lab, 'factorize', { numbers: [...factorize.LESSON_NUMBERS], scale, workers: [2], strategies: ['serial', 'threads'], runtime: 'node', runs, warmup: 1 })
      const serial = result.series.find((s) => s.id === 'serial')
      const threads = result.series.find((s) => s.id === 'threads-2')
      const comparison = result.comparisons.find((c) => c.candidateId === 'threads-2')
      allRatios.push(...comparison.ratios)
      const bound = result.data.split.bounds.find((b) => b.workers === 2)
      const serialSpans = result.timelines.find((t) => t.id === 'serial').spans
      const threadSpans = result.timelines.find((t) => t.id === 'threads-2').spans
      const serialAccount = account(serialSpans)
      const threadAccount = account(threadSpans)
      accounts.push({ serialAccount, threadAccount, valueMs: threads.samples.at(-1).valueMs, serialValueMs: serial.samples.at(-1).valueMs })
      rows.push([
        `run ${repeat + 1}`,
        formatSpread(serial.summary),
        formatSpread(threads.summary),
        formatRatioSpread(comparison.summary),
        `${result.data.numbersPerTask} numbers/task, largest task ${(result.data.split.largestTaskShare * 100).toFixed(1)}% (bound ${bound.longestTaskBound.toFixed(2)}×, in order ${bound.inOrderBound.toFixed(2)}×)`,
        result.data.eventLoopDelay ? formatMs(result.data.eventLoopDelay.maxMs) : '—',
      ])
    }
    printTable('Serial vs 2 threads (per experiment run: median (min–max) of its runs)', ['', 'serial', '2 threads', 'speedup, paired (min–max)', 'split', 'main loop max delay'], rows)
    const speedup = summarize(allRatios)

    // Where the rest went, in the last trial of each run.
    const lossRows = accounts.map(({ serialAccount, threadAccount, valueMs, serialValueMs }, i) => {
      const inflation = threadAccount.busyMs / serialAccount.busyMs
      const laneBusy = threadAccount.lanes.map((l) => l.busyMs)
      const finishGapMs = Math.abs(threadAccount.lanes[0].lastEndMs - (threadAccount.lanes[1]?.lastEndMs ?? threadAccount.lanes[0].lastEndMs))
      const gapsMs = threadAccount.lanes.map((l) => l.lastEndMs - l.firstStartMs - l.busyMs)
      return [
        `run ${i + 1}`,
        `${formatMs(serialAccount.busyMs)} of ${formatMs(serialValueMs)}`,
        laneBusy.map(formatMs).join(' + '),
        `${inflation.toFixed(3)}×`,
        formatMs(finishGapMs),
        gapsMs.map(formatMs).join(', '),
        `${formatMs(threadAccount.wallMs)} of ${formatMs(valueMs)}`,
      ]
    })
    printTable(
      'Where the speedup goes (last trial of each run): work = time inside divisorsOf per number',
      ['', 'serial: work of trial', '2 threads: work per thread', 'work, 2 threads ÷ serial', 'threads finish apart by', 'gaps between tasks, per thread', '2 threads: first start → last end of trial'],
      lossRows,
    )
    const numbers = Array.from({ length: factorize.LESSON_NUMBERS.length * scale }, (_, i) => factorize.LESSON_NUMBERS[i % factorize.LESSON_NUMBERS.length])
    const ceiling = await hardwareCeiling(numbers, runs)
    printMeasured('The machine without the lab: the same list on warm bare worker threads (no pool), interleaved', ceiling, { unit: 'wall' })
    const ceilingSpeedup = summarize(ceiling[1].ratios.map((r) => 1 / r))
    console.log(`Bare 2-thread speedup on this machine now: ${formatRatioSpread(ceilingSpeedup)}; the lab's: ${formatRatioSpread(speedup)}.`)
    const inflation = median(accounts.map((a) => a.threadAccount.busyMs / a.serialAccount.busyMs))
    verdict({
      bench: BENCH,
      what: `factorize speedup, 2 threads, ×${scale} list`,
      baseline: `serial ${formatMs(median(rows.map((_, i) => accounts[i].serialValueMs)))}`,
      lab: `speedup ${formatRatioSpread(speedup)} over ${speedup.n} pairs`,
      ratio: `${speedup.median.toFixed(2)}×`,
      target: `≥ ${TARGET}×`,
      met: speedup.median >= TARGET,
      note:
        speedup.median < TARGET
          ? `the same numbers take ${inflation.toFixed(2)}× as long in total when both threads run as when one does (2 vCPUs that differ in speed and are shared); bare threads without the lab reach ${ceilingSpeedup.median.toFixed(2)}× (${ceilingSpeedup.min.toFixed(2)}–${ceilingSpeedup.max.toFixed(2)}) in the same run`
          : undefined,
    })
  } finally {
    await close()
  }
}

runBench(main)
