import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { AnalysisThread } from '../../src/main/lab/analysis/analysis-thread'
import type { ExperimentContext } from '../../src/main/lab/experiments/experiment'
import { measureFactorize } from '../../src/main/lab/experiments/factorize'
import { summarizeFactorize } from '../../src/main/lab/experiments/factorize-summary'
import { measurePipeline } from '../../src/main/lab/experiments/pipeline'
import { summarizePipeline, type PipelineTrial, type PipelineTrials } from '../../src/main/lab/experiments/pipeline-summary'
import type { Measured } from '../../src/main/lab/measure/interleave'
import { defaultParams } from '../../src/shared/experiments/params'
import { pipelineParamSpecs, type PipelineParams } from '../../src/shared/experiments/pipeline'
import { factorizeParamSpecs, type FactorizeParams } from '../../src/shared/experiments/threads'
import { testPaths } from './helpers/lab'
import { writeRecording, type FactorizeRecording, type PipelineRecording } from './helpers/recorded-trials'
import { useLabs } from './helpers/run-experiment'

/**
 * Re-records the trials that factorize-summary.test.ts and pipeline-summary.test.ts summarise:
 * it runs the real measurements with small parameters and saves what they hand to the summary
 * functions. Skipped unless asked for:
 *
 *   RECORD_TRIALS=1 npx vitest run tests/unit/record-trials.test.ts
 *
 * It needs Python 3 (the factorize trials hold the Python originals too), openssl and md5sum.
 * The summary tests compute their expected figures from whatever was recorded, so they stay
 * valid after a re-recording.
 */

const newLab = useLabs()
const analysisThreads: AnalysisThread[] = []
afterAll(() => Promise.all(analysisThreads.map((thread) => thread.close())))

async function measuringContext(): Promise<ExperimentContext> {
  const lab = newLab()
  const analysis = new AnalysisThread(join(testPaths.workersDir, 'analysis.js'))
  analysisThreads.push(analysis)
  return { signal: new AbortController().signal, progress: () => {}, paths: testPaths, machine: await lab.handlers.getMachineInfo(undefined), spawners: lab.spawners, analysis }
}

/** The inputs' bytes stay out of the recording: the summary reads only which input each pipeline had. */
const withoutPlaintext = (measured: Measured<PipelineTrial>): Measured<PipelineTrial> => ({
  ...measured,
  details: measured.details.map((trial) => ({ ...trial, runs: trial.runs.map((run) => ({ ...run, job: { index: run.job.index } })) })),
})

describe.skipIf(!process.env.RECORD_TRIALS)('recording trials for the summary tests', () => {
  it('factorize: every Node strategy and the Python originals at 1 and 2 workers', async () => {
    const context = await measuringContext()
    const params: FactorizeParams = { ...defaultParams(factorizeParamSpecs), runtime: 'both', scale: 1, workers: [1, 2], runs: 3, warmup: 0 }
    const trials = await measureFactorize(params, context)
    expect(trials.python, 'Python 3 must be found to record its trials').toBeDefined()
    summarizeFactorize(params, context.machine, trials)
    const recording: FactorizeRecording = { params, machine: { logicalCores: context.machine.logicalCores, loadAverage: context.machine.loadAverage }, trials }
    writeRecording('factorize-trials.json', recording)
  }, 300_000)

  it('pipeline: fixed with every hash verified, and the book\'s race with at least one hash of empty input', async () => {
    const context = await measuringContext()
    const record = async (overrides: Partial<PipelineParams>, accept: (trials: PipelineTrials, params: PipelineParams) => boolean): Promise<PipelineRecording> => {
      const params: PipelineParams = { ...defaultParams(pipelineParamSpecs), runs: 3, warmup: 0, ...overrides }
      for (let attempt = 0; attempt < 5; attempt++) {
        const measured = await measurePipeline(params, context)
        const trials = { ...measured, serial: withoutPlaintext(measured.serial), parallel: withoutPlaintext(measured.parallel) }
        if (accept(trials, params)) return { params, trials }
      }
      throw new Error(`No recording of ${JSON.stringify(overrides)} was accepted in 5 attempts.`)
    }
    const fixed = await record({ pipelines: 2, bytes: 1000 }, (trials, params) => summarizePipeline(params, trials, { logicalCores: 2 }).data.counts.verified === params.pipelines * params.runs * 2)
    const book = await record({ pipelines: 4, runs: 2, mode: 'book' }, (trials, params) => summarizePipeline(params, trials, { logicalCores: 2 }).data.counts.emptyInput > 0)
    writeRecording('pipeline-trials.json', { fixed, book })
  }, 300_000)
})
