import { median } from 'simple-statistics'
import type { TimeoutData } from '../../../../shared/experiments/timeout'
import { formatDurationMs } from '../../../../shared/units'

/** The figures and sentences of a timeout result that follow from its children's rows. */

type TimeoutFacts = Pick<TimeoutData, 'signal' | 'pythonStatus' | 'ignoresSigterm' | 'timeoutMs' | 'graceMs' | 'medianElapsedMs' | 'runs' | 'stop'>

const statusText = (status: number | null): string => (status === null ? '—' : String(status))

/** Spawn request → SIGTERM (or taskkill), median over the children that were sent it. */
export function medianSigtermAtMs(runs: TimeoutData['runs']): number | undefined {
  const sent = runs.flatMap((r) => (typeof r.sigtermAtMs === 'number' ? [r.sigtermAtMs] : []))
  return sent.length > 0 ? median(sent) : undefined
}

/** Why the timed-out children ended the way they did, from what was measured. */
export function timeoutExplanation(data: TimeoutFacts): string {
  const forced = data.runs.filter((r) => r.forcedKill).length
  const sigtermAt = medianSigtermAtMs(data.runs)
  const python = `A child killed by signal N has no exit code; Python reports it as -N, here ${statusText(data.pythonStatus)}.`
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
  return `${sent}; the child ended ${data.signal ? `by ${data.signal}` : `with code ${data.runs[0]?.exitCode ?? '—'}`} at ${formatDurationMs(data.medianElapsedMs)} (Python status ${statusText(data.pythonStatus)}).`
}

export function explainTimeout(data: TimeoutFacts): Pick<TimeoutData, 'medianSigtermAtMs' | 'explanation'> {
  const sigtermAt = medianSigtermAtMs(data.runs)
  return { ...(sigtermAt === undefined ? {} : { medianSigtermAtMs: sigtermAt }), explanation: timeoutExplanation(data) }
}
