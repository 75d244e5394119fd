import type { ExperimentId } from '../../../shared/experiments/catalog'
import { blockingIoRunner } from './blocking-io'
import { captureRunner } from './capture'
import { commandRunner } from './command'
import type { ExperimentRunner } from './experiment'
import { factorizeRunner } from './factorize'
import { fanoutRunner } from './fanout'
import { pipelineRunner } from './pipeline'
import { raceRunner } from './race'
import { timeoutRunner } from './timeout'
import { workloadRunner } from './workload'

/** The engine side of every experiment in the catalog; the compiler checks none is missing. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each runner's params are checked by its own schema before run()
export const experimentRunners: Record<ExperimentId, ExperimentRunner<any>> = {
  capture: captureRunner,
  fanout: fanoutRunner,
  pipeline: pipelineRunner,
  timeout: timeoutRunner,
  command: commandRunner,
  race: raceRunner,
  factorize: factorizeRunner,
  'blocking-io': blockingIoRunner,
  workload: workloadRunner,
}
