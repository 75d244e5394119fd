import type { Component } from 'vue'
import CaptureInsight from './capture/CaptureInsight.vue'
import CommandInsight from './command/CommandInsight.vue'
import FanoutInsight from './fanout/FanoutInsight.vue'
import PipelineInsight from './pipeline/PipelineInsight.vue'
import RaceInsight from './race/RaceInsight.vue'
import BlockingIoInsight from './threads/BlockingIoInsight.vue'
import FactorizeInsight from './threads/FactorizeInsight.vue'
import TimeoutInsight from './timeout/TimeoutInsight.vue'
import WorkloadInsight from './workload/WorkloadInsight.vue'

export interface Insight {
  /** The words and pictures that explain *why*; the generic tables and charts come anyway. */
  component: Component
}

/** Each experiment's own panel; its charts are listed with every other chart in shared/charts/result-charts.ts. */
const insights: Record<string, Insight> = {
  capture: { component: CaptureInsight },
  timeout: { component: TimeoutInsight },
  fanout: { component: FanoutInsight },
  pipeline: { component: PipelineInsight },
  command: { component: CommandInsight },
  race: { component: RaceInsight },
  factorize: { component: FactorizeInsight },
  'blocking-io': { component: BlockingIoInsight },
  workload: { component: WorkloadInsight },
}

export const insightFor = (experimentId: string): Insight | undefined => insights[experimentId]
