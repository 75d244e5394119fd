import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { EventLoopDelay } from '../../../shared/experiments/threads'
import { lateBeyondTimerMs, timerResolutionMs } from '../../../shared/timer-resolution'
import { nsToMs } from '../../../shared/units'

export interface EventLoopWatch {
  /** Stops watching and reports the delays seen. */
  stop(): EventLoopDelay
}

/**
 * Watches how late this thread's event loop runs a timer that should fire every `resolutionMs`:
 * a busy main thread (a long synchronous call, a burst of spawns) shows up as delay.
 * Node's histogram records whole intervals, so the interval itself is taken off, or the system
 * timer's resolution where that is coarser (Windows): an idle loop reports ≈ 0.
 */
export function watchEventLoop(resolutionMs = 5, systemTimerMs = timerResolutionMs(process.platform)): EventLoopWatch {
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs })
  histogram.enable()
  return {
    stop() {
      histogram.disable()
      const late = (ns: number): number => (histogram.count > 0 ? lateBeyondTimerMs(nsToMs(ns), resolutionMs, systemTimerMs) : 0)
      return { maxMs: late(histogram.max), p99Ms: late(histogram.percentile(99)), meanMs: late(histogram.mean), resolutionMs, timerResolutionMs: systemTimerMs }
    },
  }
}
