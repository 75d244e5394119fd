import type { MachineInfo } from '../model/machine'
import type { RunResult } from '../model/result'
import { findExperiment } from '../experiments/catalog'
import { formatBytes } from '../units'

/** Shared by the text exporters: fixed decimals (never the locale), and "—" where a number is missing. */
export const fixed = (value: number | null | undefined, digits = 1): string => (typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '—')

/** "6.15×", or "—" where there is no number. */
export const timesText = (value: number | null | undefined, digits = 2): string => (typeof value === 'number' && Number.isFinite(value) ? `${value.toFixed(digits)}×` : '—')

export const experimentTitle = (result: Pick<RunResult, 'experimentId'>): string => findExperiment(result.experimentId)?.title ?? result.experimentId

export function paramsText(params: Record<string, unknown>): string[] {
  return Object.entries(params).map(([name, value]) => `${name}=${Array.isArray(value) ? value.join(',') : String(value)}`)
}

export function machineFacts(m: MachineInfo): [string, string][] {
  const python = m.python.found ? `${m.python.version ?? '?'} (${m.python.executable ?? m.python.command})${m.python.gilEnabled === false ? ', GIL off' : ''}` : `not found (${m.python.reason ?? m.python.command})`
  return [
    ['CPU', m.cpuModel],
    ['Logical cores', String(m.logicalCores)],
    ['Memory', formatBytes(m.totalMemoryBytes)],
    ['OS', `${m.os.platform} ${m.os.release} ${m.os.arch}`],
    ['Load average at start', m.loadAverage.map((l) => fixed(l, 2)).join(' ')],
    ['Node', `${m.runtimes.node} (V8 ${m.runtimes.v8})`],
    ...(m.runtimes.electron ? ([['Electron', `${m.runtimes.electron} (Chrome ${m.runtimes.chrome ?? '?'})`]] as [string, string][]) : []),
    ['Python', python],
    ['Host', m.host],
  ]
}

/** One line about the run's memory, when it was recorded. */
export function memoryText(result: RunResult): string | undefined {
  const r = result.resources
  if (!r) return undefined
  const children = !r.children.available
    ? `children: not reported (${r.children.reason ?? 'not available'})`
    : r.children.seen === 0
      ? 'no child process seen running'
      : `${r.children.seen} child processes seen, the largest peaked at ${formatBytes(r.children.peakRssBytesMax ?? 0)} (median ${formatBytes(r.children.peakRssBytesMedian ?? 0)}), lower bounds`
  return `engine (worker threads included) peaked at ${formatBytes(r.enginePeakRssBytes)}; ${children}`
}

/** hyperfine's relative column: the mean ÷ the fastest mean, with σ propagated from both. */
export function relativeToFastest(means: readonly number[], sds: readonly number[]): { ratio: number; sd: number; fastest: boolean }[] {
  const fastestIndex = means.reduce((best, m, i) => (m < means[best]! ? i : best), 0)
  const m0 = means[fastestIndex]!
  const s0 = sds[fastestIndex]!
  return means.map((m, i) => {
    const ratio = m / m0
    return { ratio, sd: ratio * Math.hypot(sds[i]! / m, s0 / m0), fastest: i === fastestIndex }
  })
}
