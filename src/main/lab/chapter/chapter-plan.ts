import { z } from 'zod'
import { experimentIds, experimentParamSchemas, experiments, findExperiment, type ExperimentId } from '../../../shared/experiments/catalog'
import type { MachineInfo } from '../../../shared/model/machine'
import { parseOrThrow } from '../../../shared/validation'

/** One experiment of a chapter run, with the parameters it runs with. */
export interface ChapterStep {
  experimentId: ExperimentId
  params: Record<string, unknown>
}

/**
 * How long each experiment takes with its defaults on the 2-core reference machine (a result's
 * durationMs in a chapter run); the chapter's time-left estimate scales these by this machine's pace.
 */
export const EXPECTED_DEFAULT_RUN_MS: Record<ExperimentId, number> = {
  capture: 1_500,
  fanout: 11_200,
  pipeline: 3_300,
  timeout: 400,
  command: 2_900,
  factorize: 55_000,
  'blocking-io': 7_500,
  race: 11_000,
  // not in the chapter
  workload: 0,
}

export const defaultParams = (experimentId: ExperimentId): Record<string, unknown> => parseOrThrow(experimentParamSchemas[experimentId], {}, `default parameters of ${experimentId}`)

/** The whole chapter: every experiment of the catalog, in its order, with its default parameters. */
export function defaultChapterSteps(): ChapterStep[] {
  return experiments.filter((experiment) => !('notInChapter' in experiment)).map((experiment) => ({ experimentId: experiment.id, params: defaultParams(experiment.id) }))
}

/** Why a step cannot run on this machine, as a sentence; undefined when it can. */
export function skipReason(step: ChapterStep, machine: Pick<MachineInfo, 'python'>): string | undefined {
  if (step.params.runtime === 'python' && !machine.python.found) {
    return `${findExperiment(step.experimentId)?.title ?? step.experimentId} runs only Python here, and no Python 3 was found (${machine.python.reason ?? machine.python.command}); install Python 3 or set its path in Settings.`
  }
  return undefined
}

/** What a step could not measure although it ran (the Python half where there is no Python), or undefined. */
export function partialNote(step: ChapterStep, machine: Pick<MachineInfo, 'python'>): string | undefined {
  if (step.params.runtime === 'both' && !machine.python.found) return `Only the Node half ran: no Python 3 was found (${machine.python.reason ?? machine.python.command}).`
  return undefined
}

/** A list of steps given from outside (tests of a host): each checked against its experiment's parameters. */
const stepsSchema = z
  .array(z.strictObject({ experimentId: z.enum(experimentIds), params: z.record(z.string().max(64), z.unknown()).default({}) }))
  .min(1)
  .max(experimentIds.length * 4)

export function parseChapterSteps(json: string, source: string): ChapterStep[] {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    throw new Error(`${source} is not JSON: a list of { "experimentId", "params" } was expected.`)
  }
  return parseOrThrow(stepsSchema, value, source).map((step) => ({ experimentId: step.experimentId, params: parseOrThrow(experimentParamSchemas[step.experimentId], step.params, `${source}: parameters for ${step.experimentId}`) }))
}
