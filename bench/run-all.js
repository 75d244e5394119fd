/**
 * Runs the benches, each in its own Node process, one after another, then prints every target
 * in one table. Timings never fail the run; an error in a bench does (exit code 1).
 *
 *   npm run bench                       every bench
 *   npm run bench -- spawn pool         only those
 *   npm run bench -- --rounds 2         options are passed to every bench
 *   CONCURRENCY_LAB_OUT=out-mine npm run bench   measure the build in out-mine/
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { cpus, totalmem, tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureEngine } from './lib/build-engine.js'
import { outDir, repoRoot, requireBuild } from './lib/paths.js'
import { printTable } from './lib/report.js'

export const BENCHES = {
  spawn: 'spawn cost per child: lab vs child_process.spawn and execa; the parent\'s memory',
  fanout: 'fan-out 10, 50, 200 × sleep 0.1: lab (vfork from its process, vfork helpers, Node-spawn helpers) vs Python subprocess, with the addon in a bare loop as a control and bare spawn; execa and a 300 MB parent at 10',
  timing: 'the command experiment on sleep 0.05 vs hyperfine -N',
  pool: 'worker pool no-op round trip vs piscina and bare postMessage; pool start vs new Worker',
  factorize: 'factorize speedup, 2 threads vs serial, the list × 50',
  'event-loop': 'main event-loop delay during each experiment vs idle, the engine in its own thread as the app runs it, in a bare and a 350 MB parent',
  serve: 'serve round trip, renderer size, first render in Chromium',
}

/** One line on what the numbers were measured on. */
function machineLine() {
  const version = (command, args) => {
    const result = spawnSync(command, args, { encoding: 'utf8' })
    return result.status === 0 ? (result.stdout || result.stderr).trim().split('\n')[0] : 'not found'
  }
  const cpu = cpus()
  return [
    `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} logical cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
    `Node ${process.version}`,
    version('python3', ['--version']),
    version('hyperfine', ['--version']),
    version(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version']),
    new Date().toISOString(),
  ].join('; ')
}

function main() {
  const args = process.argv.slice(2)
  const names = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')))
  const options = args.filter((a) => !names.includes(a))
  if (names.includes('help')) {
    console.log(`npm run bench [-- <bench> …] [--rounds N …]\n\n${Object.entries(BENCHES).map(([n, d]) => `  ${n.padEnd(11)} ${d}`).join('\n')}`)
    return 0
  }
  const unknown = names.filter((n) => !(n in BENCHES))
  if (unknown.length > 0) {
    console.error(`No bench named ${unknown.join(', ')}. The benches: ${Object.keys(BENCHES).join(', ')}.`)
    return 2
  }
  requireBuild()
  ensureEngine()
  const selected = names.length > 0 ? names : Object.keys(BENCHES)
  const scratch = mkdtempSync(join(tmpdir(), 'bench-results-'))
  const resultsFile = process.env.BENCH_JSON ?? join(scratch, 'results.jsonl')
  console.log(`Benchmarking the build in ${outDir} (${selected.join(', ')}).\nMachine: ${machineLine()}`)
  const failed = []
  const tookMs = {}
  try {
    for (const name of selected) {
      console.log(`\n=== ${name}: ${BENCHES[name]}`)
      const begin = performance.now()
      const result = spawnSync(process.execPath, [join(repoRoot, 'bench', `${name}.js`), ...options], { stdio: 'inherit', env: { ...process.env, BENCH_JSON: resultsFile } })
      tookMs[name] = performance.now() - begin
      if (result.status !== 0) failed.push(`${name} (exit ${result.status ?? result.signal})`)
    }
    const verdicts = existsSync(resultsFile)
      ? readFileSync(resultsFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line))
      : []
    printTable(
      `All targets (${Object.entries(tookMs).map(([n, ms]) => `${n} ${(ms / 1000).toFixed(0)} s`).join(', ')})`,
      ['bench', 'what', 'baseline', 'lab', 'ratio', 'target', 'met?'],
      verdicts.map((v) => [v.bench, v.what, v.baseline ?? '—', v.lab ?? '—', v.ratio ?? '—', v.target, v.met === undefined || v.met === null ? 'n/a' : v.met ? 'yes' : 'NO']),
    )
    for (const v of verdicts.filter((v) => v.note)) console.log(`- ${v.what}: ${v.note}`)
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
  if (failed.length > 0) {
    console.error(`\nThese benches failed (an error, not a timing): ${failed.join(', ')}.`)
    return 1
  }
  return 0
}

try {
  process.exitCode = main()
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
  process.exitCode = 1
}
