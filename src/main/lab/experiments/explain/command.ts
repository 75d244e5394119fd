import type { CommandData, CommandSweepRow } from '../../../../shared/experiments/command'
import { formatDurationMs, formatPercent, formatRatio } from '../../../../shared/units'

/** The sentences of a command benchmark that follow from its measured rows. */

/** What the parallelism sweep of a command shows, from its rows and the machine's cores. */
export function commandSweepSentence(sweep: readonly CommandSweepRow[], logicalCores: number): string {
  const most = sweep.at(-1)
  if (!most || most.copies <= 1) return 'No sweep: set "Copies at once, up to" above 1 to see how the command scales.'
  const one = sweep[0]!
  const head = `${most.copies} copies at once took ${formatDurationMs(most.medianMs)} against ${formatDurationMs(one.medianMs)} for one: ${formatRatio(most.speedup)} the throughput (ideal ${formatRatio(most.ideal)}, efficiency ${formatPercent(most.efficiency)}).`
  const beyondCores = sweep.filter((r) => r.copies > logicalCores)
  if (beyondCores.length > 0 && beyondCores.every((r) => r.efficiency >= 0.7)) {
    return `${head} It kept scaling past the ${logicalCores} logical cores: the copies mostly wait rather than compute, so they do not compete for the CPU; what is lost is mostly the app starting them one after another.`
  }
  if (beyondCores.length > 0) {
    const atCores = [...sweep].reverse().find((r) => r.copies <= logicalCores)
    return `${head} Beyond ${logicalCores} copies (the logical cores) the gain falls off${atCores ? ` (efficiency ${formatPercent(atCores.efficiency)} at ${atCores.copies})` : ''}: copies that compute compete for the cores, and the rest wait their turn.`
  }
  return most.efficiency >= 0.7
    ? `${head} Every copy had a core or was waiting, so they ran side by side.`
    : `${head} Even within the ${logicalCores} logical cores the copies got in each other's way (a shared disk, memory, or the app starting them).`
}

/** What the share of a run spent starting the program means for its times; '' in between, where it means nothing special. */
export function spawnShareVerdict(share: number): string {
  if (!Number.isFinite(share)) return ''
  if (share >= 0.5) return 'Most of what is measured is starting the program, not its work: compare commands that do more, or subtract this cost.'
  if (share < 0.1) return 'The command itself takes most of each run, so the times describe it rather than the cost of starting it.'
  return ''
}

/** "10 measured runs after 1 warm-up, measuring for at least 5.00 s". */
export function measuredSentence(data: Pick<CommandData, 'measuredRuns' | 'warmupRuns' | 'budgetMs'>): string {
  const budget = data.budgetMs > 0 ? `, measuring for at least ${formatDurationMs(data.budgetMs)}` : ''
  return `${data.measuredRuns} measured runs after ${data.warmupRuns} warm-up${budget}`
}

export function explainCommand(
  data: Pick<CommandData, 'sweep' | 'logicalCores' | 'spawnSingle' | 'measuredRuns' | 'warmupRuns' | 'budgetMs'>,
): Required<Pick<CommandData, 'sweepSentence' | 'measuredSentence' | 'spawnSingle'>> {
  return {
    sweepSentence: commandSweepSentence(data.sweep, data.logicalCores),
    measuredSentence: measuredSentence(data),
    spawnSingle: { ...data.spawnSingle, verdict: spawnShareVerdict(data.spawnSingle.share) },
  }
}
