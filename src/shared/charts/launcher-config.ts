import type { ChartConfiguration } from 'chart.js'
import type { LauncherRow } from '../experiments/launchers'
import { palette, seriesColor } from './palette'

/**
 * Launchers side by side: the parallel wall time of N children started at once with each (the ideal,
 * the longest child, as a line), and what starting one child cost with each, on its own axis.
 */
export function launcherConfig(rows: readonly LauncherRow[], longestChildMs: number, children: number): ChartConfiguration<'bar'> {
  const labels = rows.map((row) => row.label)
  return {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: `wall time, ${children} children at once (ms)`, data: rows.map((row) => row.parallelWallMs), backgroundColor: rows.map((_, i) => seriesColor(i)), yAxisID: 'y' },
        { label: 'start cost per child, ask → running (ms)', data: rows.map((row) => row.startCostMs), backgroundColor: palette.spawning, yAxisID: 'y1' },
        // a flat line across the bars: no launcher can finish before its longest child
        { type: 'line', label: `ideal: the longest child (${longestChildMs.toFixed(0)} ms)`, data: rows.map(() => longestChildMs), borderColor: palette.ideal, borderDash: [6, 4], pointRadius: 0, yAxisID: 'y' } as never,
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        y: { type: 'linear', min: 0, position: 'left', title: { display: true, text: 'wall time (ms)' } },
        y1: { type: 'linear', min: 0, position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: 'start cost per child (ms)' } },
      },
      plugins: {
        title: { display: true, text: 'Launchers compared, in the same rounds' },
        legend: { position: 'bottom' },
      },
    },
  }
}
