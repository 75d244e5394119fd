import { spawn, spawnSync } from 'node:child_process'
import { win32 } from 'node:path'

/**
 * How to end a child of the lab together with everything it started.
 * - 'signal': POSIX. The child was started detached, so it leads a process group; a signal to
 *   `-pid` reaches the whole group (`target` is that negative pid, or the pid itself for a process
 *   that leads no group).
 * - 'taskkill': Windows has no process groups and no signals: `taskkill /T /F /PID <pid>` walks
 *   the tree from the pid and ends every process in it with TerminateProcess (exit code 1).
 *   There is no gentle first step, so the first stop is already the forced one.
 * - 'none': nothing can be done safely (the reason says why).
 */
export type TreeKillPlan =
  | { kind: 'signal'; target: number; signal: 'SIGTERM' | 'SIGKILL' }
  | { kind: 'taskkill'; file: string; args: string[] }
  | { kind: 'none'; reason: string }

export interface TreeKillRequest {
  platform: NodeJS.Platform
  pid: number
  /** SIGTERM asks politely (where the system can), SIGKILL forces. */
  signal: 'SIGTERM' | 'SIGKILL'
  /** The environment, for SystemRoot on Windows (taskkill is found there, not on a PATH the user may have changed). */
  env?: NodeJS.ProcessEnv
  /** False for a process that was not started detached (a spawner helper): on POSIX only it gets the signal. */
  leadsGroup?: boolean
  /** The child itself has exited already and only what it left behind is to be ended. */
  rootExited?: boolean
}

/** Whether stopping a child can start with a request it may handle (SIGTERM) before it is forced. */
export const hasGracefulStop = (platform: NodeJS.Platform): boolean => platform !== 'win32'

/** Whether a child is started detached, leading a process group of its own that its descendants join (POSIX). */
export const childrenLeadProcessGroups = (platform: NodeJS.Platform): boolean => platform !== 'win32'

/** An environment variable, read as the system reads it: names are case-insensitive on Windows. */
export function envValue(env: NodeJS.ProcessEnv, name: string, platform: NodeJS.Platform): string | undefined {
  if (platform !== 'win32') return env[name]
  const key = Object.keys(env).find((k) => k.toUpperCase() === name.toUpperCase())
  return key === undefined ? undefined : env[key]
}

function taskkillPath(env: NodeJS.ProcessEnv): string {
  const systemRoot = envValue(env, 'SystemRoot', 'win32')
  return systemRoot ? win32.join(systemRoot, 'System32', 'taskkill.exe') : 'taskkill.exe'
}

export function treeKillPlan(request: TreeKillRequest): TreeKillPlan {
  const { platform, pid, signal, leadsGroup = true, rootExited = false } = request
  if (platform === 'win32') {
    // taskkill finds descendants through the pid of their parent: once that parent is gone its
    // pid may belong to another process already, and its children can no longer be found from it
    if (rootExited) return { kind: 'none', reason: 'Windows keeps no process group: once the child has exited, what it left running cannot be found from its pid.' }
    return { kind: 'taskkill', file: taskkillPath(request.env ?? {}), args: ['/T', '/F', '/PID', String(pid)] }
  }
  return { kind: 'signal', target: leadsGroup ? -pid : pid, signal }
}

/** One step of stopping a running child (at its timeout, or on cancel), `afterMs` after the stop began. */
export interface StopStep {
  afterMs: number
  plan: TreeKillPlan
  /** Taking this step means the child outlived a request it could have handled (it ignored SIGTERM). */
  meansIgnored: boolean
}

/**
 * POSIX: SIGTERM to the child alone (it may end its own children first; whatever is left in its
 * group is ended once it exits), then SIGKILL after the grace period.
 * Windows: taskkill /T /F at once, since nothing gentler exists; should the child still run after
 * the grace period (taskkill missing, say), TerminateProcess on the child itself.
 */
