/** Finding programs, and small helpers to run children the plain Node way (the baselines). */
import { spawn } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

/** The absolute path of a program on PATH, or undefined. */
export function whichProgram(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    const file = join(dir, name)
    try {
      accessSync(file, constants.X_OK)
      return file
    } catch {
      // not here
    }
  }
  return undefined
}

export function requireProgram(name) {
  const file = whichProgram(name)
  if (!file) throw new Error(`The benches need the program "${name}" on PATH.`)
  return file
}

/** Raw child_process.spawn with the lab's stdio (stdin ignored, stdout and stderr piped and drained), until 'close'. */
export function rawSpawn(file, args = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.resume()
    child.stderr.resume()
    child.once('error', reject)
    child.once('close', (code) => resolve(code))
  })
}

/** count calls of task, at most `limit` at once. */
export async function runLimited(count, limit, task) {
  let next = 0
  const lane = async () => {
    while (next < count) {
      next++
      await task()
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane))
}
