import type { RunWarning } from '../model/result'

/** Below this a command's time is mostly the cost of starting it (hyperfine warns below 5 ms too). */
const FAST_COMMAND_MS = 5

/**
 * Benchmark advice that only a child-process benchmark can give (outliers, a slow first run,
 * spread and too few runs are advised for every series by measurementWarnings): a command so
 * short that its time is mostly the cost of starting it — under 5 ms, or half of it spawning.
 */
export function startupDominatedWarning(medianMs: number, spawnMsMedian?: number): RunWarning | undefined {
  const mostlySpawning = spawnMsMedian !== undefined && spawnMsMedian > medianMs / 2
  if (medianMs >= FAST_COMMAND_MS && !mostlySpawning) return undefined
  const spawn = spawnMsMedian === undefined ? '' : ` (starting a child alone takes about ${spawnMsMedian.toFixed(1)} ms here)`
  return {
    code: 'too-fast',
    message: `The command took only ${medianMs.toFixed(1)} ms, so its time is mostly the cost of starting it${spawn}. To time the work itself, give it more to do (a bigger input, a loop inside it).`,
  }
}
