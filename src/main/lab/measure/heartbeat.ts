import { performance } from 'node:perf_hooks'

export interface HeartbeatWindow {
  /** Ticks that fired inside the window. */
  ticks: number
  /** The latest a tick in the window fired behind its schedule, in ms. */
  maxLagMs: number
}

/**
 * A timer that ticks every intervalMs on the event loop. If the app were busy (polling a child
 * in a loop, say) the ticks would stop or come late; counting them shows the loop stayed free.
 * The lag includes the system timer's own lateness (15.6 ms on Windows): judgeHeartbeat allows for it.
 */
export function startHeartbeat(intervalMs: number): { stop(): void; window(fromMs: number, toMs: number): HeartbeatWindow } {
  const ticks: { atMs: number; lagMs: number }[] = []
  let previous = performance.now()
  const timer = setInterval(() => {
    const now = performance.now()
    ticks.push({ atMs: now, lagMs: Math.max(0, now - previous - intervalMs) })
    previous = now
  }, intervalMs)
  return {
    stop: () => clearInterval(timer),
    window(fromMs, toMs) {
      const inside = ticks.filter((t) => t.atMs >= fromMs && t.atMs <= toMs)
      return { ticks: inside.length, maxLagMs: inside.reduce((max, t) => Math.max(max, t.lagMs), 0) }
    },
  }
}
