import type { FactorizeParams } from '../../../shared/experiments/threads'
import { summarizeFactorize, type FactorizeMachine, type FactorizeTrials } from '../experiments/factorize-summary'
import { readPythonRaceReport } from '../races/python-race-report'
import { nodeVariantTrace } from '../races/race-traces'
import type { TasksOf } from '../pool/protocol'

/**
 * What the analysis thread (analysis.worker.ts) computes for a run: pure functions of what the
 * run recorded, so they give the same answer here as on the main thread, without holding it.
 */
export const analysisHandlers = {
  /** A traced Node race trial: its logs scanned for lost updates (they arrive shared, not copied). */
  raceTrace: nodeVariantTrace,
  /** race.py's last line: its trials, and its traced trials decoded and scanned. */
  pythonRaceReport: readPythonRaceReport,
  /** A factorize run's result from its recorded trials. */
  summarizeFactorize: (input: { params: FactorizeParams; machine: FactorizeMachine; trials: FactorizeTrials }) => summarizeFactorize(input.params, input.machine, input.trials),
}

export type AnalysisTasks = TasksOf<typeof analysisHandlers>
