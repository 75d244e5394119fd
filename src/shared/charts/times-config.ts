import type { ChartConfiguration } from 'chart.js'
import type { Series } from '../model/result'
import { seriesColor } from './palette'

/** Median time per variant, with whiskers from the fastest to the slowest run. */
export function timesConfig(series: readonly Series[], title = 'Wall time per variant'): ChartConfiguration<'bar'> {
  // many variants read better as rows
  const horizontal = series.length > 6
  return {
    type: 'bar',
    data: {
      labels: series.map((s) => s.label),
      datasets: [{ label: 'median (whiskers: min–max)', data: series.map((s) => s.summary.median), backgroundColor: series.map((_, i) => seriesColor(i)) }],
    },
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: horizontal ? { x: { type: 'linear', min: 0, title: { display: true, text: 'ms' } } } : { y: { type: 'linear', min: 0, title: { display: true, text: 'ms' } } },
      plugins: {
        title: { display: true, text: title },
        legend: { display: false },
        labWhiskers: { datasets: { 0: series.map((s): [number, number] => [s.summary.min, s.summary.max]) } },
      },
    },
  }
}
