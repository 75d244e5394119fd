import type { ChartConfiguration } from 'chart.js'
import type { LanesFigure } from '../experiments/worker-lanes'
import { formatPercent } from '../units'
import { seriesColor } from './palette'

/** Tall enough for every lane to keep its label, up to a screenful. */
export const lanesChartHeightPx = (figure: LanesFigure): number => Math.min(420, 110 + figure.lanes.length * 30)

type LanePoint = { x: [number, number]; y: string; detail: string }

/**
 * One row per worker (thread, process, async task, or call in flight), its turns as segments
 * over time: where the rows' segments line up, the workers ran together; where they alternate,
 * they took turns.
 */
export function workerLanesConfig(figure: LanesFigure): ChartConfiguration<'bar', [number, number][]> {
  const labels = figure.lanes.map((lane) => lane.label)
  const overlap = figure.overlapOfPossible === null ? '' : `: two or more at once ${formatPercent(figure.overlapOfPossible)} of the most possible`
  return {
    type: 'bar',
    data: {
      labels,
      datasets: figure.lanes.map((lane, i) => ({
        label: lane.label,
        // chart.js places {x: [from, to], y: row} points on their row; its types know only bare [from, to]
        data: lane.turns.map((turn): LanePoint => ({ x: [turn.startMs, turn.endMs], y: lane.label, detail: turn.detail })) as unknown as [number, number][],
        backgroundColor: seriesColor(i),
        grouped: false,
        barPercentage: 0.8,
        categoryPercentage: 0.9,
        minBarLength: 1,
      })),
    },
    options: {
      indexAxis: 'y',
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { type: 'linear', min: 0, title: { display: true, text: 'ms since the traced trial started' } },
        y: { type: 'category', labels },
      },
      plugins: {
        title: { display: true, text: `${figure.title}, who ${figure.activity === 'waiting' ? 'waited' : 'ran'} when${overlap}` },
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (item) => {
              const point = item.raw as LanePoint
              return `${point.y}: ${point.x[0].toFixed(2)} → ${point.x[1].toFixed(2)} ms (${point.detail})`
            },
          },
        },
      },
    },
  }
}
