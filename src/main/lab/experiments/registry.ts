import type { ExperimentId } from '../../../shared/experiments/catalog'
import type { ExperimentRunner } from './experiment'
import { fanoutRunner } from './fanout'

/** The engine side of every experiment in the catalog; the compiler checks none is missing. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each runner's params are checked by its own schema before run()
export const experimentRunners: Record<ExperimentId, ExperimentRunner<any>> = {
  fanout: fanoutRunner,
}
