import { afterAll, describe, expect, it } from 'vitest'
import type { TimeoutData } from '../../src/shared/experiments/timeout'
import { dispatch } from '../../src/main/lab/dispatch'
import { descendantsOf, labChildren, processAlive } from './helpers/processes'
import { cancelAfter, runResult, useLabs } from './helpers/run-experiment'

const newLab = useLabs()
const timeout = (params: Record<string, unknown>) => runResult<TimeoutData>(newLab(), 'timeout', params)

afterAll(() => {
  expect(descendantsOf()).toEqual([])
})

describe('timeouts', () => {
  it('terminates a 10 s child at its 0.1 s timeout with SIGTERM (status -15), and leaves no zombie', async () => {
    const result = await timeout({ runs: 3 })
    const { data } = result
    expect(data.runs).toHaveLength(3)
    for (const run of data.runs) {
      expect(run.signal).toBe('SIGTERM')
      expect(run.pythonStatus).toBe(-15)
      expect(run.forcedKill).toBe(false)
      // near the timeout: not before it, and far from the 10 s the child wanted (loose: the machine is shared)
      expect(run.elapsedMs).toBeGreaterThanOrEqual(99)
      expect(run.elapsedMs).toBeLessThan(2000)
      expect(run.sigtermAtMs!).toBeGreaterThanOrEqual(99)
      expect(run.reap).toBe('reaped')
      expect(run.groupGone).toBe(true)
      expect(processAlive(run.pid!)).toBe(false)
      expect(run.sentence).toMatch(/^killed by SIGTERM after 0\.\d\d s \(Python status -15\)$/)
    }
    expect(data.sentence).toMatch(/^killed by SIGTERM after 0\.\d\d s/)
    expect(data.zombies.count).toBe(0)
    expect(result.headline).toMatch(/killed by SIGTERM.*no zombie left/)
    // when the timer fired, the median over these three children, and why they ended as they did
    const sigtermAts = data.runs.map((r) => r.sigtermAtMs!).sort((a, b) => a - b)
    expect(data.medianSigtermAtMs).toBe(sigtermAts[1])
    expect(data.explanation).toMatch(/^The app's 100 ms timer fired and it sent SIGTERM at .+ \(median; .*it does not handle SIGTERM, so the operating system's default action ended it at once\. .*here -15\.$/)
    expect(result.series[0]!.samples).toHaveLength(3)
  })

  it('escalates to SIGKILL after the grace period when the child ignores SIGTERM', async () => {
    const { data } = await timeout({ ignoreSigterm: true, graceSeconds: 0.3, runs: 3 })
    expect(data.programSource).toBe('system')
    expect(data.argv.at(-1)).toMatch(/^trap '' TERM; exec sleep 10$/)
    for (const run of data.runs) {
      expect(run.signal).toBe('SIGKILL')
      expect(run.pythonStatus).toBe(-9)
      expect(run.forcedKill).toBe(true)
      expect(run.elapsedMs).toBeGreaterThanOrEqual(399)
      expect(run.elapsedMs).toBeLessThan(5000)
      expect(run.sigkillAtMs! - run.sigtermAtMs!).toBeCloseTo(300, 0)
      expect(run.reap).toBe('reaped')
      expect(run.sentence).toMatch(/ignored SIGTERM, so SIGKILL followed 300 ms later/)
    }
    expect(data.explanation).toMatch(/The child ignored it, so after the 300 ms grace period the app sent SIGKILL/)
  })

  it('escalates with the built-in Node child too, once its handler is in place', async () => {
    // Node takes a while to start: a timeout of 1 s leaves it time to install its SIGTERM handler
    const { data } = await timeout({ ignoreSigterm: true, program: 'builtin', timeoutSeconds: 1, graceSeconds: 0.2, runs: 1 })
    expect(data.programSource).toBe('builtin')
    expect(data.runs[0]).toMatchObject({ signal: 'SIGKILL', forcedKill: true, pythonStatus: -9 })
  })

  it('works with the built-in portable sleep', async () => {
    const { data } = await timeout({ program: 'builtin', runs: 1 })
    expect(data.programSource).toBe('builtin')
    expect(data.runs[0]!.signal).toBe('SIGTERM')
  })

  it('says so when the child ends before its timeout', async () => {
    const result = await timeout({ seconds: 0.1, timeoutSeconds: 5, runs: 1 })
    expect(result.data.runs[0]).toMatchObject({ signal: null, exitCode: 0, pythonStatus: 0 })
    expect(result.warnings.map((w) => w.code)).toContain('no-timeout')
  })

  it('refuses a timeout out of range with a sentence', async () => {
    const reply = await dispatch(newLab().handlers, 'startRun', { experimentId: 'timeout', params: { timeoutSeconds: 0 } })
    expect(!reply.ok && reply.error.message).toMatch(/timeoutSeconds must be a number from 0.01 to 30 s; got 0/)
  })

  it('cancel while waiting for the timeout leaves no child alive', async () => {
    const lab = newLab()
    const failure = await cancelAfter(lab, 'timeout', { timeoutSeconds: 20, runs: 1 }, 300)
    expect(failure.cancelled).toBe(true)
    expect(labChildren(lab)).toEqual([])
  })
})
