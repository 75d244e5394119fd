import { describe, expect, it } from 'vitest'
import { timeoutEndSentence, timeoutStopOn, type TimeoutRunRow } from '../../src/shared/experiments/timeout'
import { childEnd } from '../../src/main/lab/processes/report'
import { unstartedOutcome, type ChildOutcome } from '../../src/main/lab/processes/run-child'
import { timeoutExplanation } from '../../src/main/lab/experiments/explain/timeout'

/** A child stopped at its 100 ms timeout on Windows, as Node reports it after taskkill /T /F: exit code 1, no signal. */
const windowsTimedOut: ChildOutcome = {
  ...unstartedOutcome(['C:\\Program Files\\nodejs\\node.exe', '-e', '…'], 0, { name: 'LabError', message: '' }),
  startError: undefined,
  pid: 5120,
  runningAtMs: 2,
  terminationRequestedAtMs: 101,
  exitedAtMs: 118,
  closedAtMs: 119,
  exitCode: 1,
  signal: null,
  timedOut: true,
}

describe('the timeout lesson per system', () => {
  it('on Windows says there is no SIGTERM, no grace period, and what ends the child instead', () => {
    const stop = timeoutStopOn('win32', false)
    expect(stop).toMatchObject({ method: 'taskkill', childCanIgnore: false })
    expect(stop.ignoreSigtermNote).toBeUndefined()
    expect(stop.sentence).toMatch(/Windows has no SIGTERM/)
    expect(stop.sentence).toMatch(/taskkill \/T \/F/)
    expect(stop.sentence).toMatch(/exit code 1 and no signal/)
    expect(stop.sentence).toMatch(/returncode 1, not -15/)
  })

  it('on Windows runs a child asked to ignore SIGTERM as an ordinary one, and says why', () => {
    const stop = timeoutStopOn('win32', true)
    expect(stop.childCanIgnore).toBe(false)
    expect(stop.ignoreSigtermNote).toMatch(/on Windows no child can ignore being stopped/)
  })

  it('on Linux and macOS keeps SIGTERM, then SIGKILL after the grace period', () => {
    for (const platform of ['linux', 'darwin']) {
      const stop = timeoutStopOn(platform, true)
      expect(stop).toMatchObject({ method: 'sigterm-then-sigkill', childCanIgnore: true })
      expect(stop.ignoreSigtermNote).toBeUndefined()
      expect(stop.sentence).toMatch(/SIGTERM.*SIGKILL follows after the grace period/)
    }
  })

  it('describes a recorded Windows timeout without a -15 or an "ignored SIGTERM"', () => {
    const end = childEnd(windowsTimedOut)
    expect(end).toMatchObject({ kind: 'timed-out', exitCode: 1, signal: null, pythonStatus: 1 })
    expect(end.sentence).not.toMatch(/SIGTERM|SIGKILL/)
    const sentence = timeoutEndSentence(timeoutStopOn('win32', false), { timedOut: true, signal: null, exitCode: 1, forcedKill: false, pythonStatus: end.pythonStatus, elapsedText: '0.12 s', graceText: '500 ms' })
    expect(sentence).toBe('ended by taskkill /T /F after 0.12 s: exited with code 1, as TerminateProcess leaves it (Python status 1)')
  })

  it('describes recorded Linux timeouts as before: SIGTERM with -15, and SIGKILL after an ignored SIGTERM', () => {
    const stop = timeoutStopOn('linux', true)
    expect(timeoutEndSentence(stop, { timedOut: true, signal: 'SIGTERM', exitCode: null, forcedKill: false, pythonStatus: -15, elapsedText: '0.10 s', graceText: '500 ms' })).toBe('killed by SIGTERM after 0.10 s (Python status -15)')
    expect(timeoutEndSentence(stop, { timedOut: true, signal: 'SIGKILL', exitCode: null, forcedKill: true, pythonStatus: -9, elapsedText: '0.60 s', graceText: '500 ms' })).toBe('killed by SIGKILL after 0.60 s (Python status -9): it ignored SIGTERM, so SIGKILL followed 500 ms later')
    expect(timeoutEndSentence(stop, { timedOut: false, signal: null, exitCode: 0, forcedKill: false, pythonStatus: 0, elapsedText: 'exited with code 0 after 5 ms', graceText: '500 ms' })).toMatch(/before its timeout$/)
  })

  it('explains a Windows result in the app from the recorded run, with no SIGTERM sent', () => {
    const run: TimeoutRunRow = { run: 1, pid: 5120, elapsedMs: 118, overshootMs: 18, sigtermAtMs: 101, signal: null, exitCode: 1, pythonStatus: 1, forcedKill: false, reap: 'reaped', groupGone: null, sentence: '' }
    const text = timeoutExplanation({ signal: null, pythonStatus: 1, ignoresSigterm: false, timeoutMs: 100, graceMs: 500, medianElapsedMs: 118, runs: [run], stop: timeoutStopOn('win32', false) })
    expect(text).toContain("The app's 100 ms timer fired at 101 ms")
    expect(text).toContain('gone 17.0 ms later')
    expect(text).toContain('Windows has no SIGTERM')
    expect(text).not.toMatch(/sent SIGTERM/)
  })
})
