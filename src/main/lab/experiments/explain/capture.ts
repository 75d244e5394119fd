import type { CaptureData, CaptureMoment, CapturePhases, EndFigure } from '../../../../shared/experiments/capture'
import type { ChildEnd } from '../../../../shared/experiments/processes'

/** The figures and sentences of a captured child that follow from how it ended and its phases. */

/** How a child ended, as a value and a note: "0" "success", "SIGTERM" "ended by a signal". */
export function endFigure(end: ChildEnd): EndFigure {
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

/** The moments of a captured child in time order, each with the time since the one before and what it means. */
export function captureMoments(phases: CapturePhases): CaptureMoment[] {
  const moments: Omit<CaptureMoment, 'sinceMs'>[] = [
    { id: 'requested', label: 'spawn requested', atMs: 0, meaning: 'The app asked the operating system to start the program.' },
    { id: 'started', label: 'started', atMs: phases.spawnReturnedMs, meaning: 'The spawn call returned: the process exists. Until here the app was busy starting it.' },
  ]
  if (typeof phases.runningMs === 'number') moments.push({ id: 'running', label: 'running', atMs: phases.runningMs, meaning: "Node's 'spawn' event reached the app, on its next turn of the event loop." })
  if (typeof phases.terminationRequestedMs === 'number') moments.push({ id: 'termination', label: 'asked to stop', atMs: phases.terminationRequestedMs, meaning: 'The app sent SIGTERM (a timeout or a cancel).' })
  moments.push(
    { id: 'exited', label: 'exited', atMs: phases.exitedMs, meaning: "The operating system told the app that the child had ended: the app waited for the news, it did not ask again and again." },
    { id: 'closed', label: 'streams closed', atMs: phases.streamsClosedMs, meaning: 'stdout and stderr closed: the last output had arrived.' },
  )
  const sorted = [...moments].sort((a, b) => a.atMs - b.atMs)
  return sorted.map((moment, i) => ({ ...moment, sinceMs: i === 0 ? 0 : moment.atMs - sorted[i - 1]!.atMs }))
}

export function explainCapture(data: Pick<CaptureData, 'end' | 'phases'>): Required<Pick<CaptureData, 'endFigure' | 'moments'>> {
  return { endFigure: endFigure(data.end), moments: captureMoments(data.phases) }
}
