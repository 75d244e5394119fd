import { interpreterSeriesPrefix, type InterpreterComparison, type InterpreterRun } from '../../../shared/experiments/interpreters'
import type { RacePythonInfo, RaceVariantData } from '../../../shared/experiments/race'
import type { PythonInfo } from '../../../shared/model/machine'
import { interpreterComparison, interpreterRunOf } from '../experiments/explain/interpreters'
import type { PythonRaceRun } from './python-race'
import { pythonExplanations } from './summarize'

/** One interpreter's race: what race.py reported (absent: it did not run, and why), and its counters' figures. */
export interface InterpreterRace {
  python: PythonInfo
  /** 0 for the primary, then 1, 2 … */
  index: number
  report?: Pick<PythonRaceRun['report'], 'python' | 'implementation' | 'gilEnabled' | 'switchIntervalMs'>
  variants: RaceVariantData[]
  reason?: string
  /** Its name where another interpreter of the run has the same version and build. */
  label?: string
}

/** The race on each interpreter: how much its counters lost and why, in the words the single-interpreter run uses. */
export function raceInterpreters(runs: readonly InterpreterRace[]): InterpreterComparison {
  return interpreterComparison(
    'lost-updates',
    runs.map((run) => {
      const rows = run.report
        ? run.variants.map((v) => ({ variant: v.id.replace(/^python-/, ''), label: v.label.replace(/^Python: /, ''), seriesId: `${interpreterSeriesPrefix(run.index)}${v.id.replace(/^python-/, '')}`, medianMs: v.durationMsMedian, lostShare: v.lostShare.median, lowestFound: Math.min(...v.foundValues), expected: v.expectedPerTrial }))
        : undefined
      const runtime = run.report ? { version: run.report.python, implementation: run.report.implementation, gilEnabled: run.report.gilEnabled, switchIntervalMs: run.report.switchIntervalMs } : undefined
      const explain = (interpreter: InterpreterRun): string => {
        const info: RacePythonInfo = { status: 'ran', version: run.report!.python, gilEnabled: run.report!.gilEnabled, switchIntervalMs: run.report!.switchIntervalMs }
        const lines = pythonExplanations(new Map(run.variants.map((v) => [v.id, v])), info).map((line) => line.replace(/^CPython [\d.]+\w*: /, ''))
        return `${interpreter.label}: ${lines.join(' ')}`
      }
      return interpreterRunOf(run.python, run.index, { runtime, rows, reason: run.report ? undefined : (run.reason ?? 'Python did not run.'), explain, label: run.label })
    }),
  )
}

