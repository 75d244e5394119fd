import { booleanParam, enumParam, intParam, numberParam, type ParamValues } from './params'
import type { LauncherId, LauncherRow } from './launchers'
import { launcherParam } from './launchers'
import type { SpawnAccount } from './processes'

export const fanoutParamSpecs = {
  children: intParam({ label: 'Children', help: 'How many child processes to start.', min: 1, max: 1000, default: 10 }),
  seconds: numberParam({ label: 'Seconds each', help: 'How long each child sleeps.', min: 0, max: 60, default: 0.1, step: 0.05, unit: 's' }),
  program: enumParam({
    label: 'Program',
    help: 'system: the sleep command on PATH; builtin: a tiny Node program that sleeps (works everywhere); auto: system if found, else builtin.',
    options: ['auto', 'system', 'builtin'] as const,
    default: 'auto',
  }),
  launcher: launcherParam(),
  compareLaunchers: booleanParam({
    label: 'Compare launchers',
    help: 'Also start the N children at once with every other launcher this machine has (spawner helpers, child_process.spawn and execa in the app, Python\'s subprocess), in the same interleaved rounds: wall time and what starting one child costs, side by side.',
    default: false,
  }),
  runs: intParam({ label: 'Runs', help: 'Measured runs of each variant (serial and parallel are interleaved).', min: 1, max: 100, default: 3 }),
  warmup: intParam({ label: 'Warm-up runs', help: 'Unmeasured runs of each variant before measuring.', min: 0, max: 10, default: 1 }),
  sweep: booleanParam({ label: 'Concurrency-limit sweep', help: 'Also run the N children with at most 2, 4, 8, … at once (interleaved with serial and parallel): speedup against the limit.', default: true }),
} as const

export type FanoutParams = ParamValues<typeof fanoutParamSpecs>

export interface FanoutData {
  /** The program that ran, as argv. */
  argv: string[]
  programSource: 'system' | 'builtin'
  /** How the children were started (see launchers.ts), in words, and how many spawner helpers where they did. */
  launcher: LauncherId
  launcherLabel: string
  helperCount: number
  /** With compareLaunchers: every launcher's parallel wall time and start cost, measured in the same rounds. */
  launchers?: LauncherRow[]
  /** With compareLaunchers: the longest child's own life (running to exit), the wall time no launcher can beat. */
  launcherIdealMs?: number
  /** "Started at once, 10 children took 134 ms with Python's subprocess.Popen, …" and why they differ, on this system. */
  launcherSentence?: string
  launcherWhy?: string
  /** Median of all children's spawn cost: call to running. */
  spawnMsMedian: number
  /** Of the parallel wall time, the share between the first spawn call and the last child running. */
  parallelSpawnShare: number
  failedChildren: number
  /** Serial, each limit of the sweep, and fully parallel: at most `limit` children at once (serial is 1, parallel is N). */
  limits: FanoutLimitRow[]
  /** The parallel trials: the longest single child against the sum of all children (median over trials). */
  longestChildMs: number
  sumOfChildrenMs: number
  parallelWallMs: number
  /** "Parallel wall time 172 ms is 1.6× the longest child (105 ms) and 16% of the sum (1.05 s): …" */
  boundSentence: string
  /** Why parallel stays above the longest child: the children are started in turn, by whom, at what cost each. */
  startSentence?: string
  /** What the concurrency-limit sweep shows: the rounds each limit needs, and how close it came to what they allow ('' without a sweep). */
  sweepSentence?: string
  /** How much of the wall time was the app starting children, in the last parallel and serial trial. */
  spawnParallel: SpawnAccount
  spawnSerial: SpawnAccount
}

export interface FanoutLimitRow {
  limit: number
  seriesId: string
  medianMs: number
  /** Median of the paired speedups against serial. */
  speedup: number
  /** The best equal sleeps allow: N ÷ ceil(N ÷ limit), since they finish in whole rounds of `limit`. */
  ideal: number
  /** ceil(N ÷ limit): the rounds of sleeps N children need with at most `limit` at once. */
  rounds?: number
  /** speedup ÷ ideal: how much of what its rounds allow this limit reached. */
  efficiency?: number
}
