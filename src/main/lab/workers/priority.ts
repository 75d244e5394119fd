import { readdirSync } from 'node:fs'
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

/** What creating a lowered thread needs from the system: which one it is, this process's thread ids, a way to lower one. */
export interface ThreadSystem {
  platform: NodeJS.Platform
  threadIds(): string[]
  lower(threadId: number, niceness: number): void
}

const thisProcess: ThreadSystem = {
  platform: process.platform,
  threadIds: () => readdirSync('/proc/self/task'),
  lower: (threadId, niceness) => setPriority(threadId, niceness),
}

/**
 * Creates a thread with `create` (a `new Worker`) and lowers it to BACKGROUND_NICENESS from its
 * first moments, on Linux. A new thread inherits the niceness of the thread that creates it (the
 * app's main thread, at full priority), and a worker can lower itself only once Node has booted
 * in it: 10–30 ms of CPU each, which a few threads starting together spend competing with the main
 * thread for the cores. `new Worker` starts its thread before it returns, so the thread to lower
 * is the one that appeared meanwhile; if more than one did (something else started one), none is
 * touched and each worker still lowers itself once it runs.
 */
export function createLowered<T>(create: () => T, system: ThreadSystem = thisProcess): T {
  if (system.platform !== 'linux') return create()
  const before = threadIdsOrUndefined(system)
  const created = create()
  if (before === undefined) return created
  const known = new Set(before)
  const appeared = (threadIdsOrUndefined(system) ?? []).filter((id) => !known.has(id))
  if (appeared.length !== 1) return created
  try {
    system.lower(Number(appeared[0]), BACKGROUND_NICENESS)
  } catch {
    // not allowed here, or gone already: it lowers itself once it runs
  }
  return created
}

function threadIdsOrUndefined(system: ThreadSystem): string[] | undefined {
  try {
    return system.threadIds()
  } catch {
    return undefined
  }
}
