import type { PipelineData } from '../../../../shared/experiments/pipeline'
import { formatRatio } from '../../../../shared/units'

/** The figures and sentences of a pipeline result that follow from what was measured. */

/** "md5sum" for a system program (its file name), "built-in md5" for the lab's own. */
export function pipelineHashName(source: PipelineData['hashProgramSource'], algorithm: string, hashFile: string | undefined): string {
  return source === 'builtin' ? `built-in ${algorithm}` : (hashFile?.split(/[\\/]/).pop() ?? algorithm)
}

export interface PipelineSpeedupFacts {
  /** Median of the paired speedups, parallel over serial. */
  speedup: number
  pipelines: number
  /** Of the last parallel trial, the share the app spent starting children. */
  spawnShare: number
  logicalCores: number
}

/** Why parallel was far from K× faster than serial; '' when it came within half of that. */
export function pipelineSpeedupSentence(facts: PipelineSpeedupFacts): string {
  const { speedup, pipelines, spawnShare, logicalCores } = facts
  if (!(speedup < pipelines / 2)) return ''
  const why = speedup < 1.05 ? `Why parallel was no faster than serial (${formatRatio(speedup)}), not ${pipelines}× faster:` : `Why parallel is only ${formatRatio(speedup)} faster than serial, not ${pipelines}×:`
  if (spawnShare >= 0.5) return `${why} each pipeline does little work, so most of the time is the app starting two children per pipeline, one spawn after another.`
  return `${why} ${2 * pipelines} children share the ${logicalCores} logical cores, so at most ${logicalCores} of them compute at any moment.`
}

export function explainPipeline(
  data: Pick<PipelineData, 'hashProgramSource' | 'hashAlgorithm' | 'hashArgv' | 'pipelines' | 'spawnParallel'>,
  run: { speedup: number; logicalCores: number },
): Required<Pick<PipelineData, 'hashName' | 'speedupSentence'>> {
  return {
    hashName: pipelineHashName(data.hashProgramSource, data.hashAlgorithm, data.hashArgv[0]),
    speedupSentence: pipelineSpeedupSentence({ speedup: run.speedup, pipelines: data.pipelines, spawnShare: data.spawnParallel.share, logicalCores: run.logicalCores }),
  }
}
