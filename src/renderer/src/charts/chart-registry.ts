import { inject, onBeforeUnmount, onMounted, provide, shallowReactive, type InjectionKey } from 'vue'
import type { ChartConfiguration } from 'chart.js'

export interface RegisteredChart {
  /** Which chart of the run it is ("speedup", "timeline-parallel"): its file names end with it. */
  name: string
  heightPx: number
  config(): ChartConfiguration
}

/** The charts shown for one result, so a report can embed every one of them. */
export type ChartRegistry = Set<RegisteredChart>

const key: InjectionKey<ChartRegistry> = Symbol('charts of a result')

export function provideChartRegistry(): ChartRegistry {
  const registry = shallowReactive(new Set<RegisteredChart>())
  provide(key, registry)
  return registry
}

export function registerChart(chart: RegisteredChart): void {
  const registry = inject(key, undefined)
  if (!registry) return
  onMounted(() => registry.add(chart))
  onBeforeUnmount(() => registry.delete(chart))
}

export { chartTitle } from '../../../shared/charts/result-charts'
