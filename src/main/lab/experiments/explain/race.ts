import type { RaceData, RacePythonInfo, RaceVariantData } from '../../../../shared/experiments/race'
import { formatDurationMs, formatRatio } from '../../../../shared/units'

/** The figures and sentences of a race result that follow from its variants and slowdowns. */

/** The lowest final count of any trial: how far below the expected count the counter ended at worst. */
export const lowestFound = (variant: Pick<RaceVariantData, 'foundValues'>): number => (variant.foundValues.length > 0 ? Math.min(...variant.foundValues) : Number.NaN)

/** "The mutex costs 2.60× the time of the atomic add; in Python the lock costs 3.10×." ('' without both Node modes). */
export function slowdownSentence(slowdowns: RaceData['slowdowns']): string {
  if (!slowdowns.mutexVsAtomic) return ''
  const python = slowdowns.pythonLockedVsUnlocked ? `; in Python the lock costs ${formatRatio(slowdowns.pythonLockedVsUnlocked)}` : ''
  return `The mutex costs ${formatRatio(slowdowns.mutexVsAtomic)} the time of the atomic add${python}.`
}

/** "Python 3.12.3 (with the GIL), switch interval 5 ms; …", where Python ran. */
export function racePythonSentence(python: RacePythonInfo): string | undefined {
  if (python.status !== 'ran') return undefined
  const build = python.gilEnabled === false ? ' (free-threaded)' : ' (with the GIL)'
  return `Python ${python.version}${build}, switch interval ${python.switchIntervalMs} ms; the interpreter took ${formatDurationMs(python.interpreterStartupMs ?? 0)} to start (not counted in any trial).`
}

export function explainRace(data: Pick<RaceData, 'variants' | 'slowdowns' | 'python'>): Required<Pick<RaceData, 'variants' | 'slowdownSentence' | 'python'>> {
  const sentence = racePythonSentence(data.python)
  return {
    variants: data.variants.map((variant) => ({ ...variant, foundMin: lowestFound(variant) })),
    slowdownSentence: slowdownSentence(data.slowdowns),
    python: sentence === undefined ? data.python : { ...data.python, sentence },
  }
}
