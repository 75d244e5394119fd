import type { z } from 'zod'
import { fanoutParamSpecs } from './fanout'
import { paramsSchema, type ParamSpecs } from './params'

export type ScreenId = 'processes' | 'threads' | 'races' | 'results'

export interface ExperimentInfo {
  id: string
  screen: Exclude<ScreenId, 'results'>
  title: string
  summary: string
  params: ParamSpecs
}

/** Every experiment the lab offers; ids are stable (CLI, saved results, URLs). */
export const experiments = [
  {
    id: 'fanout',
    screen: 'processes',
    title: 'Fan-out',
    summary: 'Start N children one after another, then all at once: parallel wall time is bounded by the longest child, not the sum.',
    params: fanoutParamSpecs,
  },
] as const satisfies readonly ExperimentInfo[]

export type ExperimentId = (typeof experiments)[number]['id']
export const experimentIds = experiments.map((e) => e.id) as [ExperimentId, ...ExperimentId[]]

export function findExperiment(id: string): ExperimentInfo | undefined {
  return (experiments as readonly ExperimentInfo[]).find((e) => e.id === id)
}

export const experimentParamSchemas = Object.fromEntries(experiments.map((e) => [e.id, paramsSchema(e.params as ParamSpecs)])) as unknown as Record<ExperimentId, z.ZodType<Record<string, unknown>>>
