import { writeFileSync } from 'node:fs'
import { setPriority } from 'node:os'

/**
 * The file that sets the scheduling weight of a child's session, where one exists apart from the
 * app's: under Linux's autogroup scheduling (on in Debian's, Ubuntu's and Fedora's kernels) a
 * process that leads a session of its own (Node's `detached` calls setsid) is weighed as one
 * group against the app's group, and its niceness only ranks it among its own threads. A child
 * that stays in the app's session (a process group of its own, as the vfork addon starts it)
 * shares the app's group, where its niceness works as it is.
 */
export function sessionWeightFile(platform: NodeJS.Platform, pid: number, leadsSession: boolean): string | undefined {
  return platform === 'linux' && leadsSession ? `/proc/${pid}/autogroup` : undefined
}

/** Lowers a child's priority to `niceness`, and its session's where it leads one; best effort, never throws. */
export function lowerChildPriority(pid: number, niceness: number, leadsSession: boolean): void {
  try {
    setPriority(pid, niceness)
  } catch {
    // not allowed here (or already gone): it runs at normal priority
  }
  const weightFile = sessionWeightFile(process.platform, pid, leadsSession)
  if (weightFile === undefined) return
  try {
    writeFileSync(weightFile, String(niceness))
  } catch {
    // a kernel without autogroups, or the child has already gone
  }
}
