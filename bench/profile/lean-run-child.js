/**
 * A PROTOTYPE, for measurement only: what runChild costs without execa. The same hot path as
 * src/main/lab/processes/run-child.ts — child in its own process group, stdin ignored, stdout and
 * stderr captured up to a limit, optional timeout with SIGTERM then SIGKILL after a grace period,
 * cancel by AbortSignal, the group killed when the child exits — over child_process.spawn.
 * Used by bench/profile/spawn-compare.js to size the gain of dropping execa from the engine.
 */
import { spawn } from 'node:child_process'

const LIMIT = 64 * 1024

function capture(stream) {
  const result = { text: '', bytes: 0, truncated: false }
  const kept = []
  let keptBytes = 0
  stream.on('data', (chunk) => {
    result.bytes += chunk.length
    if (keptBytes < LIMIT) {
      const piece = chunk.subarray(0, LIMIT - keptBytes)
      kept.push(piece)
      keptBytes += piece.length
    }
    if (result.bytes > LIMIT) result.truncated = true
  })
  stream.on('end', () => (result.text = Buffer.concat(kept).toString('utf8')))
  return result
}

export function leanRunChild({ file, args = [], env, cwd, timeoutMs, killGraceMs = 2000, signal }) {
  return new Promise((resolve) => {
    const startedAtMs = performance.now()
    let runningAtMs
    let exitedAtMs
    let terminationRequestedAtMs
    let timedOut = false
    let forcedKill = false
    let timer
    let forceTimer
    let startError
    const child = spawn(file, args, { env: env ? { ...process.env, ...env } : undefined, cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    const spawnReturnedAtMs = performance.now()
    const stdout = capture(child.stdout)
    const stderr = capture(child.stderr)
    const terminate = () => {
      if (terminationRequestedAtMs !== undefined || exitedAtMs !== undefined) return
      terminationRequestedAtMs = performance.now()
      child.kill('SIGTERM')
      forceTimer = setTimeout(() => {
        forcedKill = true
        child.kill('SIGKILL')
      }, killGraceMs)
    }
    const onAbort = () => terminate()
    signal?.addEventListener('abort', onAbort)
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        timedOut = true
        terminate()
      }, timeoutMs)
    }
    child.once('spawn', () => (runningAtMs = performance.now()))
    child.once('error', (error) => (startError = { code: error.code, message: error.message }))
    child.once('exit', () => {
      exitedAtMs = performance.now()
      killGroup(child.pid)
    })
    child.once('close', (exitCode, exitSignal) => {
      clearTimeout(timer)
      clearTimeout(forceTimer)
      signal?.removeEventListener('abort', onAbort)
      const closedAtMs = performance.now()
      resolve({ argv: [file, ...args], pid: child.pid, startedAtMs, spawnReturnedAtMs, runningAtMs, exitedAtMs: exitedAtMs ?? closedAtMs, closedAtMs, terminationRequestedAtMs, exitCode, signal: exitSignal, timedOut, cancelled: Boolean(signal?.aborted), forcedKill, stdout, stderr, startError })
    })
  })
}

function killGroup(pid) {
  if (pid === undefined) return
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    // the group is already gone
  }
}
