import type { LabErrorData } from '../../../shared/errors'
import type { LauncherChoice } from './native-addon'
import type { PipelineWork, PipelineWorkResult } from './pipeline-work'
import type { ChildOutcome, ChildSpec } from './run-child'

/** What a spawner helper can be asked to run: a child whose output it captures (no streams handed over). */
export type HelperChildSpec = Omit<ChildSpec, 'signal' | 'stdin' | 'stdout'>

/**
 * The part of a spec that crosses to a helper: everything but the caller's signal and streams
 * (a cancel travels as its own message). Structured clone carries the rest as it is, booleans
 * such as windowsVerbatimArguments included.
 */
export function helperSpecOf(spec: ChildSpec): HelperChildSpec {
  const { signal: _signal, stdin: _stdin, stdout: _stdout, ...rest } = spec
  return rest
}

export type ToSpawner =
  | { type: 'run'; id: number; spec: HelperChildSpec }
  /** A pipeline experiment's trial (or its reference hashes), carried out whole by the helper. */
  | { type: 'pipelineWork'; id: number; work: PipelineWork }
  | { type: 'cancel'; id: number }
  | { type: 'batch'; messages: ToSpawner[] }

export type FromSpawner =
  /** `monotonicOffsetMs`: the helper's performance.now() plus this is the machine's monotonic clock, in ms. */
  | { type: 'ready'; monotonicOffsetMs: number; launcher?: LauncherChoice }
  /** The child exists: if the helper dies, the lab can still end the child's process group. */
  | { type: 'started'; id: number; pid: number }
  | { type: 'done'; id: number; outcome: ChildOutcome }
  /** Times on the helper's clock; `error` where the work could not be done (cancelled included). */
  | { type: 'pipelineWorkDone'; id: number; result?: PipelineWorkResult; error?: LabErrorData }
  /** Messages of one turn of the sender's event loop, in order: one write and one wake-up for a burst of children. */
  | { type: 'batch'; messages: FromSpawner[] }

