/**
 * A long-lived python3 that runs fan-out trials on request, timed inside Python (so the
 * interpreter's start-up is not counted): each line "children seconds sleepPath" starts that many
 * sleeps at once with subprocess.Popen (stdin from /dev/null, stdout and stderr piped, as the lab
 * does), waits for all, and prints the wall time in ms and the median time one Popen call held
 * Python (its per-child start cost).
 */
import { startFanoutChild } from './fanout-child.js'
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
 * Resolves with { version, executable, fanout(children, seconds, sleepPath) → { wallMs, heldMs }, stop() },
 * or undefined without python3.
 */
export async function startPythonFanout() {
  const python = whichProgram('python3')
  if (!python) return undefined
  const child = await startFanoutChild(python, ['-u', '-c', SCRIPT], 'python3')
  const [, executable, version] = child.firstLine.split(' ')
  return { ...child, executable, version }
}
