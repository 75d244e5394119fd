import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { fromMonotonicMs, monotonicNowMs, monotonicOffsetMs } from '../../src/main/lab/measure/clock'
import { probePython } from '../../src/main/lab/machine'

/** Runs a child that prints one reading of its clock, and where that reading falls on this process's clock. */
function readingOf(file: string, args: string[]): { beforeMs: number; readingMs: number; afterMs: number } {
  const beforeMs = performance.now()
  const run = spawnSync(file, args, { encoding: 'utf8' })
  const afterMs = performance.now()
  expect(run.status, run.stderr).toBe(0)
  return { beforeMs, readingMs: fromMonotonicMs(Number(run.stdout.trim())), afterMs }
}

describe('times that cross a process boundary travel on the monotonic clock', () => {
  it('converts this process’s own monotonic readings back to performance.now()', () => {
    const offset = monotonicOffsetMs()
    const before = performance.now()
    const converted = fromMonotonicMs(monotonicNowMs(), offset)
    const after = performance.now()
    expect(converted).toBeGreaterThanOrEqual(before - 0.05)
    expect(converted).toBeLessThanOrEqual(after + 0.05)
  })

  it('a Node child’s reading falls between the spawn and the exit, as seen here', () => {
    const { beforeMs, readingMs, afterMs } = readingOf(process.execPath, ['-e', 'console.log(Number(process.hrtime.bigint()) / 1e6)'])
    expect(readingMs).toBeGreaterThan(beforeMs)
    expect(readingMs).toBeLessThan(afterMs)
  })

  it('Python’s time.perf_counter() is the same clock (where Python is installed)', async (context) => {
    const python = await probePython()
    if (!python.found) return context.skip()
    const { beforeMs, readingMs, afterMs } = readingOf(python.executable!, ['-c', 'import time; print(time.perf_counter() * 1000)'])
    expect(readingMs).toBeGreaterThan(beforeMs)
    expect(readingMs).toBeLessThan(afterMs)
  })
})
