import { LabError } from '../../../shared/errors'
import type { PythonRaceVariant, RaceVariantTrace } from '../../../shared/experiments/race'
import { readScriptResult } from '../python/script-result'
import type { PythonRaceReport } from './python-race'
import { pythonVariantTrace, type PythonTrace } from './race-traces'

/**
 * Reading race.py's report: its trials as they are, its traced trials decoded and analysed. A
 * traced trial is 2 × up to 1,000,000 increments, so this runs on the run's analysis thread.
 */

/** One traced trial as race.py prints it: reads as differences from the previous read, writes as write − read (see race.py). */
interface PythonTraceReport {
  variant: PythonRaceVariant
  found: number
  attempts: number
  threads: { readDeltas: number[]; writeMinusRead: number[] }[]
}

export interface PythonRaceReading {
  report: PythonRaceReport
  traces: RaceVariantTrace[]
}

function decodeTrace(trace: PythonTraceReport): PythonTrace {
  return {
    variant: trace.variant,
    found: trace.found,
    attempts: trace.attempts,
    threads: trace.threads.map(({ readDeltas, writeMinusRead }) => {
      const reads = new Float64Array(readDeltas.length)
      const writes = new Float64Array(readDeltas.length)
      let read = 0
      for (let i = 0; i < readDeltas.length; i++) {
        read += readDeltas[i]!
        reads[i] = read
        writes[i] = read + writeMinusRead[i]!
      }
      return { reads, writes }
    }),
  }
}

/** The last line race.py printed, read: throws a LabError that says what is wrong with it. */
export function readPythonRaceReport(lastLine: string): PythonRaceReading {
  const { traces, ...report } = readScriptResult<PythonRaceReport & { traces?: PythonTraceReport[] }>('race.py', lastLine)
  if (!Array.isArray(report.trials) || typeof report.startedAtMonotonicMs !== 'number') {
    throw new LabError('internal', 'The Python script race.py printed JSON without its trials; is resources/python/race.py the one shipped with the lab?')
  }
  return { report, traces: (traces ?? []).map((trace) => pythonVariantTrace(decodeTrace(trace))) }
}
