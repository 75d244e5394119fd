import type { CaptureData } from '../../../shared/experiments/capture'
import type { CommandData } from '../../../shared/experiments/command'
import type { FanoutData } from '../../../shared/experiments/fanout'
import type { PipelineData } from '../../../shared/experiments/pipeline'
import type { RaceData } from '../../../shared/experiments/race'
import type { PythonRuntimeInfo } from '../../../shared/experiments/threads'
import type { TimeoutData } from '../../../shared/experiments/timeout'
import { isScalingComparison, type RunResult } from '../../../shared/model/result'
import { withEfficiency } from '../experiments/experiment'
import { explainCapture } from '../experiments/explain/capture'
import { explainCommand } from '../experiments/explain/command'
import { explainFanout } from '../experiments/explain/fanout'
import { explainPipeline } from '../experiments/explain/pipeline'
import { explainRace } from '../experiments/explain/race'
import { explainTimeout } from '../experiments/explain/timeout'
import { lessonVerdict } from '../experiments/explain/verdict'
import { pythonRuntimeSentence } from '../experiments/threads-python'

/*
 * A result saved before the engine kept one of its derived figures or sentences (the rounds of a
 * fan-out limit, the explanation of a timeout, …) lacks it. On load it is computed from what the
 * result holds, by the same functions a run uses, so an old result shows what a new one does.
 * Whatever the result already holds is kept as it was saved.
 */
export function completeSavedResult(result: RunResult): RunResult {
  const derived = derivedData(result)
  return {
    ...result,
    comparisons: fillMissing(result.comparisons, result.comparisons.map((c) => (isScalingComparison(c, result.experimentId) ? withEfficiency(c) : c))) as RunResult['comparisons'],
    data: derived === undefined ? result.data : fillMissing(result.data, derived),
    verdict: result.verdict ?? lessonVerdict(result),
  }
}

/** What the experiment's engine derives from the rest of the result, or undefined where it derives nothing. */
function derivedData(result: RunResult): object | undefined {
  const { params } = result
  switch (result.experimentId) {
    case 'fanout':
      if (typeof params.children !== 'number' || typeof params.seconds !== 'number') return undefined
      return explainFanout(result.data as FanoutData, { children: params.children, seconds: params.seconds })
    case 'pipeline':
      return explainPipeline(result.data as PipelineData, { speedup: result.comparisons[0]?.summary.median ?? Number.NaN, logicalCores: result.machine.logicalCores })
    case 'timeout':
      return explainTimeout(result.data as TimeoutData)
    case 'command':
      return explainCommand(result.data as CommandData)
    case 'capture':
      return explainCapture(result.data as CaptureData)
    case 'race':
      return explainRace(result.data as RaceData)
    case 'factorize':
    case 'blocking-io': {
      const { python } = result.data as { python: PythonRuntimeInfo }
      return python.ran ? { python: { sentence: pythonRuntimeSentence(python) } } : undefined
    }
    default:
      return undefined
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** `saved`, with what it lacks taken from `computed`, field by field and item by item. */
function fillMissing(saved: unknown, computed: unknown): unknown {
  if (saved === undefined) return computed
  if (Array.isArray(saved) && Array.isArray(computed)) return saved.map((item, i) => fillMissing(item, computed[i]))
  if (isRecord(saved) && isRecord(computed)) {
    const filled: Record<string, unknown> = { ...saved }
    for (const [key, value] of Object.entries(computed)) filled[key] = fillMissing(saved[key], value)
    return filled
  }
  return saved
}
