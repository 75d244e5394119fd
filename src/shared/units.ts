/** Every unit conversion of the lab lives here. */
export const MS_PER_SECOND = 1000
export const NS_PER_MS = 1e6

export const secondsToMs = (seconds: number): number => seconds * MS_PER_SECOND
export const msToSeconds = (ms: number): number => ms / MS_PER_SECOND
export const nsToMs = (ns: number | bigint): number => Number(ns) / NS_PER_MS

/** "0.10 s", "105 ms", "42 µs": a duration in the unit a reader expects. */
export function formatDurationMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—'
  const abs = Math.abs(ms)
  if (abs >= 1000) return `${(ms / 1000).toFixed(abs >= 10_000 ? 1 : 2)} s`
  if (abs >= 1) return `${ms.toFixed(abs >= 100 ? 0 : 1)} ms`
  return `${(ms * 1000).toFixed(0)} µs`
}

export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '—'
  return `${ratio.toFixed(ratio >= 10 ? 1 : 2)}×`
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(1)} ${units[unit]}`
}

/** "0.10 s": a duration always in seconds with fixed decimals, as Python's timing prints read. */
export function formatSeconds(ms: number, digits = 2): string {
  return Number.isFinite(ms) ? `${(ms / MS_PER_SECOND).toFixed(digits)} s` : '—'
}

/** 0.873 → "87%"; values under 10% keep one decimal ("4.2%"). */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '—'
  const percent = fraction * 100
  return `${Math.abs(percent) < 10 ? percent.toFixed(1) : percent.toFixed(0)}%`
}

/*
 * Counts and dates are formatted by hand: the first Intl call in a process (toLocaleString) loads
 * ICU's locale data, about 18 ms on this machine, and in the engine that lands on the main
 * thread in the middle of a run.
 */

/** 1234567 → "1,234,567" (en-US grouping, whole numbers). */
export function formatCount(count: number): string {
  if (!Number.isFinite(count)) return '—'
  return String(Math.round(count)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** A local date and time as en-GB writes it: "27/11/2026, 04:52:10". */
export function formatDateTime(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0')
  return `${two(date.getDate())}/${two(date.getMonth() + 1)}/${date.getFullYear()}, ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
}
