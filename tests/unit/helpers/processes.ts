import { readFileSync, readdirSync } from 'node:fs'

/** True while a process with this pid exists and is not a zombie. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return true
  }
}

/** Pids of this process's living descendants, read from /proc (Linux). */
export function descendantsOf(rootPid: number = process.pid): number[] {
  const parentOf = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (fields[0] === 'Z') continue
      parentOf.set(Number(entry), Number(fields[1]))
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = []
  const frontier = [rootPid]
  while (frontier.length > 0) {
    const parent = frontier.pop()!
    for (const [pid, ppid] of parentOf) {
      if (ppid === parent) {
        found.push(pid)
        frontier.push(pid)
      }
    }
  }
  return found
}

/**
 * This process's living descendants that are not a lab's spawner helpers (those live as long as
 * their lab): the children a run left behind, and the children it still runs.
 */
export function labChildren(...labs: { spawners: { pids(): number[] } }[]): number[] {
  const helpers = new Set(labs.flatMap((lab) => lab.spawners.pids()))
  return descendantsOf().filter((pid) => !helpers.has(pid))
}
