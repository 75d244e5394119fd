/** One child process seen while it ran, with the largest resident set the OS reported for it. */
export interface ChildPeakMemory {
  pid: number
  command: string
  peakRssBytes: number
}

/**
 * Memory a run used, as far as the OS lets the engine see it. Worker threads live inside the
 * engine process, so the engine's figure includes the worker pool. Node offers no rusage of a
 * reaped child (that would need wait4), so children are read from /proc while they run: a
 * lower bound, and a child that starts and ends between two samples is not seen at all.
 */
export interface RunResources {
  /** How the figures were taken, in words. */
  method: string
  sampleIntervalMs: number
  /** Highest resident set size of the engine process sampled during the run. */
  enginePeakRssBytes: number
  /** The engine's lifetime maximum (getrusage ru_maxrss): may predate the run. */
  engineMaxRssLifetimeBytes: number
  children: {
    /** False where the OS does not report it (not Linux, or /proc unreadable). */
    available: boolean
    reason?: string
    /** Children (and their descendants) seen while running. */
    seen: number
    peakRssBytesMax?: number
    peakRssBytesMedian?: number
    /** The largest few, biggest first. */
    largest: ChildPeakMemory[]
  }
}
