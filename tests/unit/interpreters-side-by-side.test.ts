import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { interpretersConfig } from '../../src/shared/charts/interpreters-config'
import { summarizeFactorize, type PythonTrials } from '../../src/main/lab/experiments/factorize-summary'
import { readProbeAnswer } from '../../src/main/lab/python/discover'
import { besideWarnings, interpretersBeside, runBeside } from '../../src/main/lab/python/side-by-side'
import { raceInterpreters } from '../../src/main/lab/races/race-interpreters'
import { trialRecord, variantData } from '../../src/main/lab/races/summarize'
import { LabError, cancelledError } from '../../src/shared/errors'
import type { PythonRaceVariant } from '../../src/shared/experiments/race'
import type { PythonInfo } from '../../src/shared/model/machine'
import { formatRatio } from '../../src/shared/units'
import { readRecording, type FactorizeRecording } from './helpers/recorded-trials'

/**
 * Several interpreters side by side, from their probe answers (tests/unit/fixtures/probe-answers.json:
 * the two CPythons of the development VM, recorded; the free-threaded ones written from the
 * documentation, as no free-threaded build can be installed there) and recorded trials. The real
 * runs on this machine's two interpreters are in interpreters-real.test.ts.
 */

const answers = JSON.parse(readFileSync(new URL('./fixtures/probe-answers.json', import.meta.url), 'utf8')) as Record<string, unknown>
/** The interpreter as discovery reads the probe's answer. */
const probed = (name: string, command?: string): PythonInfo => {
  const answer = answers[name] as { executable: string }
  return readProbeAnswer('linux', { file: command ?? answer.executable, args: [] }, { exitCode: 0, stdout: JSON.stringify(answer), stderr: '' })
}
const missing: PythonInfo = { found: false, command: '/opt/gone/python3', reason: 'The program "/opt/gone/python3" was not found.' }

describe('which interpreters run beside the primary', () => {
  it('lists each once, leaving out the primary under another name', () => {
    const primary = probed('cpython-3.11.7', 'python3')
    const debian = probed('cpython-3.11.2')
    const sameAsPrimary = { ...probed('cpython-3.11.7'), command: '/root/.pyenv/versions/3.11.7/bin/python3.11' }
    expect(interpretersBeside({ python: primary, pythonsSideBySide: [debian, sameAsPrimary, debian, missing] })).toEqual([debian, missing])
    expect(interpretersBeside({ python: primary })).toEqual([])
  })

  it('runs each with its own series prefix; a missing or failing one gets its reason and the run goes on', async () => {
    const asked: string[] = []
    const runs = await runBeside({ python: probed('cpython-3.11.7'), pythonsSideBySide: [probed('cpython-3.11.2'), missing, probed('cpython-3.14.0t')] }, new AbortController().signal, async (python, prefix) => {
      asked.push(`${python.version} ${prefix}`)
      if (python.freeThreadedBuild) throw new LabError('internal', 'The Python script threads.py exited with code 1: SyntaxError.')
      return 'measured'
    })
    expect(asked).toEqual(['3.11.2 python2-', '3.14.0 python4-'])
    expect(runs.map((r) => [r.seriesPrefix, r.label, r.value])).toEqual([
      ['python2-', 'CPython 3.11.2 (GIL)', 'measured'],
      ['python3-', '/opt/gone/python3', undefined],
      ['python4-', 'CPython 3.14.0t (free-threaded)', undefined],
    ])
    expect(runs[1]!.reason).toBe('/opt/gone/python3 did not run: The program "/opt/gone/python3" was not found.')
    expect(runs[2]!.reason).toMatch(/^CPython 3\.14\.0t \(free-threaded\) \(.*python3\.14t\) did not finish its run: The Python script threads\.py exited with code 1: SyntaxError\.$/)
    expect(besideWarnings(runs).map((w) => w.message)).toEqual([`${runs[1]!.reason} The run went on without it.`, `${runs[2]!.reason} The run went on without it.`])
  })

  it('tells two interpreters of one version and build apart by their file', async () => {
    const copy = { ...probed('cpython-3.11.7'), command: '/opt/copy/bin/python3', executable: '/opt/copy/bin/python3', realExecutable: '/opt/copy/bin/python3.11' }
    const runs = await runBeside({ python: probed('cpython-3.11.7'), pythonsSideBySide: [copy] }, new AbortController().signal, async (_python, _prefix, label) => label)
    expect(runs.map((r) => [r.label, r.value])).toEqual([['CPython 3.11.7 (GIL) at /opt/copy/bin/python3', 'CPython 3.11.7 (GIL) at /opt/copy/bin/python3']])
  })

  it('stops at a cancel instead of calling it a broken interpreter', async () => {
    const controller = new AbortController()
    const run = runBeside({ python: probed('cpython-3.11.7'), pythonsSideBySide: [probed('cpython-3.11.2'), probed('cpython-3.14.0t')] }, controller.signal, async () => {
      controller.abort()
      throw cancelledError()
    })
    await expect(run).rejects.toMatchObject({ code: 'cancelled' })
  })
})

