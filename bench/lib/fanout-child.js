/**
 * A long-lived process that runs fan-out trials on request and times them inside itself: each
 * stdin line "children seconds sleepPath" is answered by a line "wallMs heldMs". The Python
 * baseline and the bare vfork loop both speak it.
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

/** Starts `file args`; resolves with { firstLine, fanout(children, seconds, sleepPath) → { wallMs, heldMs }, stop() } once it has said its first line. */
export async function startFanoutChild(file, args, what) {
  const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'inherit'] })
  process.once('exit', () => child.kill())
  const lines = createInterface({ input: child.stdout })
  const waiting = []
  lines.on('line', (line) => waiting.shift()?.resolve(line))
  child.once('exit', (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`${what} exited with code ${code} during the fan-out bench.`))
  })
  const nextLine = () => new Promise((resolve, reject) => waiting.push({ resolve, reject }))
  const firstLine = await nextLine()
  return {
    firstLine,
    async fanout(children, seconds, sleepPath) {
      const reply = nextLine()
      child.stdin.write(`${children} ${seconds} ${sleepPath}\n`)
      const [wallMs, heldMs] = (await reply).split(' ').map(Number)
      return { wallMs, heldMs }
    },
    stop() {
      child.stdin.end()
      return new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())))
    },
  }
}
