import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { ChildLauncher } from './run-child'

/** The lab's vfork addon (src/native/lab-spawn.c) as JavaScript sees it. */
export interface LabSpawnAddon {
  /**
   * Once per process: onExit is called on this thread for every child that has exited and whose
   * output has closed, reaped, its process group killed when it exited. stdout and stderr hold the
   * first maxCaptureBytes of each; the byte counts are of everything.
   */
  watch(onExit: NativeExitListener): void
  spawn(options: NativeSpawnOptions): NativeSpawnResult
  /**
   * Sends a signal to a child it started (its process group when wholeGroup), only while the
   * child is its own (not yet reaped: the waiter reaps before telling onExit, and a reaped pid may
   * be another process's); true when sent. The lab signals these children only through this.
   */
  signal(pid: number, signalNumber: number, wholeGroup: boolean): boolean
  /** null, or why this system cannot use it. */
  unavailable(): string | null
}

type NativeExitListener = (
  pid: number,
  exitCode: number | null,
  signalNumber: number | null,
  exitedAtMonotonicMs: number,
  /** null when the child wrote nothing */
  stdout: Buffer | null,
  stdoutBytes: number,
  stderr: Buffer | null,
  stderrBytes: number,
) => void

export interface NativeSpawnOptions {
  /** A path, or a name looked up in `path` as execvp does. */
  file: string
  /** argv[0] included. */
  argv: string[]
  /** The child's whole environment as NAME=value; absent: the process's own. */
  env?: string[]
  cwd?: string
  /** The search path for a file without a slash. */
  path: string
  /** A pipe for stdin (its write end is returned); otherwise stdin is /dev/null. */
  pipeStdin: boolean
  /** Bytes of each output stream kept; the rest is counted. */
  maxCaptureBytes: number
  /** The child's niceness, set before its program runs (lowering only; raising needs privileges). */
  niceness?: number
}

/** Times are CLOCK_MONOTONIC in ms: the clock process.hrtime reads. stdin: the write end of its pipe, or -1. */
type NativeSpawnResult =
  | { pid: number; stdin: number; calledAtMs: number; returnedAtMs: number }
  | { errorCode: string; errorMessage: string; calledAtMs: number; returnedAtMs: number }

/** Which launcher a spawner helper uses, and in words why. */
export interface LauncherChoice {
  launcher: ChildLauncher
  reason: string
  /** The children start from the lab's own process, not from a spawner helper. */
  fromLabProcess?: boolean
}

/** System facts the choice depends on; the engine passes the real ones, tests another system's. */
export interface AddonFacts {
  platform: NodeJS.Platform
  arch: string
}

const realFacts: AddonFacts = { platform: process.platform, arch: process.arch }

/**
 * Where the addon for this system is built (scripts/build-native.js writes the same name), or
 * undefined where there is none to build: only Linux forks the whole process to start a child —
 * macOS's libuv already uses posix_spawn, and Windows has no fork.
 */
export function nativeSpawnAddonPath(resourcesDir: string, facts: AddonFacts = realFacts): string | undefined {
  if (facts.platform !== 'linux') return undefined
  return join(resourcesDir, 'native', `lab-spawn-${facts.platform}-${facts.arch}.node`)
}

/** Loads the addon when it exists and this system can use it; otherwise says why the Node way is used. */
export function loadNativeSpawnAddon(addonPath: string | undefined, facts: AddonFacts = realFacts): { addon?: LabSpawnAddon; choice: LauncherChoice } {
  const node = (reason: string): { choice: LauncherChoice } => ({ choice: { launcher: 'node', reason } })
  if (facts.platform !== 'linux') return node(`On ${facts.platform}, Node starts children without copying the parent (posix_spawn or CreateProcess): no addon is needed.`)
  if (addonPath === undefined) return node('No vfork addon was given to this helper.')
  if (!existsSync(addonPath)) return node(`The vfork addon is not built (${addonPath} is missing; node scripts/build-native.js builds it).`)
  let addon: LabSpawnAddon
  try {
    addon = createRequire(import.meta.url)(addonPath) as LabSpawnAddon
  } catch (error) {
    return node(`The vfork addon at ${addonPath} could not be loaded: ${(error as Error).message}`)
  }
  const unavailable = addon.unavailable()
  if (unavailable !== null) return node(unavailable)
  return { addon, choice: { launcher: 'vfork', reason: 'Children start with vfork (the lab\'s addon), as CPython starts them: the helper\'s page tables are not copied.' } }
}
