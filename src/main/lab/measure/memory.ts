import { readFileSync, readdirSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { median } from 'simple-statistics'
import type { ChildPeakMemory, RunResources } from '../../../shared/model/resources'

const DEFAULT_MEMORY_SAMPLE_MS = 100
/** Children read per sample, at most (those not seen yet first). */
const MAX_CHILDREN_PER_SAMPLE = 64
const LARGEST_KEPT = 5
const KIB = 1024

export interface ResourceWatch {
  /** Stops sampling, takes one last sample, and reports; later calls give the same report. */
  stop: () => Promise<RunResources>
}

/*
 * /proc is read synchronously: the kernel answers from memory in microseconds, and a sample of a
 * few dozen small reads costs well under a millisecond this way, where fs/promises spent several
 * thread-pool round trips and allocations per file (garbage the main thread then had to collect).
 */

/** Pids of the living descendants of `rootPid`, through /proc/<pid>/task/<tid>/children (Linux). */
function descendants(rootPid: number): number[] {
  const found: number[] = []
  const frontier = [rootPid]
  while (frontier.length > 0) {
    const parent = frontier.pop()!
    let tasks: string[]
    try {
      tasks = readdirSync(`/proc/${parent}/task`)
    } catch {
      continue // it ended while we looked
    }
    for (const tid of tasks) {
      for (const pid of readOrEmpty(`/proc/${parent}/task/${tid}/children`).split(' ').filter(Boolean).map(Number)) {
        found.push(pid)
        frontier.push(pid)
      }
    }
  }
  return found
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

/** The child's name and high-water mark of its resident set, or undefined once it has gone. */
function peakOf(pid: number): { command: string; peakRssBytes: number } | undefined {
  const status = readOrEmpty(`/proc/${pid}/status`)
  const hwm = status.match(/^VmHWM:\s+(\d+) kB/m)
  if (!hwm) return undefined // gone, or a zombie (its memory is already released)
  return { command: status.match(/^Name:\s+(.*)$/m)?.[1] ?? '?', peakRssBytes: Number(hwm[1]) * KIB }
}

/**
 * Watches the memory of a run: the engine's resident set (worker threads included), sampled, and
 * each child's high-water mark (VmHWM) read from /proc while it runs. Node does not expose the
 * rusage of a reaped child, so a child's last growth before exit, and a child shorter than one
 * sampling interval, can be missed: the children's figures are lower bounds. Processes that
 * already ran when the watch began are not counted.
 */
export async function watchResources(intervalMs = DEFAULT_MEMORY_SAMPLE_MS, notTheRuns: () => readonly number[] = () => []): Promise<ResourceWatch> {
  const childrenReadable = process.platform === 'linux'
  const children = new Map<number, ChildPeakMemory>()
  // processes that were there before the run (Electron's renderer and GPU processes, say) are not the run's
  const before = new Set(childrenReadable ? descendants(process.pid) : [])
  let enginePeakRssBytes = process.memoryUsage.rss()

  const sample = (): void => {
    enginePeakRssBytes = Math.max(enginePeakRssBytes, process.memoryUsage.rss())
    if (!childrenReadable) return
    // the lab's own helpers (spawner processes) may start during a run: they are not the run's children, theirs are
    const excluded = new Set(notTheRuns())
    const running = descendants(process.pid).filter((pid) => !before.has(pid) && !excluded.has(pid))
    // children not seen yet first, so a short one is caught once before a long one is read again
    const order = [...running.filter((pid) => !children.has(pid)), ...running.filter((pid) => children.has(pid))]
    for (const pid of order.slice(0, MAX_CHILDREN_PER_SAMPLE)) {
      const peak = peakOf(pid)
      if (!peak) continue
      const known = children.get(pid)
      if (!known || peak.peakRssBytes > known.peakRssBytes) children.set(pid, { pid, ...peak })
    }
  }
  // sampling may take at most a fifth of the time: with many children a sample is slow, and it must not become the load it measures
  let nextAllowedMs = 0
  const tick = (): void => {
    if (performance.now() < nextAllowedMs) return
    const startedMs = performance.now()
    try {
      sample()
    } catch {
      // a sample that fails is only a sample missed
    }
    const endedMs = performance.now()
    nextAllowedMs = endedMs + 4 * (endedMs - startedMs)
  }
  const timer = setInterval(tick, intervalMs)
  timer.unref()
  tick()

  let report: Promise<RunResources> | undefined
  const finish = async (): Promise<RunResources> => {
    clearInterval(timer)
    sample()
    const peaks = [...children.values()].sort((a, b) => b.peakRssBytes - a.peakRssBytes)
    const values = peaks.map((c) => c.peakRssBytes)
    return {
      method: `engine resident set sampled every ${intervalMs} ms or less often${childrenReadable ? `; children's VmHWM read from /proc while they ran, up to ${MAX_CHILDREN_PER_SAMPLE} a sample (lower bounds; a child shorter than a sample interval may be missed)` : ''}`,
      sampleIntervalMs: intervalMs,
      enginePeakRssBytes,
      engineMaxRssLifetimeBytes: process.resourceUsage().maxRSS * KIB,
      children: {
        available: childrenReadable,
        ...(childrenReadable ? {} : { reason: `${process.platform} does not report a child's peak memory to Node; only the engine's is recorded.` }),
        seen: peaks.length,
        ...(values.length > 0 ? { peakRssBytesMax: values[0], peakRssBytesMedian: median(values) } : {}),
        largest: peaks.slice(0, LARGEST_KEPT),
      },
    }
  }
  return { stop: () => (report ??= finish()) }
}
