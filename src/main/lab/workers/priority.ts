import { setPriority } from 'node:os'

/** The niceness of the lab's compute threads and children: below the app, above nothing else. */
export const BACKGROUND_NICENESS = 10

/**
 * Lowers the priority of the calling worker thread so the app's main thread always gets a core
 * when it wakes, even while the work keeps every core busy. Only on Linux, where it applies to
 * the calling thread alone; elsewhere it would lower the whole app, so it is left as it is.
 */
export function lowerThisThreadPriority(): void {
  if (process.platform !== 'linux') return
  try {
    setPriority(0, BACKGROUND_NICENESS)
  } catch {
    // not allowed here: run at normal priority
  }
}

/** Lowers the priority of this child process (all platforms: it is a process of its own). */
export function lowerThisProcessPriority(): void {
  try {
    setPriority(0, BACKGROUND_NICENESS)
  } catch {
    // not allowed here: run at normal priority
  }
}