export function stopSteps(platform: NodeJS.Platform, pid: number, graceMs: number, env: NodeJS.ProcessEnv = {}): [StopStep, StopStep] {
  if (!hasGracefulStop(platform)) {
    return [
      { afterMs: 0, plan: treeKillPlan({ platform, pid, signal: 'SIGKILL', env }), meansIgnored: false },
      { afterMs: graceMs, plan: { kind: 'signal', target: pid, signal: 'SIGKILL' }, meansIgnored: false },
    ]
  }
  return [
    { afterMs: 0, plan: { kind: 'signal', target: pid, signal: 'SIGTERM' }, meansIgnored: false },
    { afterMs: graceMs, plan: { kind: 'signal', target: pid, signal: 'SIGKILL' }, meansIgnored: true },
  ]
}

/** Most pids one taskkill is given: its command line stays far below Windows' 32,767 characters. */
const TASKKILL_PIDS_PER_CALL = 500

/**
 * What the 'exit' hook does for the children still running when this process goes: SIGKILL to
 * each process group, or one taskkill for many trees at once (each taskkill is a process to start,
 * and the hook waits for every one).
 */
export function exitHookPlans(platform: NodeJS.Platform, pids: readonly number[], env: NodeJS.ProcessEnv = {}): TreeKillPlan[] {
  if (platform !== 'win32') return pids.map((pid) => treeKillPlan({ platform, pid, signal: 'SIGKILL' }))
  const plans: TreeKillPlan[] = []
  for (let i = 0; i < pids.length; i += TASKKILL_PIDS_PER_CALL) {
    plans.push({ kind: 'taskkill', file: taskkillPath(env), args: ['/T', '/F', ...pids.slice(i, i + TASKKILL_PIDS_PER_CALL).flatMap((pid) => ['/PID', String(pid)])] })
  }
  return plans
}

/**
 * Carries out a plan. 'sync' blocks until taskkill is done: the only way from a process 'exit'
 * hook, where nothing asynchronous runs any more. Never throws: a tree already gone is the goal.
 */
export function carryOutTreeKill(plan: TreeKillPlan, mode: 'async' | 'sync' = 'async'): void {
  if (plan.kind === 'none') return
  if (plan.kind === 'signal') {
    try {
      process.kill(plan.target, plan.signal)
    } catch {
      // the group is already gone
    }
    return
  }
  const options = { stdio: 'ignore' as const, windowsHide: true }
  if (mode === 'sync') {
    spawnSync(plan.file, plan.args, options)
    return
  }
  const taskkill = spawn(plan.file, plan.args, options)
  taskkill.on('error', () => {}) // taskkill missing: nothing better is left to try
  taskkill.unref()
}

/** Ends a running child of the lab and its descendants, by force, on this system. */
export function killProcessTree(pid: number, mode: 'async' | 'sync' = 'async'): void {
  carryOutTreeKill(treeKillPlan({ platform: process.platform, pid, signal: 'SIGKILL', env: process.env }), mode)
}

const ELECTRON_RUN_AS_NODE = 'ELECTRON_RUN_AS_NODE'

/**
 * The environment a child of the lab gets: this process's, plus the spec's. ELECTRON_RUN_AS_NODE
 * is dropped unless the spec sets it: the lab's helpers run with it (they are Electron acting as
 * Node), but a user's Electron-based program must start as itself, not as Node.
 * Undefined means "inherit unchanged", which spares a copy of the environment per spawn.
 */
export function childEnvironment(inherited: NodeJS.ProcessEnv, specEnv: Record<string, string> | undefined, platform: NodeJS.Platform = process.platform): NodeJS.ProcessEnv | undefined {
  const isRunAsNode = (name: string): boolean => (platform === 'win32' ? name.toUpperCase() === ELECTRON_RUN_AS_NODE : name === ELECTRON_RUN_AS_NODE)
  // listing process.env costs tens of µs per child: only Windows, where names ignore case, needs the list
  const leaks = platform === 'win32' ? Object.keys(inherited).some(isRunAsNode) : ELECTRON_RUN_AS_NODE in inherited
  if (!leaks && specEnv === undefined) return undefined
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(inherited)) if (!isRunAsNode(name)) env[name] = value
  return { ...env, ...specEnv }
}
