/**
 * Paired, interleaved measurement for a shared, noisy machine: every round runs the baseline and
 * each candidate once (A B C, then C B A, …, so neither always goes first), and a candidate is
 * compared with the baseline of its own round. The ratio reported is the median of those
 * per-round ratios, with its spread (lowest–highest, and the middle half).
 */
import jstatModule from 'jstat'

const jstat = jstatModule.jStat

export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  const position = (sorted.length - 1) * q
  const low = Math.floor(position)
  const high = Math.ceil(position)
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low)
}

export const median = (values) => quantile(values, 0.5)

/**
 * The geometric mean of per-round ratios with its 95% confidence interval (Student's t on the
 * logarithms, so 0.9× and 1.1× weigh alike), and what it lets one say against 1×: 'faster'
 * when the whole interval is below 1, 'slower' when it is above, 'parity' when it holds 1.
 */
export function ratioInterval(ratios) {
  const logs = ratios.filter((r) => r > 0 && Number.isFinite(r)).map(Math.log)
  const n = logs.length
  if (n === 0) return undefined
  const meanLog = logs.reduce((a, b) => a + b, 0) / n
  const sd = n > 1 ? Math.sqrt(logs.reduce((a, b) => a + (b - meanLog) ** 2, 0) / (n - 1)) : 0
  const half = n > 1 ? jstat.studentt.inv(0.975, n - 1) * (sd / Math.sqrt(n)) : Number.POSITIVE_INFINITY
  const low = Math.exp(meanLog - half)
  const high = Math.exp(meanLog + half)
  return { n, geomean: Math.exp(meanLog), low, high, against1: high < 1 ? 'faster' : low > 1 ? 'slower' : 'parity' }
}

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
