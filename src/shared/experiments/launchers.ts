import { enumParam } from './params'

/**
 * How a child is started, which is a lesson in itself: Node forks its whole process for every child
 * (the bigger the process, the longer), CPython uses vfork, and a library adds its own work around the call.
 * - helpers: the lab's own launcher: on Linux, vfork from the app's process with the lab's addon; elsewhere,
 *   or without the addon, small spawner helper processes (one per core), so the app never forks itself;
 * - app: child_process.spawn in the process that hosts the lab;
 * - execa: execa(file, args) in that process, with execa's defaults;
 * - python: the lessons' own subprocess.Popen, in one long-lived python3 that reports each child's times.
 */
export const LAUNCHERS = ['helpers', 'app', 'execa', 'python'] as const
export type LauncherId = (typeof LAUNCHERS)[number]

export const LAUNCHER_LABELS: Record<LauncherId, string> = {
  helpers: 'spawner helpers',
  app: 'child_process.spawn in the app',
  execa: 'execa in the app',
  python: "Python's subprocess.Popen",
}

export const launcherParam = () =>
  enumParam({
    label: 'Launcher',
    help: "How children are started. helpers: the lab's own launcher: on Linux, vfork from the app's process (the lab's addon), which copies nothing; elsewhere, or without the addon, small spawner processes, one per core (up to 4), so the app never forks itself; app: child_process.spawn in the app's own process, which blocks it and costs more the more memory it holds; execa: the execa library in the app, with its defaults; python: the lessons' subprocess.Popen, in one python3 (where Python 3 is installed).",
    options: LAUNCHERS,
    default: 'helpers',
  })

/** One launcher's figures when launchers are compared in the same interleaved rounds. */
export interface LauncherRow {
  launcher: LauncherId
  label: string
  /** Median wall time of the N children started at once with this launcher. */
  parallelWallMs: number
  /** Median per child: from the lab asking for it to the child running (what starting one costs, all in). */
  startCostMs: number
  /** Median per child: time inside the start call itself (fork/vfork + exec), in whichever process made it. */
  spawnCallMs: number
  /** Parallel wall time over the fastest launcher's, paired round by round (1.2× = 20% longer). */
  vsFastest: number
  /** Over Python's subprocess, paired round by round, where Python ran. */
  vsPython?: number
}

/** Why launchers differ, on the system the run was on. */
export function launcherWhy(platform: string): string {
  const around = 'execa adds its own JavaScript around each call (option handling, a copy of the environment, stream wrappers, promises)'
  if (platform === 'linux') {
    return `On Linux, Node (libuv) starts a child with fork(), which copies the page tables of the whole calling process and holds its thread until the child has exec'd, so the bigger the process, the longer each start; CPython's subprocess uses vfork(), which copies nothing. The lab's own launcher uses vfork too (its addon, from the app's process); without the addon it starts children from small spawner helper processes, whose forks are cheaper, so the app's own thread never waits on one. ${around[0]!.toUpperCase()}${around.slice(1)}.`
  }
  if (platform === 'darwin') {
    return `On macOS, Node (libuv) and CPython both start children with posix_spawn, which copies nothing, so what differs is the work around the call and where it runs: the spawner helpers keep it off the app's thread, and ${around}.`
  }
  if (platform === 'win32') {
    return `On Windows every launcher ends in CreateProcess, which copies nothing, so what differs is the work around the call and where it runs: the spawner helpers keep it off the app's thread, and ${around}.`
  }
  return `What differs between launchers is the system call each uses to start a child and the work around it: ${around}.`
}
