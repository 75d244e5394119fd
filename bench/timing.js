/**
 * Timing accuracy: the lab's `command` experiment (run through createLab and the run manager) on
 * `sleep 0.05`, 20 runs, against hyperfine -N --runs 20 on the same command, alternating
 * lab, hyperfine, lab, … The target: the lab's median within 5% of hyperfine's.
 *
 *   node bench/timing.js [--rounds 4] [--runs 20]
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadEngine } from './lib/engine.js'
import { newLab, runExperiment } from './lib/lab-run.js'
import { interleave, median } from './lib/measure.js'
import { rawSpawn, requireProgram, whichProgram } from './lib/programs.js'
import { formatMs, formatRatioSpread, formatSpread, option, printMeasured, runBench, verdict } from './lib/report.js'

const BENCH = 'timing'
const COMMAND = 'sleep 0.05'
const TOLERANCE = 0.05

async function main() {
  const { lab: labModule } = await loadEngine('lab')
  const rounds = option('rounds', 4)
  const runs = option('runs', 20)
  const sleepFile = requireProgram('sleep')
  const hyperfine = whichProgram('hyperfine')
  const { lab, close } = newLab(labModule.createLab)
  const scratch = mkdtempSync(join(tmpdir(), 'bench-hyperfine-'))
  const breakdowns = []
  try {
    const labMedian = async () => {
      const result = await runExperiment(lab, 'command', { command: COMMAND, runs, warmup: 1, maxParallel: 1 })
      const single = result.series[0]
      const spans = result.timelines.find((t) => t.id === 'single')?.spans ?? []
      breakdowns.push({
        spawnMs: result.data.spawnSingle.spawnMsMedian,
        // from the OS reporting the child running to its exit: what the app cannot shorten
        runningToExitMs: median(spans.filter((s) => s.runningMs !== undefined).map((s) => s.endMs - s.runningMs)),
        askToRunningMs: median(spans.filter((s) => s.runningMs !== undefined).map((s) => s.runningMs - s.startMs)),
      })
      return single.summary.median
    }
    const hyperfineMedian = () => {
      const file = join(scratch, 'hyperfine.json')
      // stderr is kept quiet: hyperfine warns about outliers on a busy machine, which is expected here
      execFileSync(hyperfine, ['-N', '--runs', String(runs), '--warmup', '1', '--style', 'none', '--export-json', file, COMMAND], { stdio: ['ignore', 'ignore', 'pipe'] })
      return JSON.parse(readFileSync(file, 'utf8')).results[0].median * 1000
    }
    const rawMedian = async () => {
      const times = []
      for (let i = 0; i < runs; i++) {
        const begin = performance.now()
        await rawSpawn(sleepFile, ['0.05'])
        times.push(performance.now() - begin)
      }
      return median(times)
    }
    const variants = [
      ...(hyperfine ? [{ name: 'hyperfine -N', run: hyperfineMedian }] : []),
      { name: 'lab: command experiment', run: labMedian },
      { name: 'child_process.spawn loop', run: rawMedian },
    ]
    console.log(`Timing accuracy: "${COMMAND}", ${runs} runs per measurement, ${rounds} rounds after one warm-up, interleaved.${hyperfine ? '' : ' hyperfine was not found (apt-get install hyperfine): only the lab and raw spawn are measured.'}`)
    const measured = await interleave(variants, { rounds, warmup: 1 })
    printMeasured(`${COMMAND}: median of ${runs} runs, per round`, measured, { unit: 'of the medians', digits: 3 })
    const labRow = measured.find((m) => m.name.startsWith('lab'))
    const measuredBreakdowns = breakdowns.slice(-rounds)
    const spawnMs = median(measuredBreakdowns.map((b) => b.spawnMs))
    const askToRunningMs = median(measuredBreakdowns.map((b) => b.askToRunningMs))
    const runningToExitMs = median(measuredBreakdowns.map((b) => b.runningToExitMs))
    console.log(`Where the lab's time goes (median over rounds): spawn() held the app ${formatMs(spawnMs)}; ask → child running ${formatMs(askToRunningMs)}; running → exit ${formatMs(runningToExitMs)}.`)
    if (hyperfine) {
      const hf = measured[0]
      const off = Math.abs(labRow.ratio.median - 1)
      const runningShare = runningToExitMs / hf.summary.median
      console.log(`From the child running to its exit the lab saw ${formatMs(runningToExitMs)}: ${((runningShare - 1) * 100).toFixed(1)}% from hyperfine's median.`)
      verdict({
        bench: BENCH,
        what: `timing accuracy, ${COMMAND} × ${runs}`,
        baseline: `hyperfine ${formatSpread(hf.summary)}`,
        lab: formatSpread(labRow.summary),
        ratio: formatRatioSpread(labRow.ratio, 3),
        target: 'within 5%',
        met: off <= TOLERANCE,
        note:
          off > TOLERANCE
            ? `the lab times from asking Node to spawn (ask → running ${formatMs(askToRunningMs)}: Node forks the whole parent) to exit; from running to exit it saw ${formatMs(runningToExitMs)}, ${((runningShare - 1) * 100).toFixed(1)}% from hyperfine`
            : undefined,
      })
    } else {
      verdict({ bench: BENCH, what: `timing accuracy, ${COMMAND} × ${runs}`, lab: formatSpread(labRow.summary), target: 'within 5%', met: undefined, note: 'hyperfine is not installed (apt-get install -y hyperfine).' })
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true })
    await close()
  }
}

runBench(main)
