import { describe, expect, it } from 'vitest'
import { palette } from '../../src/shared/charts/palette'

/**
 * The chart colours stay apart for the common colour-vision deficiencies: each colour is passed
 * through Machado, Oliveira and Fernandes' (2009) simulation at full severity, in linear RGB, and
 * every pair must stay at least MIN_DELTA_E apart in CIELAB (ΔE*ab; about 2.3 is "just noticeable",
 * 10 is plainly different at a glance).
 */
const MIN_DELTA_E = 10
const SIMULATIONS: Record<string, number[][]> = {
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.01182, 0.04294, 0.968881]],
  tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.3039]],
  'typical vision': [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
}

const linear = (c: number): number => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
const linearRgb = (hex: string): number[] => [1, 3, 5].map((i) => linear(Number.parseInt(hex.slice(i, i + 2), 16) / 255))
function cielab([r, g, b]: number[]): number[] {
  const f = (t: number): number => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116)
  const x = f((0.4124 * r! + 0.3576 * g! + 0.1805 * b!) / 0.95047)
  const y = f(0.2126 * r! + 0.7152 * g! + 0.0722 * b!)
  const z = f((0.0193 * r! + 0.1192 * g! + 0.9505 * b!) / 1.08883)
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)]
}
const simulate = (matrix: number[][], rgb: number[]): number[] => matrix.map((row) => Math.min(1, Math.max(0, row[0]! * rgb[0]! + row[1]! * rgb[1]! + row[2]! * rgb[2]!)))
const deltaE = (a: number[], b: number[]): number => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!)

/** The closest pair of colours as someone with this vision sees them. */
function closestPair(colours: readonly string[], matrix: number[][]): { distance: number; pair: string } {
  let closest = { distance: Number.POSITIVE_INFINITY, pair: '' }
  for (let i = 0; i < colours.length; i++) {
    for (let j = i + 1; j < colours.length; j++) {
      const distance = deltaE(cielab(simulate(matrix, linearRgb(colours[i]!))), cielab(simulate(matrix, linearRgb(colours[j]!))))
      if (distance < closest.distance) closest = { distance, pair: `${colours[i]} and ${colours[j]}` }
    }
  }
  return closest
}

describe('chart colours for colour-vision deficiencies', () => {
  const { series, spawning: _tintOfParallel, ...byMeaning } = palette
  for (const [vision, matrix] of Object.entries(SIMULATIONS)) {
    it(`keeps the series colours and the colours by meaning apart under ${vision}`, () => {
      for (const colours of [series, Object.values(byMeaning)]) {
        const { distance, pair } = closestPair(colours, matrix)
        expect(distance, pair).toBeGreaterThanOrEqual(MIN_DELTA_E)
      }
    })
  }

  it('would catch the old palette: its green and orange are one colour under protanopia', () => {
    expect(closestPair(['#5c940d', '#e67700'], SIMULATIONS.protanopia!).distance).toBeLessThan(2)
  })
})