/** A copy of the recorded Python trials as another interpreter would report them, its threads' times scaled. */
function asInterpreter(recording: FactorizeRecording, facts: { version: string; executable: string; gilEnabled: boolean; freeThreadedBuild: boolean }, threadsFactor: number): PythonTrials {
  const trials = structuredClone(recording.trials.python!)
  trials.output.python = { ...trials.output.python, ...facts }
  const serial = trials.output.variants.find((v) => v.id === 'serial')!
  for (const variant of trials.output.variants.filter((v) => v.strategy === 'threads')) {
    // round by round against serial, so the paired ratios are exactly 1 / threadsFactor (with a little noise)
    variant.samples.forEach((s, i) => (s.valueMs = serial.samples[i]!.valueMs * threadsFactor * (1 + 0.01 * i)))
  }
  return trials
}

describe('factorize on several interpreters', () => {
  const recording = readRecording<FactorizeRecording>('factorize-trials.json')
  const primary = probed('cpython-3.11.7', 'python3')
  const freeThreaded = probed('cpython-3.14.0t')
  const gilForced = probed('cpython-3.14.0t-gil-forced')
  const trials = {
    ...recording.trials,
    beside: [
      { python: freeThreaded, index: 1, seriesPrefix: 'python2-', label: 'CPython 3.14.0t (free-threaded)', value: asInterpreter(recording, { version: '3.14.0', executable: freeThreaded.executable!, gilEnabled: false, freeThreadedBuild: true }, 0.52) },
      { python: gilForced, index: 2, seriesPrefix: 'python3-', label: 'CPython 3.14.0t (free-threaded build, GIL on)', value: asInterpreter(recording, { version: '3.14.0', executable: gilForced.executable!, gilEnabled: true, freeThreadedBuild: true }, 1) },
      { python: missing, index: 3, seriesPrefix: 'python4-', label: missing.command, reason: '/opt/gone/python3 did not run: it was not found.' },
    ],
  }
  const result = summarizeFactorize(recording.params, { ...recording.machine, python: primary }, trials)
  const comparison = result.data.interpreters!

  it('gives every interpreter its own labelled series and speedups against its own serial run', () => {
    const ids = result.series.map((s) => s.id)
    for (const variant of recording.trials.python!.output.variants) {
      expect(ids).toContain(`python-${variant.id}`)
      expect(ids).toContain(`python2-${variant.id}`)
      expect(ids).toContain(`python3-${variant.id}`)
    }
    expect(ids.some((id) => id.startsWith('python4-'))).toBe(false)
    expect(result.series.find((s) => s.id === 'python-threads-2')!.label).toBe('CPython 3.11.7 (GIL): 2 threads')
    expect(result.series.find((s) => s.id === 'python2-threads-2')!.label).toBe('CPython 3.14.0t (free-threaded): 2 threads')
    expect(result.series.find((s) => s.id === 'python3-serial')!.label).toBe('CPython 3.14.0t (free-threaded build, GIL on): serial')
    const speedup = result.comparisons.find((c) => c.candidateId === 'python2-threads-2')!
    expect(speedup.baselineId).toBe('python2-serial')
    expect(speedup.summary.median).toBeCloseTo(1 / (0.52 * 1.01), 6)
    expect(result.data.scaling.map((c) => c.label)).toEqual(expect.arrayContaining(['CPython 3.14.0t (free-threaded): threads', 'CPython 3.11.7 (GIL): threads']))
  })

  it('names each interpreter in the JSON and explains what its build did', () => {
    expect(comparison.measure).toBe('speedup')
    expect(comparison.interpreters.map((i) => [i.label, i.primary, i.ran, i.seriesPrefix])).toEqual([
      ['CPython 3.11.7 (GIL)', true, true, 'python-'],
      ['CPython 3.14.0t (free-threaded)', false, true, 'python2-'],
      ['CPython 3.14.0t (free-threaded build, GIL on)', false, true, 'python3-'],
      ['/opt/gone/python3', false, false, 'python4-'],
    ])
    const [gil, free, forced, gone] = comparison.interpreters
    expect(free!.executable).toBe(freeThreaded.executable)
    const freeThreads = free!.rows.find((r) => r.variant === 'threads-2')!
    expect(free!.explanation).toContain(`2 threads ran ${formatRatio(freeThreads.speedup!.median)} as fast as serial: with the GIL off, threads run Python code in parallel.`)
    expect(gil!.explanation).toMatch(/the GIL lets only one thread run Python code at a time/)
    expect(forced!.explanation).toMatch(/It is a free-threaded build, yet the GIL was on in this run: PYTHON_GIL=1 is set/)
    expect(gone!.reason).toBe('/opt/gone/python3 did not run: it was not found.')
    expect(comparison.summary).toContain(`2 threads: CPython 3.11.7 (GIL) ${formatRatio(gil!.rows.find((r) => r.variant === 'threads-2')!.speedup!.median)}, CPython 3.14.0t (free-threaded) ${formatRatio(freeThreads.speedup!.median)}`)
    expect(comparison.summary).toContain('/opt/gone/python3 did not run')
    expect(result.warnings.map((w) => w.code)).toContain('python-side-by-side')
  })

  it('charts one bar per interpreter and variant, with the 95% interval as whiskers and a line at 1×', () => {
    const config = interpretersConfig(comparison)
    expect(config.data.labels).toEqual(['1 thread', '2 threads', '1 process', '2 processes'])
    expect(config.data.datasets.map((d) => d.label)).toEqual(['CPython 3.11.7 (GIL)', 'CPython 3.14.0t (free-threaded)', 'CPython 3.14.0t (free-threaded build, GIL on)', '1×: as fast as serial'])
    expect(config.data.datasets[1]!.data[1]).toBeCloseTo(comparison.interpreters[1]!.rows.find((r) => r.variant === 'threads-2')!.speedup!.median, 12)
    const whiskers = (config.options!.plugins as { labWhiskers: { datasets: Record<number, ([number, number] | null)[]> } }).labWhiskers.datasets
    expect(whiskers[1]![1]![1]).toBe(comparison.interpreters[1]!.rows.find((r) => r.variant === 'threads-2')!.speedup!.ci95[1])
  })

  it('leaves a run with one interpreter as it was', () => {
    const alone = summarizeFactorize(recording.params, { ...recording.machine, python: primary }, recording.trials)
    expect(alone.data.interpreters).toBeUndefined()
    expect(alone.series.find((s) => s.id === 'python-threads-2')!.label).toBe('Python: 2 threads')
  })
})

