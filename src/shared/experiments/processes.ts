/** Shapes shared by the experiments of the Processes screen. */

/** How much of a trial's wall time the app spent starting children (spawn() blocks while the OS creates each one). */
export interface SpawnAccount {
  children: number
  wallMs: number
  /** Sum over children of the time the spawn call kept the app busy. */
  spawningMs: number
  /** Median of one child's spawn call. */
  perChildMs: number
  /** From the first spawn request to the last: the stagger of start times. */
  startStaggerMs: number
  /** spawningMs / wallMs, 0..1; with spawner helpers, the first request to the last child running over wallMs. */
  share: number
  /** The same in one sentence. */
  sentence: string
}

/** One output stream as kept: a bounded prefix, and the full count of bytes. */
export interface StreamReport {
  text: string
  bytes: number
  truncated: boolean
}

/** How a child ended, as data and in words. */
export interface ChildEnd {
  kind: 'exited' | 'killed' | 'timed-out' | 'cancelled' | 'not-started'
  exitCode: number | null
  signal: string | null
  /** Python's convention: the exit code, or minus the signal number (-15 for SIGTERM). */
  pythonStatus: number | null
  /** "exited with code 0", "killed by SIGTERM after 0.10 s". */
  sentence: string
}
