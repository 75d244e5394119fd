import type { ChartConfiguration } from 'chart.js'
import type { Comparison } from '../model/result'
import { palette } from './palette'

/**
 * Measured speedup against parallelism, with whiskers over the 95% interval, the ideal line,
 * and the machine's core count marked: where the lesson meets the hardware.
 */
export function speedupConfig(comparisons: readonly Comparison[], logicalCores: number, xTitle: string): ChartConfiguration<'scatter'> {
  const sorted = [...comparisons].sort((a, b) => a.parallelism - b.parallelism)
  const maxX = Math.max(1, ...sorted.map((c) => c.parallelism))
  const idealPoints = [{ x: 1, y: 1 }, ...sorted.map((c) => ({ x: c.parallelism, y: c.ideal }))]
  const measured = sorted.map((c) => ({ x: c.parallelism, y: c.summary.median }))
  const ranges = sorted.map((c): [number, number] | null => (c.summary.n > 1 ? [Math.max(0, c.summary.ci95[0]), c.summary.ci95[1]] : null))
  const topY = Math.max(1, ...sorted.map((c) => Math.max(c.ideal, c.summary.max))) * 1.1
  return {
    type: 'scatter',
    data: {
      datasets: [
        { label: 'measured speedup (median)', data: measured, backgroundColor: palette.measured, borderColor: palette.measured, pointRadius: 6, showLine: sorted.length > 1 },
        { label: 'ideal', data: idealPoints, borderColor: palette.ideal, backgroundColor: palette.ideal, borderDash: [6, 4], pointRadius: 0, showLine: true },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { type: 'linear', min: 0, max: Math.ceil(maxX * 1.1) + 1, title: { display: true, text: xTitle } },
        y: { type: 'linear', min: 0, max: Math.ceil(topY), title: { display: true, text: 'speedup (× faster than the baseline)' } },
      },
      plugins: {
        title: { display: true, text: 'Speedup against the ideal' },
        legend: { position: 'bottom' },
        labMarker: { x: logicalCores, label: `${logicalCores} logical cores`, color: palette.marker },
        labWhiskers: { datasets: { 0: ranges } },
        tooltip: {
          callbacks: {
            label: (item) => {
              if (item.datasetIndex !== 0) return `ideal: ${(item.raw as { y: number }).y}×`
              const c = sorted[item.dataIndex]
              return c ? `${c.label}: ${c.summary.median.toFixed(2)}× (95% CI ${c.summary.ci95[0].toFixed(2)}–${c.summary.ci95[1].toFixed(2)}, n=${c.summary.n})` : ''
            },
          },
        },
      },
    },
  }
}
