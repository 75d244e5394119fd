/**
 * The floor for a launcher built on the lab's vfork addon: a Node process that does nothing per
 * child but call the addon's spawn with one options object made once and count the exits (no
 * capture kept, no timeouts, no cancel, no promise per child). Like the Python baseline it is
 * long-lived and timed inside: each stdin line "children seconds sleepPath" starts that many
 * sleeps at once, giving the event loop a turn every 4 ms of starting as the lab does, and prints
 * the wall time in ms and the median time one spawn call held the thread.
 *
 *   node bench/workers/bare-vfork-fanout.mjs <addon.node>
 */
import { createRequire } from 'node:module'
import { createInterface } from 'node:readline'
import { setImmediate as nextTurn } from 'node:timers/promises'

const addon = createRequire(import.meta.url)(process.argv[2])
let running = 0
let allEnded = () => {}
addon.watch(() => {
  running -= 1
  if (running === 0) allEnded()
})
console.log('ready')
for await (const line of createInterface({ input: process.stdin })) {
  const [children, seconds, sleepPath] = line.split(' ')
  const count = Number(children)
  const options = { file: sleepPath, argv: [sleepPath, seconds], path: '', pipeStdin: false, maxCaptureBytes: 4096 }
  const held = []
  const ended = new Promise((resolve) => (allEnded = resolve))
  const begin = performance.now()
  let yieldedAt = begin
  for (let i = 0; i < count; i++) {
    const started = addon.spawn(options)
    if (started.errorCode) throw new Error(`bare vfork fan-out: ${started.errorMessage}`)
    running += 1
    held.push(started.returnedAtMs - started.calledAtMs)
    if (performance.now() - yieldedAt >= 4) {
      await nextTurn()
      yieldedAt = performance.now()
    }
  }
  await ended
  held.sort((a, b) => a - b)
  console.log(`${performance.now() - begin} ${held[Math.floor(held.length / 2)]}`)
}
