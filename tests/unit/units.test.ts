import { describe, expect, it } from 'vitest'
import {
  countPerSecond,
  fileNameStamp,
  formatCount,
  formatDateTime,
  formatPercent,
  formatRate,
  formatRoughDurationMs,
  formatSeconds,
  formatShare,
  formatSignedPercent,
  msToSeconds,
  msToUs,
  nsToMs,
  secondsToMs,
  usToMs,
} from '../../src/shared/units'

describe('counts and dates formatted without Intl', () => {
  it('groups whole numbers as en-US does', () => {
    for (const n of [0, 7, 999, 1000, 12_345, 500_000, 1_234_567, 1_000_000_000, -4321]) expect(formatCount(n)).toBe(n.toLocaleString('en-US'))
    expect(formatCount(Number.NaN)).toBe('—')
  })

  it('writes a local date and time as en-GB does', () => {
    for (const date of [new Date(2026, 10, 27, 4, 52, 10), new Date(2024, 0, 5, 23, 0, 9), new Date(1999, 11, 31, 0, 0, 0)]) {
      expect(formatDateTime(date)).toBe(date.toLocaleString('en-GB'))
    }
  })
})

describe('time conversions', () => {
  it('converts between s, ms, µs and ns', () => {
    expect(secondsToMs(1.5)).toBe(1500)
    expect(msToSeconds(250)).toBe(0.25)
    expect(usToMs(1500)).toBe(1.5)
    expect(msToUs(0.25)).toBe(250)
    expect(nsToMs(2_500_000)).toBe(2.5)
    expect(nsToMs(2_500_000n)).toBe(2.5)
  })

  it('counts per second of a time given in ms', () => {
    expect(countPerSecond(10, 500)).toBe(20)
    expect(countPerSecond(0, 500)).toBe(0)
    expect(countPerSecond(1, 0)).toBe(Infinity)
  })

  it('writes seconds with fixed decimals', () => {
    expect(formatSeconds(1234)).toBe('1.23 s')
    expect(formatSeconds(1250, 1)).toBe('1.3 s')
    expect(formatSeconds(0)).toBe('0.00 s')
    expect(formatSeconds(Number.NaN)).toBe('—')
  })
})

describe('percentages', () => {
  it('keeps one decimal under 10% and none above, unless told how many', () => {
    expect(formatPercent(0.873)).toBe('87%')
    expect(formatPercent(0.042)).toBe('4.2%')
    expect(formatPercent(0)).toBe('0.0%')
    expect(formatPercent(-0.042)).toBe('-4.2%')
    expect(formatPercent(-0.5)).toBe('-50%')
    expect(formatPercent(1.5)).toBe('150%')
    expect(formatPercent(0.873, 1)).toBe('87.3%')
    expect(formatPercent(0.042, 0)).toBe('4%')
    expect(formatPercent(0, 0)).toBe('0%')
  })

  it('does not write "10.0%" for a value that rounds up to 10%', () => {
    expect(formatPercent(0.0996)).toBe('10%')
    expect(formatPercent(0.0994)).toBe('9.9%')
    expect(formatPercent(-0.0996)).toBe('-10%')
  })

  it('rounds halves up, as toFixed does for values held exactly', () => {
    expect(formatPercent(0.125, 0)).toBe('13%')
    expect(formatPercent(0.0125)).toBe('1.3%')
  })

  it('writes "—" where there is no number', () => {
    for (const value of [Number.NaN, Infinity, -Infinity]) {
      expect(formatPercent(value)).toBe('—')
      expect(formatPercent(value, 0)).toBe('—')
      expect(formatSignedPercent(value)).toBe('—')
      expect(formatShare(value)).toBe('—')
    }
  })

  it('signs a relative change with a plus or a true minus', () => {
    expect(formatSignedPercent(0.123)).toBe('+12.3%')
    expect(formatSignedPercent(-0.03)).toBe('−3.0%')
    expect(formatSignedPercent(0)).toBe('+0.0%')
    expect(formatSignedPercent(-0.5, 0)).toBe('−50%')
    expect(formatSignedPercent(2)).toBe('+200.0%')
  })

  it('tells a share of none from a share of almost none', () => {
    expect(formatShare(0)).toBe('0%')
    expect(formatShare(0.0005)).toBe('<0.1%')
    expect(formatShare(0.001)).toBe('0.1%')
    expect(formatShare(0.042)).toBe('4.2%')
    expect(formatShare(0.61)).toBe('61%')
    expect(formatShare(1)).toBe('100%')
    expect(formatShare(-0.02)).toBe('-2.0%')
  })
})

describe('rates', () => {
  it('picks the unit that keeps the number short', () => {
    expect(formatRate(19_500_000)).toBe('19.5 M/s')
    expect(formatRate(813_000)).toBe('813.0 k/s')
    expect(formatRate(2_345_000_000)).toBe('2.35 G/s')
    expect(formatRate(42.4)).toBe('42/s')
    expect(formatRate(0)).toBe('0/s')
  })

  it('changes unit exactly at 1000, a million and a billion', () => {
    expect(formatRate(999)).toBe('999/s')
    expect(formatRate(1000)).toBe('1.0 k/s')
    expect(formatRate(1e6)).toBe('1.0 M/s')
    expect(formatRate(1e9)).toBe('1.00 G/s')
  })

  it('writes "—" where there is no number', () => {
    expect(formatRate(Number.NaN)).toBe('—')
    expect(formatRate(Infinity)).toBe('—')
  })
})

describe('rough durations', () => {
  const seconds = (s: number): number => secondsToMs(s)

  it('reads as an estimate in s, min, h or days', () => {
    expect(formatRoughDurationMs(seconds(40))).toBe('40 s')
    expect(formatRoughDurationMs(seconds(12 * 60))).toBe('12 min')
    expect(formatRoughDurationMs(seconds(3.2 * 3600))).toBe('3.2 h')
    expect(formatRoughDurationMs(seconds(5 * 86_400))).toBe('5 days')
  })

  it('never says less than a second', () => {
    expect(formatRoughDurationMs(0)).toBe('1 s')
    expect(formatRoughDurationMs(120)).toBe('1 s')
  })

  it('moves to the next unit when the rounded number reaches it', () => {
    expect(formatRoughDurationMs(seconds(59.4))).toBe('59 s')
    expect(formatRoughDurationMs(seconds(59.6))).toBe('1 min')
    expect(formatRoughDurationMs(seconds(59 * 60 + 29))).toBe('59 min')
    expect(formatRoughDurationMs(seconds(59 * 60 + 31))).toBe('1.0 h')
    expect(formatRoughDurationMs(seconds(2 * 86_400 - 1))).toBe('48.0 h')
    expect(formatRoughDurationMs(seconds(2 * 86_400))).toBe('2 days')
  })

  it('writes "—" where there is no number', () => {
    expect(formatRoughDurationMs(Number.NaN)).toBe('—')
  })
})

describe('the stamp in exported file names', () => {
  it('keeps a run start to the second, with no character a file system refuses', () => {
    expect(fileNameStamp('2026-11-27T10:15:00.123Z')).toBe('2026-11-27T10-15-00')
    expect(fileNameStamp(new Date(Date.UTC(2026, 10, 27, 10, 15, 0, 999)))).toBe('2026-11-27T10-15-00')
  })

  it('makes any other text safe too', () => {
    expect(fileNameStamp('2026-11-27T10:15:00Z')).toBe('2026-11-27T10-15-00Z')
    expect(fileNameStamp('yesterday at 5/6')).toBe('yesterday-at-5-6')
  })
})
