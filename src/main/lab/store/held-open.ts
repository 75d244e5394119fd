/**
 * Replacing a file fails for a moment on Windows while another program has it open without
 * sharing delete access: antivirus scanners and the search indexer open every new file briefly.
 * Such a write is tried again a few times, with short growing pauses, before it is reported.
 */
import { formatSeconds } from '../../../shared/units'

export interface HeldOpenRetry {
  platform: NodeJS.Platform
  /** The pause before each further attempt; its length is the number of retries. */
  delaysMs: readonly number[]
  sleep(ms: number): Promise<void>
}

/** About 1.5 s in all: longer than a scan of a small file usually holds it, short enough for a save the user waits on. */
export const HELD_OPEN_DELAYS_MS: readonly number[] = [50, 100, 200, 400, 800]

export const heldOpenRetry = (platform: NodeJS.Platform = process.platform): HeldOpenRetry => ({
  platform,
  delaysMs: HELD_OPEN_DELAYS_MS,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
})

const codeOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code

/**
 * EBUSY means held open on every system. On Windows, a file open in another program also makes
 * rename and open fail with EPERM or EACCES; elsewhere those are real permission errors, which
 * waiting does not cure.
 */
function mayBeHeldOpen(error: unknown, platform: NodeJS.Platform): boolean {
  const code = codeOf(error)
  return code === 'EBUSY' || (platform === 'win32' && (code === 'EPERM' || code === 'EACCES'))
}

/** A write that still failed after every retry because the file stayed in use; the message names the file and the cause. */
export class FileHeldOpenError extends Error {
  readonly code: string

  constructor(
    readonly file: string,
    cause: unknown,
    readonly attempts: number,
    readonly waitedMs: number,
  ) {
    const code = codeOf(cause) ?? 'EBUSY'
    const tries = `${code}, still after ${attempts} tries over ${formatSeconds(waitedMs, 1)}`
    super(
      code === 'EACCES'
        ? `${file} could not be written: either it is not writable, or another program (often an antivirus or a search indexer) kept it open (${tries}).`
        : `${file} could not be written: another program (often an antivirus or a search indexer) kept it open (${tries}).`,
      { cause },
    )
    this.name = 'FileHeldOpenError'
    this.code = code
  }
}

/** Runs `operation` (a rename or write of `file`), again after each pause while it fails as held open. */
export async function retryWhileHeldOpen<T>(file: string, operation: () => Promise<T>, retry: HeldOpenRetry = heldOpenRetry()): Promise<T> {
  let waitedMs = 0
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation()
    } catch (error) {
      if (!mayBeHeldOpen(error, retry.platform)) throw error
      const delayMs = retry.delaysMs[attempt - 1]
      if (delayMs === undefined) throw new FileHeldOpenError(file, error, attempt, waitedMs)
      await retry.sleep(delayMs)
      waitedMs += delayMs
    }
  }
}

const sleepSync = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/** The same for a synchronous write (the window state, saved while the window closes). */
export function retryWhileHeldOpenSync<T>(file: string, operation: () => T, platform: NodeJS.Platform = process.platform, delaysMs: readonly number[] = HELD_OPEN_DELAYS_MS, sleep: (ms: number) => void = sleepSync): T {
  let waitedMs = 0
  for (let attempt = 1; ; attempt++) {
    try {
      return operation()
    } catch (error) {
      if (!mayBeHeldOpen(error, platform)) throw error
      const delayMs = delaysMs[attempt - 1]
      if (delayMs === undefined) throw new FileHeldOpenError(file, error, attempt, waitedMs)
      sleep(delayMs)
      waitedMs += delayMs
    }
  }
}
