/** Pure formatting for the Processes screen's panels: what the numbers mean, in words a learner reads. */
import type { CapturePhases } from '../../../shared/experiments/capture'
import type { CommandSweepRow } from '../../../shared/experiments/command'
import type { FanoutLimitRow } from '../../../shared/experiments/fanout'
import type { PipelineCounts, PipelineRow, PipelineStatus } from '../../../shared/experiments/pipeline'
import type { ChildEnd } from '../../../shared/experiments/processes'
import type { ReapState, TimeoutData, TimeoutRunRow } from '../../../shared/experiments/timeout'
import { formatBytes, formatDurationMs, formatPercent, formatRatio } from '../../../shared/units'

export const optionalMs = (ms: number | undefined): string => (ms === undefined ? '—' : formatDurationMs(ms))
export const pythonStatusText = (status: number | null): string => (status === null ? '—' : String(status))

/** How a child ended, as a value and a note: "0" "success", "SIGTERM" "ended by a signal". */
export function exitFigure(end: ChildEnd): { label: string; value: string; note: string } {
  switch (end.kind) {
    case 'not-started':
      return { label: 'Exit', value: '—', note: 'the program never started' }
    case 'exited':
      return end.exitCode === 0
        ? { label: 'Exit code', value: '0', note: 'success: the program reports no error' }
        : { label: 'Exit code', value: String(end.exitCode), note: 'not 0: the program reports a failure of its own' }
    default: {
      const why = end.kind === 'timed-out' ? 'it ran past its timeout' : end.kind === 'cancelled' ? 'the run was cancelled' : 'something else stopped it'
      return end.signal
        ? { label: 'Signal', value: end.signal, note: `no exit code: ${why}` }
        : { label: 'Exit code', value: String(end.exitCode), note: why }
    }
  }
}

export interface PhaseRow {
  id: 'requested' | 'started' | 'running' | 'termination' | 'exited' | 'closed'
  label: string
  atMs: number
  /** Since the phase before. */
  sinceMs: number
  meaning: string
}

/** The moments of a captured child in time order, each with what it means. */
export function capturePhaseRows(phases: CapturePhases): PhaseRow[] {
  const rows: Omit<PhaseRow, 'sinceMs'>[] = [
    { id: 'requested', label: 'spawn requested', atMs: 0, meaning: 'The app asked the operating system to start the program.' },
    { id: 'started', label: 'started', atMs: phases.spawnReturnedMs, meaning: 'The spawn call returned: the process exists. Until here the app was busy starting it.' },
  ]
  if (phases.runningMs !== undefined) rows.push({ id: 'running', label: 'running', atMs: phases.runningMs, meaning: "Node's 'spawn' event reached the app, on its next turn of the event loop." })
  if (phases.terminationRequestedMs !== undefined) rows.push({ id: 'termination', label: 'asked to stop', atMs: phases.terminationRequestedMs, meaning: 'The app sent SIGTERM (a timeout or a cancel).' })
  rows.push(
    { id: 'exited', label: 'exited', atMs: phases.exitedMs, meaning: "The operating system told the app that the child had ended: the app waited for the news, it did not ask again and again." },
    { id: 'closed', label: 'streams closed', atMs: phases.streamsClosedMs, meaning: 'stdout and stderr closed: the last output had arrived.' },
  )
  const sorted = [...rows].sort((a, b) => a.atMs - b.atMs)
  return sorted.map((row, i) => ({ ...row, sinceMs: i === 0 ? 0 : row.atMs - sorted[i - 1]!.atMs }))
}

export interface PhaseSegment {
  id: 'spawning' | 'running' | 'draining'
  label: string
  fromMs: number
  toMs: number
  /** Share of the whole life, 0..100, for drawing. */
  percent: number
}

/** The child's life cut into spawning → running → draining the output, as shares of the whole. */
export function capturePhaseSegments(phases: CapturePhases): PhaseSegment[] {
  const total = Math.max(phases.streamsClosedMs, phases.exitedMs, phases.spawnReturnedMs)
  const parts: Omit<PhaseSegment, 'percent'>[] = [
    { id: 'spawning', label: 'spawning', fromMs: 0, toMs: phases.spawnReturnedMs },
    { id: 'running', label: 'running', fromMs: phases.spawnReturnedMs, toMs: Math.max(phases.spawnReturnedMs, phases.exitedMs) },
    { id: 'draining', label: 'last output', fromMs: Math.max(phases.spawnReturnedMs, phases.exitedMs), toMs: total },
  ]
  return parts.map((p) => ({ ...p, percent: total > 0 ? ((p.toMs - p.fromMs) / total) * 100 : 0 }))
}

