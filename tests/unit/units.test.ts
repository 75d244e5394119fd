import { describe, expect, it } from 'vitest'
import { formatCount, formatDateTime } from '../../src/shared/units'

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
