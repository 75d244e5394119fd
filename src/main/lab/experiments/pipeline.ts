import { randomBytes } from 'node:crypto'
import { LabError, cancelledError } from '../../../shared/errors'
import { PIPELINE_MAX_TOTAL_BYTES, type PipelineData, type PipelineParams } from '../../../shared/experiments/pipeline'
import { formatBytes } from '../../../shared/units'
import { measureInterleaved, type Variant } from '../measure/interleave'
import { resolvePipelineTools, type EncryptSettings, type PipelineJob, type PipelineTools } from '../processes/encrypt-hash'
import type { ExperimentContext, ExperimentRunner } from './experiment'
import { summarizePipeline, type PipelineTrial, type PipelineTrials } from './pipeline-summary'

/** This file measures; pipeline-summary.ts turns the recorded trials into the result. */

/** Runs the reference encryptions, then the serial and parallel trials, and hands back what each recorded. */
export async function measurePipeline(params: PipelineParams, context: ExperimentContext): Promise<PipelineTrials> {
  const totalBytes = params.pipelines * params.bytes
  if (totalBytes > PIPELINE_MAX_TOTAL_BYTES) {
    throw new LabError('invalid-params', `Pipelines × bytes must stay within ${formatBytes(PIPELINE_MAX_TOTAL_BYTES)} (the input is kept in memory); got ${params.pipelines} × ${formatBytes(params.bytes)} = ${formatBytes(totalBytes)}. Use fewer pipelines or fewer bytes.`)
  }
  const tools: PipelineTools = await resolvePipelineTools(params)
  const settings: EncryptSettings = { cipher: params.cipher, pbkdf2: params.pbkdf2, password: randomBytes(12).toString('base64url') }
  const jobs: PipelineJob[] = Array.from({ length: params.pipelines }, (_, index) => ({ index, plaintext: randomBytes(params.bytes), salt: randomBytes(8).toString('hex') }))

  // the whole pipeline work is done by a spawner helper, never by the app: a spawn from a big process holds its thread
  await context.spawners.ready()
  context.progress('Encrypting each input once on its own, for verification', 0, params.pipelines)
  const reference = await context.spawners.runPipelineWork({ kind: 'reference', jobs, tools, settings }, context.signal)
  if (context.signal.aborted) throw cancelledError()
  const references = reference.kind === 'reference' ? reference.references : []

  const trial = (order: 'serial' | 'parallel', label: string): Variant<PipelineTrial> => ({
    id: order,
    label,
    async run(signal) {
      const done = await context.spawners.runPipelineWork({ kind: 'trial', order, jobs, mode: params.mode, tools, settings }, signal)
      if (signal.aborted) throw cancelledError()
      if (done.kind !== 'trial') throw new LabError('internal', 'The spawner helper answered a pipeline trial with something else.')
      return { valueMs: done.wallMs, detail: { runs: done.runs, originMs: done.originMs, wallMs: done.wallMs } }
    },
  })
  const [serial, parallel] = await measureInterleaved([trial('serial', 'Serial'), trial('parallel', 'Parallel')], {
    warmup: params.warmup,
    runs: params.runs,
    signal: context.signal,
    onProgress: context.progress,
  })
  return { tools, references, serial: serial!, parallel: parallel! }
}

export const pipelineRunner: ExperimentRunner<PipelineParams, PipelineData> = {
  id: 'pipeline',
  async run(params, context) {
    return summarizePipeline(params, await measurePipeline(params, context), context.machine)
  },
}
