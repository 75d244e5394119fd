import { formatRatio } from '../units'

/** What a speedup's 95% interval supports: clearly faster or slower than the baseline, or neither. */
export type SpeedupVerdict = 'faster' | 'slower' | 'unclear' | 'one-run'

export interface SpeedupEvidence {
  verdict: SpeedupVerdict
  /** Words to put after "ran 1.12× as fast as serial": empty where the interval backs the figure. */
  qualifier: string
}

/**
 * Whether a speedup (the median of per-run ratios) differs from 1× by more than its 95% interval
 * (Student's t over the ratios) allows, and how to say so. `runs` may be unknown for results
 * saved before it was recorded: then nothing is added, as before.
 */
export function speedupEvidence(ci95: readonly [number, number], runs: number | undefined): SpeedupEvidence {
  if (runs === undefined) return { verdict: 'unclear', qualifier: '' }
  if (runs < 2) return { verdict: 'one-run', qualifier: ' (one run, so no interval: it may be noise)' }
  const [low, high] = ci95
  if (low > 1) return { verdict: 'faster', qualifier: '' }
  if (high < 1) return { verdict: 'slower', qualifier: '' }
  // a speedup below 0× means nothing: the interval's low end is shown from 0
  return { verdict: 'unclear', qualifier: `, not clearly different from 1× (95% interval ${formatRatio(Math.max(0, low))}–${formatRatio(high)} over ${runs} runs)` }
}
