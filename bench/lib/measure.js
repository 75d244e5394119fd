/**
 * Paired, interleaved measurement for a shared, noisy machine: every round runs the baseline and
 * each candidate once (A B C, then C B A, …, so neither always goes first), and a candidate is
 * compared with the baseline of its own round. The ratio reported is the median of those
 * per-round ratios, with its spread (lowest–highest, and the middle half).
 */

export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  const position = (sorted.length - 1) * q
  const low = Math.floor(position)
  const high = Math.ceil(position)
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low)
}

export const median = (values) => quantile(values, 0.5)

export function summarize(values) {
  return {
    n: values.length,
    median: median(values),
    q1: quantile(values, 0.25),
    q3: quantile(values, 0.75),
    min: Math.min(...values),
    max: Math.max(...values),
  }
}

/**
 * Runs `warmup` unmeasured rounds, then `rounds` measured ones. Each variant is an async
 * function returning one measured value (smaller is better, e.g. ms per child); a variant may
 * return undefined to skip a value. Resolves with each variant's values and summary, and for
 * every candidate its per-round ratios to the baseline (the first variant) and their summary.
 */
export async function interleave(variants, { rounds, warmup = 1, onRound } = {}) {
  const values = variants.map(() => [])
  for (let round = -warmup; round < rounds; round++) {
    const order = variants.map((_, i) => i)
    if (round % 2 !== 0) order.reverse()
    const roundValues = new Array(variants.length)
    for (const i of order) roundValues[i] = await variants[i].run()
    if (round < 0) continue
    roundValues.forEach((value, i) => values[i].push(value))
    onRound?.(round + 1, rounds)
  }
  const baseline = values[0]
  return variants.map((variant, i) => {
    const ratios = i === 0 ? undefined : values[i].map((value, round) => value / baseline[round]).filter(Number.isFinite)
    return {
      name: variant.name,
      values: values[i],
      summary: summarize(values[i].filter(Number.isFinite)),
      ratios,
      ratio: ratios ? summarize(ratios) : undefined,
    }
  })
}

/** Times one async call in ms. */
export async function timeMs(fn) {
  const start = performance.now()
  await fn()
  return performance.now() - start
}
