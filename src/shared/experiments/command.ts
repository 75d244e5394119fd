import { commandTextParam, type CommandFacts } from './command-line'
import { launcherParam, type LauncherId } from './launchers'
import { booleanParam, intParam, numberParam, type ParamValues } from './params'
import type { SpawnAccount } from './processes'

export const commandParamSpecs = {
  command: commandTextParam(
    'sleep 0.1',
    'The command to benchmark. Without shell it is split into words at spaces ("…" and \'…\' group words) and started directly, as hyperfine -N does.',
  ),
  launcher: launcherParam(),
  shell: booleanParam({ label: 'Use a shell', help: 'Run the command through /bin/sh -c (cmd.exe on Windows); the shell\'s start-up is then part of every time. Off by default.', default: false }),
  warmup: intParam({ label: 'Warm-up runs', help: 'Runs before measuring, to fill caches; not counted.', min: 0, max: 100, default: 1 }),
  runs: intParam({ label: 'Runs', help: 'Measured runs, at least.', min: 1, max: 1000, default: 10 }),
  budgetSeconds: numberParam({ label: 'Time budget', help: 'Keep measuring until this much time was measured (0: just the runs above); at most 1000 runs.', min: 0, max: 600, default: 0, step: 1, unit: 's' }),
  maxParallel: intParam({ label: 'Copies at once, up to', help: 'The parallelism sweep runs 1, 2, 4, … up to this many copies at once (1: no sweep).', min: 1, max: 64, default: 4 }),
  sweepRuns: intParam({ label: 'Sweep runs', help: 'Measured rounds of the sweep (each round runs every number of copies, interleaved).', min: 1, max: 50, default: 3 }),
  timeoutSeconds: numberParam({ label: 'Timeout per run', help: 'A run that takes longer is stopped and the benchmark ends with a message.', min: 0.1, max: 3600, default: 60, step: 1, unit: 's' }),
  ignoreFailure: booleanParam({ label: 'Ignore failures', help: 'Keep measuring when the command exits with a non-zero code (as hyperfine -i); otherwise the first failure stops the benchmark.', default: false }),
} as const

export type CommandParams = ParamValues<typeof commandParamSpecs>

export interface CommandSweepRow {
  copies: number
  seriesId: string
  /** Wall time until all copies had exited, median of the rounds. */
  medianMs: number
  /** copies × (one copy's time) ÷ (time of all copies at once), paired per round. */
  speedup: number
  ideal: number
  /** speedup ÷ copies. */
  efficiency: number
  /** Runs finished per second. */
  throughputPerSecond: number
}

export interface CommandData extends CommandFacts {
  measuredRuns: number
  warmupRuns: number
  budgetMs: number
  /** hyperfine's lines: "Time (mean ± σ): …", "Range (min … max): …". */
  statisticsLines: string[]
  /** How many runs ended with each exit code (as text: "0", "1", "SIGTERM"). */
  exitCodes: Record<string, number>
  outputBytesMedian: number
  /** How the command was started (see launchers.ts). */
  launcher: LauncherId
  launcherLabel: string
  /** How much of one run's time was the app starting the child; `verdict`: what that means for the times ('' when nothing special). */
  spawnSingle: { spawnMsMedian: number; wallMsMedian: number; share: number; sentence: string; verdict?: string }
  sweep: CommandSweepRow[]
  /** What the parallelism sweep shows, against the logical cores. */
  sweepSentence?: string
  /** "10 measured runs after 1 warm-up, measuring for at least 5.00 s". */
  measuredSentence?: string
  /** The stagger and cost of starting the most copies at once (last round). */
  spawnSweep?: SpawnAccount
  logicalCores: number
}
