/**
 * The control for the fan-out bench: the lab's vfork addon driven by a bare loop in a Node
 * process of its own (bench/workers/bare-vfork-fanout.mjs), so that the table shows what any
 * launcher built on the addon could reach here, with none of the lab's per-child work.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { benchWorkersDir } from './paths.js'

/** Resolves with { fanout(children, seconds, sleepPath) → { wallMs, heldMs }, stop() }, or undefined without the addon. */
export async function startBareVforkFanout(addonPath) {
  if (!addonPath) return undefined
  const child = spawn(process.execPath, [join(benchWorkersDir, 'bare-vfork-fanout.mjs'), addonPath], { stdio: ['pipe', 'pipe', 'inherit'] })
  process.once('exit', () => child.kill())
  const lines = createInterface({ input: child.stdout })
  const waiting = []
  lines.on('line', (line) => waiting.shift()?.resolve(line))
  child.once('exit', (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`The bare vfork fan-out exited with code ${code}.`))
  })
  const nextLine = () => new Promise((resolve, reject) => waiting.push({ resolve, reject }))
  await nextLine()
  return {
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
