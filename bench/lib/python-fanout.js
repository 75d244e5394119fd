/**
 * A long-lived python3 that runs fan-out trials on request, timed inside Python (so the
 * interpreter's start-up is not counted): each line "children seconds sleepPath" starts that many
 * sleeps at once with subprocess.Popen (stdin from /dev/null, stdout and stderr piped, as the lab
 * does), waits for all, and prints the wall time in ms and the median time one Popen call held
 * Python (its per-child start cost).
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { whichProgram } from './programs.js'

const SCRIPT = `
import subprocess, sys, time
print("ready " + sys.executable + " " + sys.version.split()[0], flush=True)
for line in sys.stdin:
    children, seconds, sleep = line.split()
    start = time.perf_counter()
    procs, held = [], []
    for _ in range(int(children)):
        called = time.perf_counter()
        procs.append(subprocess.Popen([sleep, seconds], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
        held.append(time.perf_counter() - called)
    for p in procs:
        p.wait()
        p.stdout.close()
        p.stderr.close()
    held.sort()
    print((time.perf_counter() - start) * 1000, held[len(held) // 2] * 1000, flush=True)
`

/**
 * Resolves with { version, executable, fanoutMs(children, seconds, sleepPath), fanout(…) → { wallMs, heldMs }, stop() },
 * or undefined without python3.
 */
export async function startPythonFanout() {
  const python = whichProgram('python3')
  if (!python) return undefined
  const child = spawn(python, ['-u', '-c', SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'] })
  process.once('exit', () => child.kill())
  const lines = createInterface({ input: child.stdout })
  const waiting = []
  lines.on('line', (line) => waiting.shift()?.resolve(line))
  child.once('exit', (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`python3 exited with code ${code} during the fan-out bench.`))
  })
  const nextLine = () => new Promise((resolve, reject) => waiting.push({ resolve, reject }))
  const ready = await nextLine()
  const [, executable, version] = ready.split(' ')
  return {
    executable,
    version,
    async fanout(children, seconds, sleepPath) {
      const reply = nextLine()
      child.stdin.write(`${children} ${seconds} ${sleepPath}\n`)
      const [wallMs, heldMs] = (await reply).split(' ').map(Number)
      return { wallMs, heldMs }
    },
    async fanoutMs(children, seconds, sleepPath) {
      return (await this.fanout(children, seconds, sleepPath)).wallMs
    },
    stop() {
      child.stdin.end()
      return new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())))
    },
  }
}
