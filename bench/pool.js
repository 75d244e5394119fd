/**
 * The worker pool (src/main/lab/pool/worker-pool.ts, its compute worker's `noop` task) against
 * piscina and a bare postMessage ping-pong pool, 2 threads each, all alive at once and measured
 * in turns: the round trip of a no-op task, 20,000 at once (per task) and 2,000 one after another.
 * Then start-up: from creating N threads to all ready, the pool against bare `new Worker` on the
 * same worker file.
 *
 *   node bench/pool.js [--rounds 6] [--batch 20000] [--sequential 2000] [--threads 2]
 */
import { join } from 'node:path'
import { Piscina } from 'piscina'
import { bareStartupMs, startBarePool } from './lib/bare-pool.js'
import { loadEngine } from './lib/engine.js'
import { interleave, summarize } from './lib/measure.js'
import { benchWorkersDir, labPaths } from './lib/paths.js'
import { formatMs, formatRatioSpread, formatSpread, option, printMeasured, printTable, runBench, verdict } from './lib/report.js'

const BENCH = 'pool'
const ROUND_TRIP_TARGET = 0.9
const STARTUP_TARGET = 1.2
const formatUs = (ms) => (Number.isFinite(ms) ? `${(ms * 1000).toFixed(1)} µs` : '—')

/** Per-round ratios of two measured variants, summarised. */
function pairedRatio(candidate, baseline) {
  return summarize(candidate.values.map((v, i) => v / baseline.values[i]))
}

async function main() {
  const { 'worker-pool': poolModule } = await loadEngine('worker-pool')
  const rounds = option('rounds', 6)
  const batch = option('batch', 20_000)
  const sequential = option('sequential', 2_000)
  const threads = option('threads', 2)
  const computeFile = join(labPaths.workersDir, 'compute.js')

  const bare = await startBarePool(join(benchWorkersDir, 'echo.js'), threads)
  const piscina = new Piscina({ filename: join(benchWorkersDir, 'piscina-noop.js'), minThreads: threads, maxThreads: threads, idleTimeout: 60_000 })
  const lab = new poolModule.WorkerPool({ filename: computeFile, size: threads, name: 'bench' })
  const labDeep = new poolModule.WorkerPool({ filename: computeFile, size: threads, name: 'bench', tasksPerThread: 2 })
  try {
    await Promise.all([lab.ready(), labDeep.ready(), Promise.all(Array.from({ length: threads }, (_, i) => piscina.run(i)))])
    const runners = [
      { name: 'bare postMessage pool', run: (i) => bare.run(i) },
      { name: `piscina ${piscinaVersion()}`, run: (i) => piscina.run(i) },
      { name: 'lab WorkerPool', run: (i) => lab.run('noop', i) },
      { name: 'lab WorkerPool, 2 tasks per thread', run: (i) => labDeep.run('noop', i) },
    ]
    const batchTrial = (run) => async () => {
      const begin = performance.now()
      await Promise.all(Array.from({ length: batch }, (_, i) => run(i)))
      return (performance.now() - begin) / batch
    }
    const sequentialTrial = (run) => async () => {
      const begin = performance.now()
      for (let i = 0; i < sequential; i++) await run(i)
      return (performance.now() - begin) / sequential
    }
    console.log(`No-op round trip on ${threads} threads: ${batch} tasks at once and ${sequential} one at a time; ${rounds} rounds after one warm-up, interleaved.`)
    // one-at-a-time trials are short (2,000 × ~40 µs) and swing with how fast an idle core wakes: more rounds
    for (const [label, trial, count, trialRounds] of [
      ['at once', batchTrial, batch, rounds],
      ['one at a time', sequentialTrial, sequential, rounds * 3],
    ]) {
      const measured = await interleave(runners.map((r) => ({ name: r.name, run: trial(r.run) })), { rounds: trialRounds, warmup: 1 })
      printMeasured(`${count} no-op tasks ${label}: time per task`, measured, { unit: 'per task', format: formatUs })
      const [, piscinaRow, labRow, deepRow] = measured
      const toPiscina = pairedRatio(labRow, piscinaRow)
      const deepToPiscina = pairedRatio(deepRow, piscinaRow)
      console.log(`lab ÷ piscina per round: ${labRow.values.map((v, i) => (v / piscinaRow.values[i]).toFixed(2)).join(' ')}; with 2 tasks per thread: ${deepRow.values.map((v, i) => (v / piscinaRow.values[i]).toFixed(2)).join(' ')}`)
      verdict({
        bench: BENCH,
        what: `pool no-op round trip, ${count} ${label}`,
        baseline: `piscina ${formatSpread(piscinaRow.summary, formatUs)}; bare ${formatUs(measured[0].summary.median)}`,
        lab: `${formatSpread(labRow.summary, formatUs)} (2 per thread: ${formatUs(deepRow.summary.median)}, ${formatRatioSpread(deepToPiscina)})`,
        ratio: formatRatioSpread(toPiscina),
        target: `≤ ${ROUND_TRIP_TARGET}× piscina`,
        met: toPiscina.median <= ROUND_TRIP_TARGET,
      })
    }
  } finally {
    await Promise.all([bare.destroy(), piscina.destroy(), lab.destroy(), labDeep.destroy()])
  }

  // Start-up: N threads from creation to all ready, the pool against bare new Worker on the same file.
  for (const size of [threads, threads * 2]) {
    const startups = []
    const measured = await interleave(
      [
        { name: `bare new Worker × ${size} (compute.js)`, run: () => bareStartupMs(computeFile, size, { workerData: {} }) },
        {
          name: `lab WorkerPool(size ${size}).ready()`,
          run: async () => {
            const begin = performance.now()
            const pool = new poolModule.WorkerPool({ filename: computeFile, size, name: 'bench' })
            const startup = await pool.ready()
            const ms = performance.now() - begin
            startups.push(startup)
            await pool.destroy()
            return ms
          },
        },
        { name: `bare new Worker × ${size} (empty echo worker)`, run: () => bareStartupMs(join(benchWorkersDir, 'echo.js'), size) },
      ],
      { rounds: rounds * 2, warmup: 1 },
    )
    printMeasured(`Start-up of ${size} threads: creation to all ready`, measured, { unit: 'to all ready' })
    const own = startups.slice(-rounds * 2)
    printTable(`The pool's own account (PoolStartup), median of ${own.length}`, ['allReadyMs', 'each thread, new Worker → ready'], [
      [formatMs(summarize(own.map((s) => s.allReadyMs)).median), own[0].readyMs.map((_, i) => formatMs(summarize(own.map((s) => s.readyMs[i])).median)).join(', ')],
    ])
    const [bareRow, labRow] = measured
    verdict({
      bench: BENCH,
      what: `pool start, ${size} threads to all ready`,
      baseline: `new Worker ${formatSpread(bareRow.summary)}`,
      lab: formatSpread(labRow.summary),
      ratio: formatRatioSpread(labRow.ratio),
      target: `≤ ${STARTUP_TARGET}×`,
      met: labRow.ratio.median <= STARTUP_TARGET,
    })
  }
}

function piscinaVersion() {
  return Piscina.version ?? ''
}

runBench(main)
