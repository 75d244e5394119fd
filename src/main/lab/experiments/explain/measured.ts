/**
 * a ÷ b of two measured figures, NaN where either was not measured. Needed because a result saved
 * with NaN reads back with null there, and null ÷ 2 is 0 in JavaScript, a figure nobody measured.
 */
export function measuredRatio(numerator: number | null, denominator: number | null): number {
  return typeof numerator === 'number' && typeof denominator === 'number' ? numerator / denominator : Number.NaN
}
