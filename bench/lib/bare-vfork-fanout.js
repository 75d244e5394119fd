/**
 * The control for the fan-out bench: the lab's vfork addon driven by a bare loop in a Node
 * process of its own (bench/workers/bare-vfork-fanout.mjs), so that the table shows what any
 * launcher built on the addon could reach here, with none of the lab's per-child work.
 */
import { join } from 'node:path'
import { startFanoutChild } from './fanout-child.js'
import { benchWorkersDir } from './paths.js'

/** Resolves with { fanout(children, seconds, sleepPath) → { wallMs, heldMs }, stop() }, or undefined without the addon. */
export async function startBareVforkFanout(addonPath) {
  if (!addonPath) return undefined
  return startFanoutChild(process.execPath, [join(benchWorkersDir, 'bare-vfork-fanout.mjs'), addonPath], 'The bare vfork fan-out')
}
