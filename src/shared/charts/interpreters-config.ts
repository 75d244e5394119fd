import type { ChartConfiguration } from 'chart.js'
import type { InterpreterComparison } from '../experiments/interpreters'
import { palette, seriesColor } from './palette'

/**
 * Every interpreter of a run side by side, one bar each per variant: the speedup against that
 * interpreter's own serial run (whiskers: its 95% interval, a line at 1×), or the share of
 * increments the race lost.
 */
export function interpretersConfig(comparison: InterpreterComparison): ChartConfiguration<'bar' | 'line'> {
  const ran = comparison.interpreters.filter((i) => i.ran)
  const variants = [...new Map(ran.flatMap((i) => i.rows).map((row) => [row.variant, row.label])).entries()]
  const speedup = comparison.measure === 'speedup'
  const value = (interpreter: (typeof ran)[number], variant: string): number | null => {
    const row = interpreter.rows.find((r) => r.variant === variant)
    if (!row) return null
    return speedup ? (row.speedup?.median ?? null) : (row.lostShare ?? 0) * 100
  }
  const whiskers = Object.fromEntries(
    ran.map((interpreter, i) => [i, variants.map(([variant]): [number, number] | null => {
      const ci = interpreter.rows.find((r) => r.variant === variant)?.speedup?.ci95
      return speedup && ci ? [Math.max(0, ci[0]), ci[1]] : null
    })]),
  )
  return {
    type: 'bar',
    data: {
      labels: variants.map(([, label]) => label),
      datasets: [
        ...ran.map((interpreter, i) => ({ type: 'bar' as const, label: interpreter.label, data: variants.map(([variant]) => value(interpreter, variant)), backgroundColor: seriesColor(i) })),
        ...(speedup ? [{ type: 'line' as const, label: '1×: as fast as serial', data: variants.map(() => 1), borderColor: palette.ideal, borderDash: [6, 4], pointRadius: 0, fill: false }] : []),
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: { y: { type: 'linear', min: 0, ...(speedup ? {} : { max: 100 }), title: { display: true, text: speedup ? "× as fast as the interpreter's own serial run" : '% of increments lost (median)' } } },
      plugins: {
        title: { display: true, text: speedup ? 'Python interpreters side by side: speedup over serial' : 'Python interpreters side by side: updates lost' },
        legend: { display: true },
        ...(speedup ? { labWhiskers: { datasets: whiskers } } : {}),
      },
    },
  }
}
