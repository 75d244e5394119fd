import type { ChartConfiguration } from 'chart.js'
import type { Timeline } from '../model/result'
import { palette } from './palette'

/**
 * One bar per child/task from start to end: the overlap of bars *is* the lesson. The light part
 * of each bar is the time spent spawning (requested → running).
 */
export function timelineConfig(timeline: Timeline): ChartConfiguration<'bar', [number, number][]> {
  const spans = [...timeline.spans].sort((a, b) => a.lane - b.lane)
  const labels = spans.map((s) => s.label)
  const endOf = (s: (typeof spans)[number]): number => Math.max(s.endMs, s.runningMs ?? s.startMs)
  return {
    type: 'bar',
    data: {
      labels,
      datasets: [
        {
          label: 'spawning',
          data: spans.map((s) => [s.startMs, s.runningMs ?? s.startMs]),
          backgroundColor: palette.spawning,
          grouped: false,
          barPercentage: 0.9,
          categoryPercentage: 0.9,
        },
        {
          label: 'running',
          data: spans.map((s) => [s.runningMs ?? s.startMs, endOf(s)]),
          backgroundColor: spans.map((s) => (s.outcome === 'exited' ? palette.parallel : s.outcome === 'killed' ? palette.killed : palette.failed)),
          grouped: false,
          barPercentage: 0.9,
          categoryPercentage: 0.9,
        },
      ],
    },
    options: {
      indexAxis: 'y',
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { type: 'linear', min: 0, title: { display: true, text: 'ms since the trial started' } },
        y: { ticks: { autoSkip: true, maxTicksLimit: 30 } },
      },
      plugins: {
        title: { display: true, text: timeline.title },
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: {
            label: (item) => {
              const span = spans[item.dataIndex]
              if (!span) return ''
              const [from, to] = item.raw as [number, number]
              return `${item.dataset.label}: ${from.toFixed(1)} → ${to.toFixed(1)} ms${item.datasetIndex === 1 && span.detail ? ` (${span.detail})` : ''}`
            },
          },
        },
      },
    },
  }
}
