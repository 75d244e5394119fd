import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { explainCapture } from '../../src/main/lab/experiments/explain/capture'
import { explainCommand } from '../../src/main/lab/experiments/explain/command'
import { explainPipeline } from '../../src/main/lab/experiments/explain/pipeline'
import { explainRace } from '../../src/main/lab/experiments/explain/race'
import { explainTimeout } from '../../src/main/lab/experiments/explain/timeout'
import { pythonRuntimeSentence } from '../../src/main/lab/experiments/threads-python'
import { completeSavedResult } from '../../src/main/lab/store/complete-result'
import { ResultStore } from '../../src/main/lab/store/result-store'
import type { CaptureData } from '../../src/shared/experiments/capture'
import type { CommandData } from '../../src/shared/experiments/command'
import type { FanoutData } from '../../src/shared/experiments/fanout'
import type { PipelineData } from '../../src/shared/experiments/pipeline'
import type { RaceData } from '../../src/shared/experiments/race'
import type { FactorizeData } from '../../src/shared/experiments/threads'
import type { TimeoutData } from '../../src/shared/experiments/timeout'
import { parseRunResult } from '../../src/shared/model/result-schema'
import type { RunResult } from '../../src/shared/model/result'
import { asRunOf, everyExperimentFixture, fixtureResult } from './fixtures/run-result'
import { hostileCases } from './helpers/hostile-results'

/*
 * Results saved before the engine kept its derived figures and sentences (experiment-data.json
 * holds such results of every experiment) get them when the store loads them, computed from what
 * they hold by the engine's own functions; what a result holds is never replaced.
 */

/** The fan-out fixture as a lab saved it before the rounds, efficiencies and sweep sentence were kept. */
function savedBeforeDerived(): RunResult<FanoutData> {
  const result = structuredClone(fixtureResult()) as RunResult<FanoutData>
  delete result.data.sweepSentence
  for (const row of result.data.limits) {
    delete row.rounds
    delete row.efficiency
  }
  for (const comparison of result.comparisons) delete comparison.efficiency
  return result
}

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('completing a saved result', () => {
  it('fan-out: each limit gets its rounds and efficiency, the run its sweep sentence, each comparison its efficiency', () => {
    const completed = completeSavedResult(savedBeforeDerived()) as RunResult<FanoutData>
    const expected = fixtureResult() as RunResult<FanoutData>
    expect(completed.data.limits.map((row) => row.rounds)).toEqual([10, 5, 1])
    completed.data.limits.forEach((row, i) => expect(row.efficiency).toBeCloseTo(expected.data.limits[i]!.efficiency!, 12))
    expect(completed.data.sweepSentence).toBe(expected.data.sweepSentence)
    completed.comparisons.forEach((c, i) => expect(c.efficiency).toBeCloseTo(expected.comparisons[i]!.efficiency!, 12))
  })

  it('every other experiment gets what its engine derives, from the saved data alone', () => {
    const completedOf = (id: Parameters<typeof asRunOf>[0]) => {
      const saved = asRunOf(id, fixtureResult())
      return { saved, completed: completeSavedResult(saved) }
    }
    {
      const { saved, completed } = completedOf('pipeline')
      expect(completed.data).toMatchObject(explainPipeline(saved.data as PipelineData, { speedup: saved.comparisons[0]!.summary.median, logicalCores: saved.machine.logicalCores }))
      expect((completed.data as PipelineData).hashName).toMatch(/\S/)
    }
    {
      const { saved, completed } = completedOf('timeout')
      expect((saved.data as TimeoutData).explanation).toBeUndefined()
      expect(completed.data).toMatchObject(explainTimeout(saved.data as TimeoutData))
      // that saved child ended on its own, 0.11 s into its 5 s timeout
      expect((completed.data as TimeoutData).explanation).toBe('The child exited on its own with code 0 before its 5.00 s timeout, so the app did not have to stop it.')
    }
    {
      const { saved, completed } = completedOf('command')
      expect(completed.data).toMatchObject(explainCommand(saved.data as CommandData))
    }
    {
      const { saved, completed } = completedOf('capture')
      expect(completed.data).toMatchObject(explainCapture(saved.data as CaptureData))
    }
    {
      const { saved, completed } = completedOf('race')
      expect(completed.data).toMatchObject(explainRace(saved.data as RaceData))
      expect((completed.data as RaceData).variants.every((v) => typeof v.foundMin === 'number')).toBe(true)
    }
    {
      const { saved, completed } = completedOf('factorize')
      expect((completed.data as FactorizeData).python.sentence).toBe(pythonRuntimeSentence((saved.data as FactorizeData).python))
    }
  })

  it('keeps what the result holds, even where the engine would now say it otherwise', () => {
    const saved = savedBeforeDerived()
    saved.data.sweepSentence = 'As this lab wrote it then.'
    saved.data.limits[1]!.rounds = 7
    const completed = completeSavedResult(saved) as RunResult<FanoutData>
    expect(completed.data.sweepSentence).toBe('As this lab wrote it then.')
    expect(completed.data.limits.map((row) => row.rounds)).toEqual([10, 7, 1])
    expect(completeSavedResult(fixtureResult())).toEqual(fixtureResult())
  })

  it('the store completes a result as it loads it, and leaves the file as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concurrency-lab-complete-'))
    dirs.push(dir)
    const file = join(dir, 'fixture-run-0001.json')
    writeFileSync(file, JSON.stringify(savedBeforeDerived()))
    const loaded = (await new ResultStore(dir).load('fixture-run-0001')) as RunResult<FanoutData>
    expect(loaded.data.sweepSentence).toBe((fixtureResult().data as FanoutData).sweepSentence)
    expect(loaded.data.limits.map((row) => row.rounds)).toEqual([10, 5, 1])
    expect(JSON.parse(readFileSync(file, 'utf8')).data.sweepSentence).toBeUndefined()
  })

  it('1000 seeded crafted results: each the schema lets through is completed into a result the schema still reads', () => {
    const bases = everyExperimentFixture()
    let completed = 0
    for (const crafted of hostileCases(bases, 1000, 20261201)) {
      let result: RunResult
      try {
        result = parseRunResult(crafted.json, 'crafted.json')
      } catch {
        continue
      }
      const json = JSON.stringify(completeSavedResult(result))
      expect(() => parseRunResult(json, 'completed.json'), crafted.where).not.toThrow()
      completed++
    }
    expect(completed).toBeGreaterThan(40)
  })
})
