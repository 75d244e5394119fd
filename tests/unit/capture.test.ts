import { afterAll, describe, expect, it } from 'vitest'
import type { CaptureData } from '../../src/shared/experiments/capture'
import { dispatch } from '../../src/main/lab/dispatch'
import { descendantsOf, labChildren } from './helpers/processes'
import { cancelAfter, runFailure, runResult, useLabs } from './helpers/run-experiment'

const newLab = useLabs()
const node = `"${process.execPath}"`
const capture = (params: Record<string, unknown>) => runResult<CaptureData>(newLab(), 'capture', params)

afterAll(() => {
  expect(descendantsOf()).toEqual([])
})

describe('run and capture', () => {
  it('runs the default echo and reports output, exit code and the timeline as the app saw it', async () => {
    const result = await capture({})
    const { data } = result
    expect(data.argv).toEqual(['echo', 'Hello from the child'])
    expect(data.shell).toBe(false)
    expect(data.stdout).toEqual({ text: 'Hello from the child\n', bytes: 21, truncated: false })
    expect(data.stderr.bytes).toBe(0)
    expect(data.end).toMatchObject({ kind: 'exited', exitCode: 0, pythonStatus: 0 })
    const p = data.phases
    expect(p.spawnReturnedMs).toBeGreaterThan(0)
    expect(p.runningMs!).toBeGreaterThanOrEqual(p.spawnReturnedMs)
    expect(p.exitedMs).toBeGreaterThanOrEqual(p.runningMs!)
    expect(p.streamsClosedMs).toBeGreaterThanOrEqual(p.exitedMs)
    expect(data.spawn.share).toBeGreaterThan(0)
    expect(data.spawn.sentence).toMatch(/wall time/)
    expect(result.timelines[0]!.spans[0]).toMatchObject({ outcome: 'exited', startMs: 0 })
    expect(result.series).toEqual([])
    expect(result.headline).toMatch(/exited with code 0.*Hello from the child/)
    expect(data.endFigure).toEqual({ label: 'Exit code', value: '0', note: 'success: the program reports no error' })
    expect(data.moments!.map((m) => m.id)).toEqual(['requested', 'started', 'running', 'exited', 'closed'])
    expect(data.moments!.at(-1)).toMatchObject({ atMs: p.streamsClosedMs, sinceMs: p.streamsClosedMs - p.exitedMs })
  })

  it('keeps the event loop free while it waits (heartbeats tick, little CPU used)', async () => {
    const { data } = await capture({ command: 'sleep 0.5' })
    const { waiting } = data
    expect(waiting.waitedMs).toBeGreaterThan(400)
    // a 5 ms timer fits ~100 times in 0.5 s: most of them must have fired on a free loop
    expect(waiting.heartbeats).toBeGreaterThan(waiting.waitedMs / waiting.heartbeatIntervalMs / 3)
    expect(waiting.appCpuShare).toBeLessThan(0.5)
    expect(waiting.sentence).toMatch(/did not poll/)
  })

  it('runs the built-in echo where echo is not on PATH, and says so', async () => {
    const savedPath = process.env.PATH
    process.env.PATH = '/nonexistent'
    try {
      const { data } = await capture({})
      expect(data.programSource).toBe('builtin')
      expect(data.stdout.text).toBe('Hello from the child\n')
      expect(data.notes.join(' ')).toMatch(/built-in stand-in/)
    } finally {
      process.env.PATH = savedPath
    }
  })

  it('reports a program that does not exist as a result with a sentence, and the engine keeps working', async () => {
    const lab = newLab()
    const missing = await runResult<CaptureData>(lab, 'capture', { command: 'no-such-program-concurrency-lab --flag' })
    expect(missing.data.end.kind).toBe('not-started')
    expect(missing.headline).toMatch(/could not start: The program "no-such-program-concurrency-lab" was not found/)
    expect(missing.warnings.map((w) => w.code)).toContain('program-not-found')
    const after = await runResult<CaptureData>(lab, 'capture', {})
    expect(after.data.end.exitCode).toBe(0)
  })

  it('reports a non-zero exit with its stderr', async () => {
    const { data, warnings } = await capture({ command: `${node} -e "console.error('it broke'); process.exit(3)"` })
    expect(data.end).toMatchObject({ kind: 'exited', exitCode: 3, pythonStatus: 3 })
    expect(data.stderr.text).toBe('it broke\n')
    expect(warnings.find((w) => w.code === 'nonzero-exit')?.message).toMatch(/exited with code 3/)
  })

  it('keeps a bounded part of an output flood and counts the rest', async () => {
    const { data, warnings } = await capture({ command: `${node} -e "process.stdout.write('x'.repeat(3000000))"`, maxOutputKiB: 1 })
    expect(data.stdout.bytes).toBe(3_000_000)
    expect(data.stdout.text).toHaveLength(1024)
    expect(data.stdout.truncated).toBe(true)
    expect(warnings.find((w) => w.code === 'output-truncated')?.message).toMatch(/2\.9 MiB: the first 1\.0 KiB are kept/)
  })

  it('ends a hanging command at its timeout with SIGTERM and says so', async () => {
    const { data, warnings } = await capture({ command: 'sleep 30', timeoutSeconds: 0.3 })
    expect(data.end).toMatchObject({ kind: 'timed-out', signal: 'SIGTERM', pythonStatus: -15 })
    expect(data.phases.terminationRequestedMs).toBeGreaterThanOrEqual(290)
    expect(data.phases.exitedMs).toBeLessThan(5000)
    expect(warnings.find((w) => w.code === 'timed-out')?.message).toMatch(/still running after 300 ms/)
  })

  it('uses a shell only when switched on, and says so', async () => {
    const withShell = await capture({ command: 'echo one two | tr o 0', shell: true })
    expect(withShell.data.shell).toBe(true)
    expect(withShell.data.stdout.text).toBe('0ne tw0\n')
    expect(withShell.data.notes[0]).toMatch(/through a shell/)
    const without = await capture({ command: 'echo one | tr o 0' })
    expect(without.data.stdout.text).toBe('one | tr o 0\n')
    expect(without.warnings.map((w) => w.code)).toContain('shell-syntax-literal')
  })

  it('repeats the command when asked, one series sample per run', async () => {
    const result = await capture({ runs: 3 })
    expect(result.series.map((s) => s.id)).toEqual(['total', 'spawn'])
    expect(result.series[0]!.samples).toHaveLength(3)
    expect(result.data.runs).toHaveLength(3)
    expect(new Set(result.data.runs.map((r) => r.pid)).size).toBe(3)
  })

  it('refuses a multi-line command with a sentence', async () => {
    const reply = await dispatch(newLab().handlers, 'startRun', { experimentId: 'capture', params: { command: 'echo a\nrm -rf b' } })
    expect(!reply.ok && reply.error.message).toMatch(/command must be one line without control characters/)
  })

  it('cancel kills the child at once and leaves nothing alive', async () => {
    const lab = newLab()
    let seen: number[] = []
    // the child runs in one of the lab's spawner helpers, which live as long as the lab
    const failure = await cancelAfter(lab, 'capture', { command: 'sleep 30' }, 300, () => (seen = labChildren(lab)))
    expect(seen.length).toBeGreaterThan(0)
    expect(failure.cancelled).toBe(true)
    expect(failure.cancelMs).toBeLessThan(3000)
    expect(labChildren(lab)).toEqual([])
  })

  it('reports a failure to run as a failed run only when it is the engine that cannot go on', async () => {
    // an unclosed quote cannot become argv: the run fails with the sentence
    const failure = await runFailure(newLab(), 'capture', { command: 'echo "unclosed' })
    expect(failure.error.code).toBe('invalid-params')
    expect(failure.error.message).toMatch(/opening " without its closing "/)
  })
})
