import type { FanoutData, FanoutLimitRow } from '../../../../shared/experiments/fanout'
import { formatPercent, formatRatio } from '../../../../shared/units'
import { measuredRatio } from './measured'

/** The figures and sentences of a fan-out result that follow from its measured rows. */

/** N children with at most `limit` at once run in ceil(N / limit) rounds. */
export const fanoutRounds = (children: number, limit: number): number => Math.ceil(children / Math.max(1, limit))

/** The best speedup a limit allows when every child takes as long: N over the number of rounds. */
export const fanoutRoundsBound = (children: number, limit: number): number => children / fanoutRounds(children, limit)

type MeasuredLimitRow = Pick<FanoutLimitRow, 'limit' | 'speedup' | 'ideal'>

/** What the concurrency-limit sweep shows, from its rows. */
export function fanoutSweepSentence(limits: readonly MeasuredLimitRow[], children: number, secondsEach: number): string {
  const swept = limits.filter((row) => row.limit > 1)
  if (swept.length === 0) return ''
  const all = swept.at(-1)!
  if (secondsEach === 0) {
    return `With nothing to wait for, a child is only the cost of starting it, and the app starts children one after another: ${all.limit} at once gave ${formatRatio(all.speedup)} (ideal ${formatRatio(all.ideal)}).`
  }
  const ofBound = swept.map((row) => measuredRatio(row.speedup, fanoutRoundsBound(children, row.limit)))
  const uneven = swept.find((row) => children % row.limit !== 0)
  const rounds = uneven
    ? ` With at most ${uneven.limit} at once, ${children} children need ${fanoutRounds(children, uneven.limit)} rounds of sleeps, so the best it can do is ${formatRatio(fanoutRoundsBound(children, uneven.limit))}, not ${formatRatio(uneven.limit)}.`
    : ''
  return (
    `A limit of N lets the children sleep N at a time, so the wall time falls with the number of rounds, ceil(${children} ÷ N).${rounds} ` +
    `Measured, the limits reached ${formatPercent(Math.min(...ofBound))}–${formatPercent(Math.max(...ofBound))} of what their rounds allow; the rest is the app starting children one after another.`
  )
}

/** Each row with its rounds and efficiency, and the sweep in a sentence. */
export function explainFanout(data: Pick<FanoutData, 'limits'>, params: { children: number; seconds: number }): Required<Pick<FanoutData, 'limits' | 'sweepSentence'>> {
  return {
    limits: data.limits.map((row) => ({ ...row, rounds: fanoutRounds(params.children, row.limit), efficiency: measuredRatio(row.speedup, row.ideal) })),
    sweepSentence: fanoutSweepSentence(data.limits, params.children, params.seconds),
  }
}
