/** Every unit conversion of the lab lives here, and every way it writes a number for a reader. */
export const MS_PER_SECOND = 1000
const US_PER_MS = 1000
const NS_PER_MS = 1e6

export const secondsToMs = (seconds: number): number => seconds * MS_PER_SECOND
export const msToSeconds = (ms: number): number => ms / MS_PER_SECOND
export const usToMs = (us: number): number => us / US_PER_MS
export const msToUs = (ms: number): number => ms * US_PER_MS
export const nsToMs = (ns: number | bigint): number => Number(ns) / NS_PER_MS

/** How many per second, for `count` things done in `ms`. */
export const countPerSecond = (count: number, ms: number): number => count / msToSeconds(ms)

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

/**
 * 0.873 → "87%"; values under 10% keep one decimal ("4.2%"). With `digits`, always that many
 * decimals: formatPercent(0.873, 1) → "87.3%".
 */
export function formatPercent(fraction: number, digits?: number): string {
  if (!Number.isFinite(fraction)) return '—'
  const percent = fraction * 100
  if (digits !== undefined) return `${percent.toFixed(digits)}%`
  const oneDecimal = percent.toFixed(1)
  return Math.abs(Number(oneDecimal)) < 10 ? `${oneDecimal}%` : `${percent.toFixed(0)}%`
}

/** A relative change: 0.123 → "+12.3%", −0.03 → "−3.0%" (a true minus sign, as in print). */
export function formatSignedPercent(fraction: number, digits = 1): string {
  if (!Number.isFinite(fraction)) return '—'
  return `${fraction >= 0 ? '+' : '−'}${Math.abs(fraction * 100).toFixed(digits)}%`
}

/** A share of a whole, where "none at all" and "almost none" read differently: "0%", "<0.1%", "4.2%", "61%". */
export function formatShare(share: number): string {
  if (share === 0) return '0%'
  if (share > 0 && share * 100 < 0.1) return '<0.1%'
  return formatPercent(share)
}

/** 19_500_000 → "19.5 M/s", 813_000 → "813.0 k/s", 42 → "42/s". */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '—'
  if (perSecond >= 1e9) return `${(perSecond / 1e9).toFixed(2)} G/s`
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(1)} M/s`
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k/s`
  return `${perSecond.toFixed(0)}/s`
}

const SECONDS_PER_MINUTE = 60
const SECONDS_PER_HOUR = 3600
const SECONDS_PER_DAY = 86_400

/** "40 s", "12 min", "3.2 h", "5 days": an estimate, not a measurement (never less than "1 s"). */
export function formatRoughDurationMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—'
  const seconds = msToSeconds(ms)
  if (Math.round(seconds) < SECONDS_PER_MINUTE) return `${Math.max(1, Math.round(seconds))} s`
  if (Math.round(seconds / SECONDS_PER_MINUTE) < 60) return `${Math.round(seconds / SECONDS_PER_MINUTE)} min`
  if (seconds < 2 * SECONDS_PER_DAY) return `${(seconds / SECONDS_PER_HOUR).toFixed(1)} h`
  return `${Math.round(seconds / SECONDS_PER_DAY)} days`
}

/**
 * The time part of an exported file's name, safe on every file system: a run's ISO start
 * "2026-11-27T10:15:00.123Z" (or a Date) → "2026-11-27T10-15-00".
 */
export function fileNameStamp(time: Date | string): string {
  const iso = typeof time === 'string' ? time : time.toISOString()
  return iso.replace(/\.\d+Z$/, '').replace(/[^0-9A-Za-z-]/g, '-')
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