/** "21 B", or "1.5 MiB (the first 64.0 KiB kept)". */
export function streamSize(bytes: number, truncated: boolean, keptBytes: number): string {
  return truncated ? `${formatBytes(bytes)} (the first ${formatBytes(keptBytes)} kept, the rest counted)` : formatBytes(bytes)
}

/** An argv as one line a reader could paste into a shell: words with spaces or quotes are quoted. */
export function argvText(argv: readonly string[]): string {
  return argv.map(quoteWord).join(' ')
}

function quoteWord(word: string): string {
  if (word === '') return "''"
  if (!/[\s'"\\$`*?;&|<>()#~]/.test(word)) return word
  // double quotes read best, where nothing inside them is special to a shell
  if (!/["\\$`]/.test(word)) return `"${word}"`
  return `'${word.replace(/'/g, `'\\''`)}'`
}

export const PIPELINE_STATUS_LABEL: Record<PipelineStatus, string> = {
  verified: 'verified',
  'empty-input': 'empty input',
  mismatch: 'mismatch',
  failed: 'failed',
}

/** The start of a hash, enough to tell two apart at a glance. */
export const shortHash = (hash: string | null, length = 12): string => (hash === null ? 'no hash' : hash.length > length ? `${hash.slice(0, length)}…` : hash)

export type PipelineFilter = 'all' | 'problems'

/** The rows to show: all, or only the ones not verified; at most `limit` unless everything is asked for. */
export function visiblePipelineRows(rows: readonly PipelineRow[], filter: PipelineFilter, limit: number | undefined): { rows: PipelineRow[]; matching: number } {
  const matching = filter === 'all' ? [...rows] : rows.filter((r) => r.status !== 'verified')
  return { rows: limit === undefined ? matching : matching.slice(0, limit), matching: matching.length }
}

/** Whether every pipeline was counted once: verified + empty input + mismatch + failed = total. */
export const countsAddUp = (counts: PipelineCounts): boolean => counts.verified + counts.emptyInput + counts.mismatch + counts.failed === counts.total

export const REAP_LABEL: Record<ReapState, string> = {
  reaped: 'reaped',
  zombie: 'zombie',
  alive: 'still alive',
  unknown: 'unknown',
}

export const groupGoneText = (gone: boolean | null): string => (gone === null ? 'n/a' : gone ? 'gone' : 'left behind')

/** Why the timed-out children ended the way they did, from what was measured. */
export function timeoutExplanation(data: Pick<TimeoutData, 'signal' | 'pythonStatus' | 'ignoresSigterm' | 'timeoutMs' | 'graceMs' | 'medianElapsedMs' | 'runs' | 'stop'>): string {
  const forced = data.runs.filter((r) => r.forcedKill).length
  const sigtermAt = medianOf(data.runs.flatMap((r) => (r.sigtermAtMs === undefined ? [] : [r.sigtermAtMs])))
  const python = `A child killed by signal N has no exit code; Python reports it as -N, here ${pythonStatusText(data.pythonStatus)}.`
  if (sigtermAt === undefined) return `The child exited on its own with code ${data.runs[0]?.exitCode ?? '—'} before its ${formatDurationMs(data.timeoutMs)} timeout, so the app did not have to stop it.`
  if (data.stop?.method === 'taskkill') {
    return `The app's ${formatDurationMs(data.timeoutMs)} timer fired at ${formatDurationMs(sigtermAt)} (median; a timer never fires early, only late) and the child was gone ${formatDurationMs(data.medianElapsedMs - sigtermAt)} later. ${data.stop.sentence}`
  }
  const sent = `The app's ${formatDurationMs(data.timeoutMs)} timer fired and it sent SIGTERM at ${formatDurationMs(sigtermAt)} (median; a timer never fires early, only late)`
  if (data.signal === 'SIGKILL' && forced > 0) {
    return `${sent}. The child ignored it, so after the ${formatDurationMs(data.graceMs)} grace period the app sent SIGKILL, which no program can catch or ignore, and the child was gone at ${formatDurationMs(data.medianElapsedMs)}. ${python}`
  }
  if (data.signal === 'SIGTERM') {
    return `${sent}, and the child was gone ${formatDurationMs(data.medianElapsedMs - sigtermAt)} later: it does not handle SIGTERM, so the operating system's default action ended it at once${data.ignoresSigterm ? ' (it had not yet set up ignoring it)' : ''}. ${python}`
  }
  return `${sent}; the child ended ${data.signal ? `by ${data.signal}` : `with code ${data.runs[0]?.exitCode ?? '—'}`} at ${formatDurationMs(data.medianElapsedMs)} (Python status ${pythonStatusText(data.pythonStatus)}).`
}

function medianOf(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** "code 0: 19 runs", "SIGTERM: 1 run", most frequent first; ok marks a clean exit. */
export function exitCodeEntries(exitCodes: Record<string, number>): { label: string; count: number; ok: boolean; text: string }[] {
  return Object.entries(exitCodes)
    .map(([code, count]) => {
      const label = /^-?\d+$/.test(code) ? `code ${code}` : code
      return { label, count, ok: code === '0', text: `${label}: ${count} ${count === 1 ? 'run' : 'runs'}` }
    })
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label))
}

export const formatThroughput = (perSecond: number): string => (Number.isFinite(perSecond) ? `${perSecond >= 100 ? perSecond.toFixed(0) : perSecond.toFixed(1)} runs/s` : '—')

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

/** N children with at most `limit` at once run in ceil(N / limit) rounds. */
export const fanoutRounds = (children: number, limit: number): number => Math.ceil(children / Math.max(1, limit))

/** The best speedup a limit allows when every child takes as long: N over the number of rounds. */
export const fanoutRoundsBound = (children: number, limit: number): number => children / fanoutRounds(children, limit)

/** What the concurrency-limit sweep of the fan-out shows, from its rows. */
export function fanoutSweepSentence(limits: readonly FanoutLimitRow[], children: number, secondsEach: number): string {
  const swept = limits.filter((row) => row.limit > 1)
  if (swept.length === 0) return ''
  const all = swept.at(-1)!
  if (secondsEach === 0) {
    return `With nothing to wait for, a child is only the cost of starting it, and the app starts children one after another: ${all.limit} at once gave ${formatRatio(all.speedup)} (ideal ${formatRatio(all.ideal)}).`
  }
  const ofBound = swept.map((row) => row.speedup / fanoutRoundsBound(children, row.limit))
  const uneven = swept.find((row) => children % row.limit !== 0)
  const rounds = uneven
    ? ` With at most ${uneven.limit} at once, ${children} children need ${fanoutRounds(children, uneven.limit)} rounds of sleeps, so the best it can do is ${formatRatio(fanoutRoundsBound(children, uneven.limit))}, not ${formatRatio(uneven.limit)}.`
    : ''
  return (
    `A limit of N lets the children sleep N at a time, so the wall time falls with the number of rounds, ceil(${children} ÷ N).${rounds} ` +
    `Measured, the limits reached ${formatPercent(Math.min(...ofBound))}–${formatPercent(Math.max(...ofBound))} of what their rounds allow; the rest is the app starting children one after another.`
  )
}

export interface TimeoutSegment {
  id: 'running' | 'after-sigterm' | 'after-sigkill'
  label: string
  fromMs: number
  toMs: number
  /** Left edge and width as shares of `scaleMs`, 0..100. */
  leftPercent: number
  widthPercent: number
}

/** One timed-out child's life on a common scale: running until SIGTERM, then until SIGKILL, then until it was gone. */
export function timeoutSegments(run: Pick<TimeoutRunRow, 'elapsedMs' | 'sigtermAtMs' | 'sigkillAtMs'>, scaleMs: number): TimeoutSegment[] {
  const end = run.elapsedMs
  const term = Math.min(run.sigtermAtMs ?? end, end)
  const kill = Math.min(run.sigkillAtMs ?? end, end)
  const percent = (ms: number): number => (scaleMs > 0 ? (ms / scaleMs) * 100 : 0)
  const parts: Omit<TimeoutSegment, 'leftPercent' | 'widthPercent'>[] = [
    { id: 'running', label: 'running', fromMs: 0, toMs: term },
    { id: 'after-sigterm', label: 'after SIGTERM', fromMs: term, toMs: kill },
    { id: 'after-sigkill', label: 'after SIGKILL', fromMs: kill, toMs: end },
  ]
  return parts.filter((p) => p.toMs > p.fromMs).map((p) => ({ ...p, leftPercent: percent(p.fromMs), widthPercent: percent(p.toMs - p.fromMs) }))
}
