import type { ChartConfiguration } from 'chart.js'
import type { RaceData } from '../experiments/race'
import { formatCount, formatPercent } from '../units'
import { seriesColor } from './palette'

const percent = (share: number): string => formatPercent(share, share > 0 && share < 0.01 ? 1 : 0)

function binLabels(edges: readonly number[]): string[] {
  return edges.map((to, k) => (k === 0 ? 'exact' : `${percent(edges[k - 1]!)}–${percent(to)} lost`))
}

/** How many trials of each variant ended exact, or lost a given share of updates. */
export function raceHistogramConfig(data: RaceData): ChartConfiguration<'bar'> {
  return {
    type: 'bar',
    data: {
      labels: binLabels(data.histogramBinEdges),
      datasets: data.variants.map((v, i) => ({ label: v.label, data: v.histogram.map((b) => b.count), backgroundColor: seriesColor(i) })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { title: { display: true, text: 'outcome of a trial (share of updates lost)' } },
        y: { min: 0, ticks: { precision: 0 }, title: { display: true, text: 'trials' } },
      },
      plugins: { title: { display: true, text: `Outcomes of ${data.trials} trials per mode: ${data.workers} workers × ${formatCount(data.increments)} increments` }, legend: { position: 'bottom' } },
    },
  }
}

/** Every trial's final count against what it should be. */
export function raceFoundConfig(data: RaceData): ChartConfiguration<'line'> {
  const trials = Math.max(0, ...data.variants.map((v) => v.trials.length))
  const labels = Array.from({ length: trials }, (_, i) => String(i + 1))
  return {
    type: 'line',
    data: {
      labels,
      datasets: [
        ...data.variants.map((v, i) => ({ label: v.label, data: v.trials.map((t) => t.found), borderColor: seriesColor(i), backgroundColor: seriesColor(i), showLine: false, pointRadius: 4 })),
        { label: 'expected', data: labels.map(() => data.expectedPerTrial), borderColor: '#7a7a7a', borderDash: [6, 4], pointRadius: 0, showLine: true },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { title: { display: true, text: 'trial' } },
        y: { min: 0, title: { display: true, text: 'final counter value' } },
      },
      plugins: { title: { display: true, text: 'Expected against found, every trial' }, legend: { position: 'bottom' } },
    },
  }
}
