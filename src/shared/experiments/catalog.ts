import type { z } from 'zod'
import { captureParamSpecs } from './capture'
import { commandParamSpecs } from './command'
import { fanoutParamSpecs } from './fanout'
import { paramsSchema, withCheck, type ParamSpecs } from './params'
import { pipelineParamSpecs, pipelineParamsProblem, type PipelineParams } from './pipeline'
import { raceParamSpecs, raceParamsProblem, type RaceParams } from './race'
import { blockingIoParamSpecs, factorizeParamSpecs } from './threads'
import { timeoutParamSpecs } from './timeout'
import { workloadParamSpecs, workloadParamsProblem, type WorkloadParams } from './workload'

export type ScreenId = 'lessons' | 'processes' | 'threads' | 'races' | 'results' | 'chapter' | 'settings'

export interface ExperimentInfo {
  id: string
  screen: Exclude<ScreenId, 'lessons' | 'results' | 'chapter' | 'settings'>
  title: string
  summary: string
  params: ParamSpecs
  /** What ranges alone cannot check (one parameter against another), as a sentence without its final period. */
  check?(params: Record<string, unknown>): string | undefined
  /** Not one of the lessons: the chapter leaves it out. */
  notInChapter?: true
}

/** Every experiment the lab offers; ids are stable (CLI, saved results, URLs). */
export const experiments = [
  {
    id: 'capture',
    screen: 'processes',
    title: 'Run and capture',
    summary: 'Run one command and see its stdout, stderr and exit code, and its life from spawn request to exit as the app saw it — while the app keeps working instead of polling.',
    params: captureParamSpecs,
  },
  {
    id: 'fanout',
    screen: 'processes',
    title: 'Fan-out',
    summary: 'Start N children one after another, then all at once: parallel wall time is bounded by the longest child, not the sum.',
    params: fanoutParamSpecs,
  },
  {
    id: 'pipeline',
    screen: 'processes',
    title: 'Pipelines',
    summary: 'K pipelines of openssl enc → md5sum in parallel, each hash verified by the app; the lesson\'s code as printed (mode book) races the hash stage for the pipe and often hashes nothing.',
    params: pipelineParamSpecs,
    check: (params) => pipelineParamsProblem(params as PipelineParams),
  },
  {
    id: 'timeout',
    screen: 'processes',
    title: 'Timeouts',
    summary: 'A child that would run 10 s gets a 0.1 s timeout: terminated with SIGTERM (status -15), escalated to SIGKILL if it ignores that, and no zombie left.',
    params: timeoutParamSpecs,
  },
  {
    id: 'command',
    screen: 'processes',
    title: 'Your own command',
    summary: 'Benchmark any command as hyperfine would: warm-up, runs or a time budget, statistics with outlier warnings, and a sweep of 1…N copies at once.',
    params: commandParamSpecs,
  },
  {
    id: 'factorize',
    screen: 'threads',
    title: 'CPU-bound: factorize',
    summary: 'Find every divisor by trial division: serially, as async tasks taking turns on one thread, on 1, 2, 4 … worker threads and child processes — and in Python with threads (under the GIL) and processes. Speedup, efficiency, Amdahl, Karp–Flatt and the Universal Scalability Law.',
    params: factorizeParamSpecs,
  },
  {
    id: 'blocking-io',
    screen: 'threads',
    title: 'Blocking I/O',
    summary: 'K blocking calls of D ms: one after another (K × D), on K threads that each block (≈ D), and as non-blocking async calls on one thread (≈ D) — threads do help when they wait. In Node and Python.',
    params: blockingIoParamSpecs,
  },
  {
    id: 'race',
    screen: 'races',
    title: 'Races',
    summary: 'W workers add one to a shared counter I times each: unsynchronised they lose updates; Atomics.add and a mutex stay exact, at a cost. With the lesson\'s Python Counter and LockingCounter.',
    params: raceParamSpecs,
    check: (params) => raceParamsProblem(params as RaceParams),
  },
  {
    id: 'workload',
    screen: 'threads',
    title: 'Your own function',
    summary: 'Will your code get faster on threads or processes? An ES module exporting work(input) (and inputs()), run serially, as async tasks on one thread, on 1, 2, 4 … worker threads and in child processes, every result checked against serial. Start from an example: CPU-bound, I/O-bound, or uneven.',
    params: workloadParamSpecs,
    check: (params) => workloadParamsProblem(params as WorkloadParams),
    notInChapter: true,
  },
] as const satisfies readonly ExperimentInfo[]

export type ExperimentId = (typeof experiments)[number]['id']
export const experimentIds = experiments.map((e) => e.id) as [ExperimentId, ...ExperimentId[]]

export function findExperiment(id: string): ExperimentInfo | undefined {
  return (experiments as readonly ExperimentInfo[]).find((e) => e.id === id)
}

export const experimentParamSchemas = Object.fromEntries(experiments.map((e) => [e.id, withCheck(paramsSchema(e.params as ParamSpecs), (e as ExperimentInfo).check)])) as unknown as Record<ExperimentId, z.ZodType<Record<string, unknown>>>
