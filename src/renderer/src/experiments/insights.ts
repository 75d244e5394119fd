import type { Component } from 'vue'
import FanoutInsight from './fanout/FanoutInsight.vue'

/** The words and pictures that explain *why*, per experiment (the generic tables and charts come anyway). */
const insights: Record<string, Component> = {
  fanout: FanoutInsight,
}

export const insightFor = (experimentId: string): Component | undefined => insights[experimentId]
