import { enumParam, intParam, numberParam, type ParamValues } from './params'

export const fanoutParamSpecs = {
  children: intParam({ label: 'Children', help: 'How many child processes to start.', min: 1, max: 1000, default: 10 }),
  seconds: numberParam({ label: 'Seconds each', help: 'How long each child sleeps.', min: 0, max: 60, default: 0.1, step: 0.05, unit: 's' }),
  program: enumParam({
    label: 'Program',
    help: 'system: the sleep command on PATH; builtin: a tiny Node program that sleeps (works everywhere); auto: system if found, else builtin.',
    options: ['auto', 'system', 'builtin'] as const,
    default: 'auto',
  }),
  runs: intParam({ label: 'Runs', help: 'Measured runs of each variant (serial and parallel are interleaved).', min: 1, max: 100, default: 3 }),
  warmup: intParam({ label: 'Warm-up runs', help: 'Unmeasured runs of each variant before measuring.', min: 0, max: 10, default: 1 }),
} as const

export type FanoutParams = ParamValues<typeof fanoutParamSpecs>

export interface FanoutData {
  /** The program that ran, as argv. */
  argv: string[]
  programSource: 'system' | 'builtin'
  /** Median of all children's spawn cost: call to running. */
  spawnMsMedian: number
  /** Of the parallel wall time, the share between the first spawn call and the last child running. */
  parallelSpawnShare: number
  failedChildren: number
}
