/**
 * Why Node's children start slower than CPython's: the system call that creates them. Starts
 * `true` `count` times one after another and reports ms per child (start to reaped) and the time
 * the parent was held inside the start call, for
 *   - Node's child_process.spawn (libuv forks on Linux: the parent's page tables are copied),
 *   - CPython's subprocess.Popen as it is (vfork/posix_spawn: nothing copied),
 *   - the same Popen forced to fork (a preexec_fn makes CPython fall back to fork),
 *   - Node with the lab's vfork addon (resources/native, built by scripts/build-native.js),
 *   - dash, a ~1 MB process, forking in a loop (fork is cheap when the parent is small),
 * each also from a parent holding `--ballast-mb` MB, interleaved round by round.
 *
 *   node bench/profile/fork-vs-vfork.js [--count 100] [--rounds 5] [--ballast-mb 300]
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { interleave } from '../lib/measure.js'
import { requireProgram, whichProgram } from '../lib/programs.js'
import { option, printMeasured, printTable, runBench } from '../lib/report.js'

const PYTHON = `
import json, subprocess, sys, time
count, ballast_mb, force_fork = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == 'fork'
ballast = [bytearray(b'x' * (1 << 20)) for _ in range(ballast_mb)]
extra = {'preexec_fn': (lambda: None)} if force_fork else {}
held, begin = [], time.perf_counter()
for _ in range(count):
    t = time.perf_counter()
    child = subprocess.Popen([sys.argv[4]], **extra)
    held.append((time.perf_counter() - t) * 1000)
    child.wait()
held.sort()
print(json.dumps({'perChildMs': (time.perf_counter() - begin) * 1000 / count, 'heldMs': held[len(held) // 2]}))
`

const NODE = `
const { spawn } = require('node:child_process')
const [count, ballastMb, file] = process.argv.slice(1).map((v, i) => (i < 2 ? Number(v) : v))
const ballast = Array.from({ length: ballastMb }, () => Buffer.alloc(1 << 20, 1))
;(async () => {
  const held = []
  const begin = performance.now()
  for (let i = 0; i < count; i++) {
    const t = performance.now()
    const child = spawn(file, [], { stdio: 'ignore' })
    held.push(performance.now() - t)
    await new Promise((resolve) => child.once('close', resolve))
  }
  held.sort((a, b) => a - b)
  console.log(JSON.stringify({ perChildMs: (performance.now() - begin) / count, heldMs: held[held.length >> 1], ballast: ballast.length }))
})()
`

const NODE_ADDON = `
const addon = require(process.argv[4])
const [count, ballastMb, file] = process.argv.slice(1).map((v, i) => (i < 2 ? Number(v) : v))
const ballast = Array.from({ length: ballastMb }, () => Buffer.alloc(1 << 20, 1))
let ended
addon.watch(() => ended())
;(async () => {
  const held = []
  const begin = performance.now()
  for (let i = 0; i < count; i++) {
    const exited = new Promise((resolve) => (ended = resolve))
    const t = performance.now()
    addon.spawn({ file, argv: [file], path: '', pipeStdin: false, maxCaptureBytes: 0 })
    held.push(performance.now() - t)
    await exited
  }
  held.sort((a, b) => a - b)
  console.log(JSON.stringify({ perChildMs: (performance.now() - begin) / count, heldMs: held[held.length >> 1], ballast: ballast.length }))
})()
`

/** Runs one measuring process to the end and returns what it printed. */
function measureIn(file, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (chunk) => (out += chunk))
    child.once('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${file} exited with ${code}`))))
  })
}

async function main() {
  const count = option('count', 100)
  const rounds = option('rounds', 5)
  const ballastMb = option('ballast-mb', 300)
  const trueFile = requireProgram('true')
  const python = whichProgram('python3')
  const dash = whichProgram('dash') ?? whichProgram('sh')
  const addon = join(import.meta.dirname, '..', '..', 'resources', 'native', `lab-spawn-${process.platform}-${process.arch}.node`)
  if (!existsSync(addon)) console.log(`No vfork addon at ${addon} (node scripts/build-native.js builds it): its rows are skipped.`)
  const held = new Map()
  const variant = (name, run) => ({
    name,
    run: async () => {
      const result = await run()
      if (result.heldMs !== undefined) held.set(name, [...(held.get(name) ?? []), result.heldMs])
      return result.perChildMs
    },
  })
  const variants = []
  for (const mb of [0, ballastMb]) {
    const size = mb === 0 ? 'small parent' : `${mb} MB parent`
    variants.push(variant(`Node spawn (fork), ${size}`, () => measureIn(process.execPath, ['-e', NODE, String(count), String(mb), trueFile])))
    if (existsSync(addon)) variants.push(variant(`Node + lab's vfork addon, ${size}`, () => measureIn(process.execPath, ['-e', NODE_ADDON, String(count), String(mb), trueFile, addon])))
    if (python) {
      variants.push(variant(`CPython Popen (vfork), ${size}`, () => measureIn(python, ['-c', PYTHON, String(count), String(mb), 'default', trueFile])))
      variants.push(variant(`CPython Popen forced to fork, ${size}`, () => measureIn(python, ['-c', PYTHON, String(count), String(mb), 'fork', trueFile])))
    }
  }
  if (dash) {
    const loop = `i=0; while [ $i -lt ${count} ]; do ${trueFile}; i=$((i+1)); done`
    variants.push(
      variant('dash loop (fork from ~1 MB)', async () => {
        const begin = performance.now()
        spawnSync(dash, ['-c', loop], { stdio: 'ignore' })
        return { perChildMs: (performance.now() - begin) / count }
      }),
    )
  }
  console.log(`${count} × ${trueFile} one after another, per child from start to reaped; ${rounds} rounds after one warm-up, interleaved.`)
  const measured = await interleave(variants, { rounds, warmup: 1 })
  printMeasured('Per child, start to reaped (ratio to Node spawn from a small parent)', measured, { unit: 'per child' })
  printTable(
    'Held inside the start call (median per child, median over rounds)',
    ['variant', 'ms'],
    [...held].map(([name, values]) => [name, values.sort((a, b) => a - b)[values.length >> 1].toFixed(3)]),
  )
}

runBench(main)
