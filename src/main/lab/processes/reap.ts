import { readFile } from 'node:fs/promises'
import type { ReapState } from '../../../shared/experiments/timeout'

export const reapMethod = (): '/proc' | 'kill(pid, 0)' => (process.platform === 'linux' ? '/proc' : 'kill(pid, 0)')

/** Whether an ended child is gone for good or lingers as a zombie (exited, never waited for). */
export async function reapState(pid: number | undefined): Promise<ReapState> {
  if (pid === undefined) return 'unknown'
  if (process.platform === 'linux') {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
      return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z') ? 'zombie' : 'alive'
    } catch {
      return 'reaped'
    }
  }
  try {
    process.kill(pid, 0)
    return 'alive'
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH' ? 'reaped' : 'unknown'
  }
}

/** True when nothing is left in the process group the child led (its own children included); null without process groups. */
export function processGroupGone(pid: number | undefined): boolean | null {
  if (pid === undefined || process.platform === 'win32') return null
  try {
    process.kill(-pid, 0)
    return false
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}
