import type { Component } from 'vue'
import CaptureInsight from './capture/CaptureInsight.vue'
import CommandInsight from './command/CommandInsight.vue'
import FanoutInsight from './fanout/FanoutInsight.vue'
import PipelineInsight from './pipeline/PipelineInsight.vue'
import RaceInsight from './race/RaceInsight.vue'
import BlockingIoInsight from './threads/BlockingIoInsight.vue'
import FactorizeInsight from './threads/FactorizeInsight.vue'
import TimeoutInsight from './timeout/TimeoutInsight.vue'

export interface Insight {
  /** The words and pictures that explain *why*; the generic tables and charts come anyway. */
  component: Component
  /** The x axis of the generic speedup chart, or false where comparisons are not a speedup curve. */
  speedupAxis: string | false
}

const insights: Record<string, Insight> = {
  // one child, and children timed out one by one: nothing is compared
  capture: { component: CaptureInsight, speedupAxis: false },
  timeout: { component: TimeoutInsight, speedupAxis: false },
  // serial, every limit of the sweep and fully parallel: a speedup curve over the limit
  fanout: { component: FanoutInsight, speedupAxis: 'at most N children at once' },
  // one comparison (serial vs all K at once) is a point, not a curve: the speedup table and the panel say it
  pipeline: { component: PipelineInsight, speedupAxis: false },
  command: { component: CommandInsight, speedupAxis: 'copies at once' },
  // the race's comparisons are costs of locking, not speedups over parallelism
  race: { component: RaceInsight, speedupAxis: false },
  // factorize draws its own scaling charts (one curve per strategy, Amdahl fits, the split's bound)
  factorize: { component: FactorizeInsight, speedupAxis: false },
  'blocking-io': { component: BlockingIoInsight, speedupAxis: false },
}

export const insightFor = (experimentId: string): Insight | undefined => insights[experimentId]
