import type { ExperimentId } from '../experiments/catalog'
import type { CaptureData } from '../experiments/capture'
import type { CommandData } from '../experiments/command'
import type { FanoutData } from '../experiments/fanout'
import type { InterpreterComparison } from '../experiments/interpreters'
import { showsPipelineFix, type PipelineData } from '../experiments/pipeline'
import type { RaceData } from '../experiments/race'
import type { BlockingIoData, FactorizeData, PythonRuntimeInfo } from '../experiments/threads'
import type { TimeoutData } from '../experiments/timeout'
import type { WorkloadData } from '../experiments/workload'
import type { RunResult } from '../model/result'

type Sentences = (string | undefined)[]

/** Each experiment's own sentences, read from its data in the order its view shows them. */
const sentencesOf = <Data>(read: (data: Data) => Sentences) => read as (data: unknown) => Sentences

const pythonSentence = (python: PythonRuntimeInfo): string | undefined => (python.ran ? python.sentence : python.reason)

/** Every interpreter of a run side by side: the comparison, then what each one's figures say. */
const interpreterSentences = (comparison: InterpreterComparison | undefined): Sentences =>
  comparison ? [comparison.summary, ...comparison.interpreters.map((i) => i.explanation)] : []

const SENTENCES: Record<ExperimentId, (data: unknown) => Sentences> = {
  capture: sentencesOf((d: CaptureData) => [d.waiting.sentence, d.spawn.sentence, ...d.notes]),
  fanout: sentencesOf((d: FanoutData) => [d.boundSentence, d.startSentence, d.sweepSentence, d.launcherSentence, d.launcherWhy, `Parallel: ${d.spawnParallel.sentence}`, `Serial: ${d.spawnSerial.sentence}`]),
  pipeline: sentencesOf((d: PipelineData) => [d.modeSentence, showsPipelineFix(d) ? d.fixSentence : undefined, d.verificationSentence, d.encryptStderr.sentence, d.speedupSentence, d.spawnParallel.sentence]),
  timeout: sentencesOf((d: TimeoutData) => [d.explanation, d.stop?.sentence, d.zombies.sentence, d.spawn.sentence]),
  command: sentencesOf((d: CommandData) => [d.spawnSingle.sentence, d.spawnSingle.verdict, d.sweepSentence, d.spawnSweep?.sentence, ...d.notes]),
  race: sentencesOf((d: RaceData) => [d.slowdownSentence, ...d.explanations, d.python.status === 'ran' ? d.python.sentence : d.python.reason, ...interpreterSentences(d.interpreters)]),
  factorize: sentencesOf((d: FactorizeData) => [...d.findings, pythonSentence(d.python), ...interpreterSentences(d.interpreters)]),
  'blocking-io': sentencesOf((d: BlockingIoData) => [...d.findings, pythonSentence(d.python), ...interpreterSentences(d.interpreters)]),
  workload: sentencesOf((d: WorkloadData) => [...d.findings, ...interpreterSentences(d.interpreters)]),
}

/**
 * What the engine wrote about a run beyond its headline and warnings: the sentences its
 * experiment's view shows, for the reports to carry as well.
 */
export function explanationsOf(result: Pick<RunResult, 'experimentId' | 'data'>): string[] {
  const read = SENTENCES[result.experimentId as ExperimentId] as ((data: unknown) => Sentences) | undefined
  return (read?.(result.data) ?? []).filter((sentence): sentence is string => typeof sentence === 'string' && sentence.length > 0)
}
