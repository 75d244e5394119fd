import { setImmediate as nextTurn } from 'node:timers/promises'
import { cancelledError } from '../../../shared/errors'
import type { PipelineMode } from '../../../shared/experiments/pipeline'
import { Pipeline, referenceHash, type EncryptSettings, type PipelineJob, type PipelineRun, type PipelineTools } from './encrypt-hash'
import { mapLimited } from './limit'

const REFERENCE_CONCURRENCY = 4

/**
 * The pipeline experiment's work, as one request a spawner helper can carry out whole (the stages of
 * a pipeline hand their streams to one another, so they are started by one process, and that
 * process is not the app: a spawn from a big process holds its thread for tens of milliseconds).
 */
export type PipelineWork =
  /** Each input encrypted once more, alone, and the ciphertext hashed with node:crypto: what every pipeline's hash must be. */
  | { kind: 'reference'; jobs: PipelineJob[]; tools: PipelineTools; settings: EncryptSettings }
  /** One measured trial: every pipeline one after another, or as the lesson does, all started then each communicated with. */
  | { kind: 'trial'; order: 'serial' | 'parallel'; jobs: PipelineJob[]; mode: PipelineMode; tools: PipelineTools; settings: EncryptSettings }

export type PipelineWorkResult =
  | { kind: 'reference'; references: { hash: string; bytes: number }[] }
  /** Times on the clock of the process that did the work. */
  | { kind: 'trial'; runs: PipelineRun[]; originMs: number; wallMs: number }

/** Carries out the work; `onStarted` hears every stage's pid as it starts, so that whoever asked can end them should this process die. */
export async function doPipelineWork(work: PipelineWork, signal: AbortSignal, onStarted: (pid: number) => void = () => {}): Promise<PipelineWorkResult> {
  if (work.kind === 'reference') {
    const references = await mapLimited(work.jobs.length, REFERENCE_CONCURRENCY, (i) => referenceHash(work.tools, work.settings, work.jobs[i]!, signal), signal)
    if (signal.aborted) throw cancelledError()
    return { kind: 'reference', references }
  }
  const start = async (job: PipelineJob): Promise<Pipeline> => {
    const pipeline = await Pipeline.start(job, work.mode, work.tools, work.settings, signal)
    pipeline.pids().forEach(onStarted)
    return pipeline
  }
  const originMs = performance.now()
  const runs: PipelineRun[] = []
  if (work.order === 'serial') {
    for (const job of work.jobs) {
      if (signal.aborted) break
      const pipeline = await start(job)
      await pipeline.communicate()
      runs.push(await pipeline.finish())
    }
  } else {
    // as the lesson: start every pipeline, then communicate with each openssl in turn, then collect the hashes;
    // one spawn per turn of the event loop, so the spawns do not hold this thread all at once
    const pipelines: Pipeline[] = []
    for (const job of work.jobs) {
      if (pipelines.length > 0) await nextTurn()
      if (signal.aborted) break
      pipelines.push(await start(job))
    }
    for (const pipeline of pipelines) await pipeline.communicate()
    runs.push(...(await Promise.all(pipelines.map((p) => p.finish()))))
  }
  if (signal.aborted) throw cancelledError()
  return { kind: 'trial', runs, originMs, wallMs: performance.now() - originMs }
}
