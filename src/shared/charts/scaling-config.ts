import type { ChartConfiguration, ChartDataset } from 'chart.js'
import type { ScalingCurve, SplitBound } from '../experiments/threads'
import { amdahlSpeedup, uslSpeedup } from '../stats/scaling'
import { formatPercent } from '../units'
import { palette, seriesColor } from './palette'

type Point = { x: number; y: number }

/** The fit drawn at first (the others are a legend click away): Node's worker threads, the lesson's answer. */
const isMainLesson = (curve: ScalingCurve): boolean => curve.runtime === 'node' && curve.strategy === 'threads'

/**
 * Speedup against workers for every strategy, with whiskers over the 95% interval, the ideal line,
 * each curve's Amdahl fit (and its Universal Scalability Law fit where the speedup turns down), the bound the split of the work allows, and the core count marked.
 */
export function scalingSpeedupConfig(curves: readonly ScalingCurve[], bounds: readonly SplitBound[], logicalCores: number): ChartConfiguration<'scatter'> {
  const maxWorkers = Math.max(1, ...curves.flatMap((c) => c.points.map((p) => p.workers)))
  const datasets: ChartDataset<'scatter', Point[]>[] = []
  const whiskers: Record<number, ([number, number] | null)[]> = {}
  /** Where the fitted curves are drawn: 40 points from 1 to the most workers measured. */
  const fitXs = Array.from({ length: 40 }, (_, k) => 1 + ((maxWorkers - 1) * k) / 39)
  curves.forEach((curve, i) => {
    whiskers[datasets.length] = curve.points.map((p) => p.speedupCi95)
    datasets.push({ label: curve.label, data: curve.points.map((p) => ({ x: p.workers, y: p.speedup })), borderColor: seriesColor(i), backgroundColor: seriesColor(i), showLine: true, pointRadius: 5 })
    if (curve.amdahl) {
      const f = curve.amdahl.serialFraction
      datasets.push({ label: `Amdahl fit, ${curve.label} (serial ${formatPercent(f, 1)})`, data: fitXs.map((x) => ({ x, y: amdahlSpeedup(f, x) })), borderColor: seriesColor(i), borderDash: [2, 3], borderWidth: 1.5, pointRadius: 0, showLine: true, hidden: !isMainLesson(curve) })
    }
    // drawn only where it says more than Amdahl's: a coherency term, so a speedup that turns down
    if (curve.usl && curve.usl.coherency > 0) {
      const { contention, coherency } = curve.usl
      datasets.push({ label: `Universal Scalability Law fit, ${curve.label} (σ ${formatPercent(contention, 1)}, κ ${formatPercent(coherency, 2)})`, data: fitXs.map((x) => ({ x, y: uslSpeedup(contention, coherency, x) })), borderColor: seriesColor(i), borderDash: [8, 3, 2, 3], borderWidth: 1.5, pointRadius: 0, showLine: true, hidden: !isMainLesson(curve) })
    }
  })
  datasets.push({ label: 'ideal (S = p)', data: [{ x: 1, y: 1 }, { x: maxWorkers, y: maxWorkers }], borderColor: palette.ideal, borderDash: [6, 4], pointRadius: 0, showLine: true })
  if (bounds.length > 0) {
    datasets.push({ label: 'best the split of the work allows', data: bounds.map((b) => ({ x: b.workers, y: b.longestTaskBound })), borderColor: palette.failed, borderDash: [1, 3], pointRadius: 0, showLine: true })
  }
  return {
    type: 'scatter',
    data: { datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { type: 'linear', min: 0, max: maxWorkers + 1, title: { display: true, text: 'workers (threads or processes)' }, ticks: { stepSize: 1 } },
        y: { type: 'linear', min: 0, suggestedMax: Math.max(2, logicalCores + 0.5), title: { display: true, text: 'speedup over serial' } },
      },
      plugins: {
        title: { display: true, text: 'Speedup against workers' },
        legend: { position: 'bottom' },
        labMarker: { x: logicalCores, label: `${logicalCores} logical cores`, color: palette.marker },
        labWhiskers: { datasets: whiskers },
      },
    },
  }
}

/** Efficiency (speedup ÷ workers): 100% is perfect use of every worker. */
export function scalingEfficiencyConfig(curves: readonly ScalingCurve[], logicalCores: number): ChartConfiguration<'scatter'> {
  const maxWorkers = Math.max(1, ...curves.flatMap((c) => c.points.map((p) => p.workers)))
  return {
    type: 'scatter',
    data: {
      datasets: curves.map((curve, i) => ({ label: curve.label, data: curve.points.map((p) => ({ x: p.workers, y: p.efficiency * 100 })), borderColor: seriesColor(i), backgroundColor: seriesColor(i), showLine: true, pointRadius: 5 })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { type: 'linear', min: 0, max: maxWorkers + 1, title: { display: true, text: 'workers' }, ticks: { stepSize: 1 } },
        y: { type: 'linear', min: 0, suggestedMax: 110, title: { display: true, text: 'efficiency (%)' } },
      },
      plugins: {
        title: { display: true, text: 'Efficiency against workers' },
        legend: { position: 'bottom' },
        labMarker: { x: logicalCores, label: `${logicalCores} logical cores`, color: palette.marker },
      },
    },
  }
}
