import { afterAll, describe, expect, it } from 'vitest'
import type { CommandData } from '../../src/shared/experiments/command'
import { dispatch } from '../../src/main/lab/dispatch'
import { descendantsOf, labChildren } from './helpers/processes'
import { cancelAfter, runFailure, runResult, useLabs } from './helpers/run-experiment'

const newLab = useLabs()
const bench = (params: Record<string, unknown>) => runResult<CommandData>(newLab(), 'command', params)
const node = `"${process.execPath}"`

afterAll(() => {
  expect(descendantsOf()).toEqual([])
})

describe('your own command (hyperfine-style)', () => {
  it.for(['execa', 'app', 'python'] as const)('times the command the same way whichever launcher starts it: %s', async (launcher, context) => {
    const result = await bench({ command: 'sleep 0.05', runs: 3, warmup: 0, maxParallel: 2, sweepRuns: 1, launcher, ignoreFailure: false }).catch((error: Error) => error)
    if (result instanceof Error) {
      expect(launcher === 'python' && /Python 3 is not available/.test(result.message), result.message).toBe(true)
      return context.skip()
    }
    expect(result.data.launcher).toBe(launcher)
    expect(result.data.exitCodes).toEqual({ '0': 3 + 1 + 2 })
    // from running to exit: the 50 ms sleep, with the launcher's own start cost reported apart. execa() returns
    // only after its own setup that follows the spawn, so its clock starts that much after the child's (1–2 ms
    // on a quiet machine; 5.3 ms on a loaded one, where the median was 44.7 ms)
    expect(result.series[0]!.summary.median).toBeGreaterThanOrEqual(launcher === 'execa' ? 40 : 49)
    expect(result.series[0]!.summary.median).toBeLessThan(500)
    expect(result.data.spawnSingle.spawnMsMedian).toBeGreaterThan(0)
    expect(result.data.spawnSingle.sentence).toContain(result.data.launcherLabel)
  })

  it('measures runs after warm-up and sweeps 1, 2, 4 copies at once with paired speedups', async () => {
    const result = await bench({ command: 'sleep 0.1', runs: 4, warmup: 1, maxParallel: 4, sweepRuns: 2 })
    const { data } = result
    const single = result.series[0]!
    expect(single.id).toBe('single')
    expect(single.samples).toHaveLength(4)
    expect(single.warmupSamples).toHaveLength(1)
    expect(single.summary.median).toBeGreaterThanOrEqual(100)
    expect(data.statisticsLines[0]).toMatch(/^Time \(mean ± σ\): /)
    expect(data.argv).toEqual(['sleep', '0.1'])
    expect(data.shell).toBe(false)
    expect(result.comparisons.map((c) => [c.parallelism, c.ideal])).toEqual([[1, 1], [2, 2], [4, 4]])
    expect(result.comparisons.every((c) => c.ratios.length === 2)).toBe(true)
    // sleeping copies overlap: 4 at once give well over twice the throughput of one
    const four = data.sweep.find((row) => row.copies === 4)!
    expect(four.speedup).toBeGreaterThan(2)
    expect(four.efficiency).toBeCloseTo(four.speedup / 4, 5)
    expect(data.spawnSingle.share).toBeGreaterThan(0)
    expect(data.spawnSingle.share).toBeLessThan(0.5)
    expect(data.spawnSingle.verdict).not.toMatch(/^Most of what is measured is starting the program/)
    expect(data.measuredSentence).toBe('4 measured runs after 1 warm-up')
    expect(data.sweepSentence).toMatch(new RegExp(`^4 copies at once took .+ against .+ for one: ${four.speedup.toFixed(2)}× the throughput \\(ideal 4\\.00×`))
    for (const c of result.comparisons) expect(c.efficiency).toBeCloseTo(c.summary.median / c.ideal, 12)
    expect(data.spawnSweep!.children).toBe(4)
    expect(data.spawnSweep!.startStaggerMs).toBeGreaterThan(0)
    expect(result.timelines.map((t) => t.id)).toEqual(['single', 'copies-1', 'copies-2', 'copies-4'])
    // the measured runs: 4 single, then 2 rounds of 1 + 2 + 4 copies
    expect(data.exitCodes).toEqual({ '0': 4 + 2 * (1 + 2 + 4) })
  })

  it('runs until the time budget is used, beyond the minimum runs', async () => {
    const { data } = await bench({ command: 'true', runs: 2, warmup: 0, budgetSeconds: 0.3, maxParallel: 1 })
    expect(data.measuredRuns).toBeGreaterThan(2)
    expect(data.sweep).toEqual([])
  })

  it('warns, as hyperfine does, when the command is too fast to time apart from its start', async () => {
    const { warnings } = await bench({ command: 'true', runs: 5, warmup: 1, maxParallel: 1 })
    expect(warnings.find((w) => w.code === 'too-fast')?.message).toMatch(/took only .* ms, so its time is mostly the cost of starting it \(starting a child alone takes about/)
  })

  it('uses a shell only when switched on, and says so', async () => {
    const { data, headline } = await bench({ command: 'echo a | cat', shell: true, runs: 2, warmup: 0, maxParallel: 1 })
    expect(data.shell).toBe(true)
    expect(data.argv[0]).toBe('/bin/sh')
    expect(data.notes[0]).toMatch(/through a shell/)
    expect(headline).toMatch(/through a shell/)
  })

  it('stops at a failing command with a sentence, or measures it when told to ignore failures', async () => {
    const failure = await runFailure(newLab(), 'command', { command: `${node} -e "console.error('bad input'); process.exit(2)"`, runs: 2, maxParallel: 1 })
    expect(failure.error.code).toBe('command-failed')
    expect(failure.error.message).toMatch(/exited with code 2 .*\(stderr: bad input\).*switch on ignoreFailure/)
    const ignored = await bench({ command: 'false', runs: 3, warmup: 0, maxParallel: 2, sweepRuns: 1, ignoreFailure: true })
    expect(ignored.data.exitCodes['1']).toBe(3 + 1 + 2)
    expect(ignored.warnings.map((w) => w.code)).toContain('nonzero-exit')
  })

  it('reports a missing program and a hang clearly, and the engine keeps working', async () => {
    const lab = newLab()
    const missing = await runFailure(lab, 'command', { command: 'no-such-program-concurrency-lab' })
    expect(missing.error.code).toBe('program-not-found')
    expect(missing.error.message).toMatch(/"no-such-program-concurrency-lab" was not found on PATH/)
    const hang = await runFailure(lab, 'command', { command: 'sleep 30', timeoutSeconds: 0.3, warmup: 0, runs: 1, maxParallel: 1 })
    expect(hang.error.code).toBe('command-failed')
    expect(hang.error.message).toMatch(/still running after 300 ms.*killed by SIGTERM/)
    expect(labChildren(lab)).toEqual([])
    const after = await runResult<CommandData>(lab, 'command', { command: 'true', runs: 2, warmup: 0, maxParallel: 1 })
    expect(after.data.measuredRuns).toBe(2)
  })

  it('keeps only a bounded part of a flood and still measures', async () => {
    const { data, warnings } = await bench({ command: `${node} -e "process.stdout.write('y'.repeat(2000000))"`, runs: 2, warmup: 0, maxParallel: 1 })
    expect(data.outputBytesMedian).toBe(2_000_000)
    expect(warnings.map((w) => w.code)).toContain('output-truncated')
  })

  it('refuses parameters out of range with a sentence', async () => {
    const lab = newLab()
    const copies = await dispatch(lab.handlers, 'startRun', { experimentId: 'command', params: { maxParallel: 65 } })
    expect(!copies.ok && copies.error.message).toMatch(/maxParallel must be a whole number from 1 to 64; got 65/)
    const runs = await dispatch(lab.handlers, 'startRun', { experimentId: 'command', params: { runs: 1001 } })
    expect(!runs.ok && runs.error.message).toMatch(/runs must be a whole number from 1 to 1000/)
  })

  it('cancel kills the whole process tree of a shell command', async () => {
    const lab = newLab()
    let seen: number[] = []
    const failure = await cancelAfter(lab, 'command', { command: 'sleep 20 & sleep 20; wait', shell: true, runs: 1, warmup: 0, maxParallel: 4 }, 400, () => (seen = labChildren(lab)))
    // the shell and its two sleeps
    expect(seen.length).toBeGreaterThanOrEqual(3)
    expect(failure.cancelled).toBe(true)
    expect(failure.cancelMs).toBeLessThan(3000)
    expect(labChildren(lab)).toEqual([])
  })
})
