import { afterEach } from 'vitest'
import type { LabErrorData } from '../../../src/shared/errors'
import type { ExperimentId } from '../../../src/shared/experiments/catalog'
import type { RunResult } from '../../../src/shared/model/result'
import type { Lab, LabOptions } from '../../../src/main/lab/lab'
import { nextEvent, testLab } from './lab'

export type RunOutcome<Data> = { ok: true; result: RunResult<Data> } | { ok: false; cancelled: boolean; error: LabErrorData }

/** Labs made here are shut down after each test (which ends anything still running). */
export function useLabs(): (overrides?: Partial<LabOptions>) => Lab {
  const labs: Lab[] = []
  afterEach(async () => {
    await Promise.all(labs.splice(0).map((lab) => lab.shutdown()))
  })
  return (overrides) => {
    const lab = testLab(overrides)
    labs.push(lab)
    return lab
  }
}

/** Starts a run through the run manager and resolves with its result or its failure, whichever comes. */
export async function runOn<Data>(lab: Lab, experimentId: ExperimentId, params: Record<string, unknown>): Promise<RunOutcome<Data>> {
  let runId = ''
  const finished = nextEvent(lab, 'runFinished', () => runId).then((f): RunOutcome<Data> => ({ ok: true, result: f.result as RunResult<Data> }))
  const failed = nextEvent(lab, 'runFailed', () => runId).then((f): RunOutcome<Data> => ({ ok: false, cancelled: f.cancelled, error: f.error }))
  runId = lab.runs.start(experimentId, params).runId
  const outcome = await Promise.race([finished, failed])
  await lab.runs.settled(runId)
  return outcome
}

export async function runResult<Data>(lab: Lab, experimentId: ExperimentId, params: Record<string, unknown>): Promise<RunResult<Data>> {
  const outcome = await runOn<Data>(lab, experimentId, params)
  if (!outcome.ok) throw new Error(`${experimentId} failed: ${outcome.error.message}`)
  return outcome.result
}

export async function runFailure(lab: Lab, experimentId: ExperimentId, params: Record<string, unknown>): Promise<{ cancelled: boolean; error: LabErrorData }> {
  const outcome = await runOn(lab, experimentId, params)
  if (outcome.ok) throw new Error(`${experimentId} was expected to fail but finished: ${outcome.result.headline}`)
  return outcome
}

/**
 * Starts a run, waits for its first progress report (children start right after it; before it
 * the lab may still be probing the machine), then `afterMs` more, cancels it, and resolves with
 * the failure event and how long the cancel took.
 */
/** Cancels a run `afterMs` after its first progress, and once `ready` says so (it waits at most 10 s for that): what a user's Cancel does. */
export async function cancelAfter(lab: Lab, experimentId: ExperimentId, params: Record<string, unknown>, afterMs: number, whileRunning?: () => void, ready: () => boolean = () => true): Promise<{ cancelled: boolean; error: LabErrorData; cancelMs: number }> {
  let runId = ''
  const failed = nextEvent(lab, 'runFailed', () => runId)
  const progressing = nextEvent(lab, 'runProgress', () => runId)
  runId = lab.runs.start(experimentId, params).runId
  await progressing
  await new Promise((resolve) => setTimeout(resolve, afterMs))
  for (let waited = 0; !ready() && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20))
  whileRunning?.()
  const cancelledAt = performance.now()
  lab.runs.cancel(runId)
  const failure = await failed
  await lab.runs.settled(runId)
  return { cancelled: failure.cancelled, error: failure.error, cancelMs: performance.now() - cancelledAt }
}