describe('the race on several interpreters', () => {
  const expected = 200_000
  const variant = (name: PythonRaceVariant, found: number[]) =>
    variantData(`python-${name}`, found.map((f, trial) => trialRecord(trial, expected, f, 10 + trial, [{ startMs: 0, endMs: 9 }, { startMs: 1, endMs: 10 }])))
  const comparison = raceInterpreters([
    {
      python: probed('cpython-3.11.7', 'python3'),
      index: 0,
      report: { python: '3.11.7', implementation: 'cpython', gilEnabled: true, switchIntervalMs: 5 },
      variants: [variant('unlocked', [expected, expected, expected]), variant('unlocked-call', [expected, 151_000, expected]), variant('locked', [expected, expected, expected])],
    },
    {
      python: probed('cpython-3.14.0t'),
      index: 1,
      report: { python: '3.14.0', implementation: 'cpython', gilEnabled: false, switchIntervalMs: 5 },
      variants: [variant('unlocked', [120_000, 118_000, 131_000]), variant('unlocked-call', [110_000, 101_000, 125_000]), variant('locked', [expected, expected, expected])],
    },
    { python: missing, index: 2, variants: [], reason: '/opt/gone/python3 did not run: it was not found.' },
  ])

  it('keeps the unlocked Counter exact on 3.11 with the GIL, and says why; the free-threaded build loses', () => {
    const [gil, free, gone] = comparison.interpreters
    expect(comparison.measure).toBe('lost-updates')
    expect(gil!.rows.map((r) => [r.variant, r.seriesId, r.lostShare])).toEqual([
      ['unlocked', 'python-unlocked', 0],
      ['unlocked-call', 'python-unlocked-call', 0],
      ['locked', 'python-locked', 0],
    ])
    expect(gil!.explanation).toMatch(/^CPython 3\.11\.7 \(GIL\): the lesson's unlocked Counter was exact in all 3 trials\. Not because it is safe: since 3\.10, CPython lets another thread run only at certain points/)
    expect(gil!.explanation).toMatch(/With a function call between the read and the write .* updates were lost in 1 of 3 trials/)
    const lost = free!.rows.find((r) => r.variant === 'unlocked')!
    expect(lost.lostShare).toBeCloseTo(1 - 120_000 / expected, 12)
    expect(lost.lowestFound).toBe(118_000)
    expect(free!.label).toBe('CPython 3.14.0t (free-threaded)')
    expect(free!.explanation).toMatch(/lost updates in 3 of 3 trials \(median 40%\): without the GIL its threads run at once/)
    expect(free!.explanation).toMatch(/updates were lost in 3 of 3 trials \(median 45%\): without the GIL the threads run at once/)
    expect(gone!.ran).toBe(false)
    expect(comparison.summary).toMatch(/^Updates kept: Counter \(no lock\): CPython 3\.11\.7 \(GIL\) exact, CPython 3\.14\.0t \(free-threaded\) 40% lost \(median\);/)
  })

  it('charts the share lost, 0 to 100%', () => {
    const config = interpretersConfig(comparison)
    expect(config.data.datasets.map((d) => d.label)).toEqual(['CPython 3.11.7 (GIL)', 'CPython 3.14.0t (free-threaded)'])
    expect(config.data.datasets[1]!.data[0]).toBeCloseTo(40, 9)
    expect(config.data.datasets[0]!.data[0]).toBe(0)
  })
})
