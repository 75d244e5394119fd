import type { ChartConfiguration, Plugin } from 'chart.js'
import type { RaceVariantTrace } from '../experiments/race'
import { firstHandOver, type LostUpdateLink } from '../experiments/race-trace'
import { formatCount } from '../units'
import { palette, seriesColor } from './palette'

/** Counter values shown either side of the centre: about 25 columns stay readable at 800 px. */
export const TRACE_HALF_WINDOW = 12
/** How far below its lane a worker's second, third… read of one value is drawn. */
const REPEAT_STEP = 0.2
const LABEL_ABOVE_LANE = 0.3

interface TracePoint {
  x: number
  y: number
  worker: number
  index: number
  wrote: number
  atUs?: number
}

interface LinkSegment {
  x: number
  fromY: number
  toY: number
  crossWorker: boolean
  selected: boolean
}

/** Worker 1 on top. */
const laneY = (trace: RaceVariantTrace, worker: number): number => trace.workers - 1 - worker

/** Where the window is centred when no lost update is chosen: where the workers first take turns in the kept part. */
const defaultCentre = (trace: RaceVariantTrace): number => firstHandOver(trace.lanes) ?? (trace.lanes[0]?.reads[0] ?? 0) + TRACE_HALF_WINDOW

/** The increments of each lane whose read lies in [from, to], a worker's repeated reads of one value stacked below its lane. */
function lanePoints(trace: RaceVariantTrace, from: number, to: number): { points: TracePoint[][]; yOf: Map<string, number> } {
  const yOf = new Map<string, number>()
  const points = trace.lanes.map((lane) => {
    const seen = new Map<number, number>()
    const out: TracePoint[] = []
    lane.reads.forEach((read, k) => {
      if (read < from || read > to) return
      const repeat = seen.get(read) ?? 0
      seen.set(read, repeat + 1)
      const y = laneY(trace, lane.worker) - repeat * REPEAT_STEP
      const index = lane.firstIndex + k
      yOf.set(`${lane.worker}:${index}`, y)
      out.push({ x: read, y, worker: lane.worker, index, wrote: lane.writes[k]!, atUs: lane.atUs?.[k] })
    })
    return out
  })
  return { points, yOf }
}

/** Each lost update in the window as a vertical line between the two increments that read the same value; the chosen one labelled. */
function linkPlugin(segments: readonly LinkSegment[], selectedLabel: string | undefined, labelY: number): Plugin<'scatter'> {
  return {
    id: 'raceTraceLinks',
    afterDatasetsDraw(chart) {
      const x = chart.scales.x
      const y = chart.scales.y
      if (!x || !y) return
      const { ctx } = chart
      ctx.save()
      for (const s of segments) {
        const px = x.getPixelForValue(s.x)
        ctx.strokeStyle = palette.failed
        ctx.lineWidth = s.selected ? 3 : 1.5
        ctx.setLineDash(s.crossWorker ? [] : [4, 3])
        ctx.beginPath()
        ctx.moveTo(px, y.getPixelForValue(s.fromY))
        ctx.lineTo(px, y.getPixelForValue(s.toY))
        ctx.stroke()
      }
      const chosen = segments.find((s) => s.selected)
      if (chosen && selectedLabel) {
        ctx.setLineDash([])
        ctx.fillStyle = palette.failed
        ctx.font = '600 12px system-ui, sans-serif'
        const px = x.getPixelForValue(chosen.x)
        ctx.textAlign = px > (chart.chartArea.left + chart.chartArea.right) / 2 ? 'right' : 'left'
        ctx.fillText(selectedLabel, px + (ctx.textAlign === 'left' ? 6 : -6), y.getPixelForValue(labelY) + 4)
      }
      ctx.restore()
    },
  }
}

/**
 * One lane per worker, each increment a dot at the counter value it read (it wrote that + 1), so
 * two increments that read the same value stand in one column: the line between them is a lost
 * update. Shows the counter values around lost update `selected` (an index into trace.links).
 */
export function raceTraceConfig(trace: RaceVariantTrace, selected: number | undefined): ChartConfiguration<'scatter'> {
  const chosen: LostUpdateLink | undefined = selected === undefined ? undefined : trace.links[selected]
  const centre = chosen?.value ?? defaultCentre(trace)
  const from = centre - TRACE_HALF_WINDOW
  const to = centre + TRACE_HALF_WINDOW
  const { points, yOf } = lanePoints(trace, from, to)
  const segments = trace.links
    .filter((l) => l.value >= from && l.value <= to)
    .flatMap((l): LinkSegment[] => {
      const fromY = yOf.get(`${l.first.worker}:${l.first.index}`)
      const toY = yOf.get(`${l.second.worker}:${l.second.index}`)
      return fromY === undefined || toY === undefined ? [] : [{ x: l.value, fromY, toY, crossWorker: l.crossWorker, selected: l === chosen }]
    })
  const selectedLabel = chosen ? `both read ${formatCount(chosen.value)}, both wrote ${formatCount(chosen.value + 1)}` : undefined
  const title = chosen
    ? `${trace.label}, traced: lost update ${selected! + 1} of ${formatCount(trace.lostUpdates)}, counter values ${formatCount(from)}–${formatCount(to)}`
    : `${trace.label}, traced: ${trace.lostUpdates === 0 ? 'no two increments read the same value' : 'lost updates'}, counter values ${formatCount(from)}–${formatCount(to)}`
  return {
    type: 'scatter',
    data: {
      datasets: [
        ...points.map((lanePointsOfWorker, w) => ({
          label: `worker ${w + 1}`,
          data: lanePointsOfWorker,
          backgroundColor: seriesColor(w),
          borderColor: seriesColor(w),
          pointRadius: 5,
          pointHoverRadius: 7,
        })),
        // a legend entry for the drawn links
        { label: 'lost update: both read the same value', data: [], backgroundColor: palette.failed, borderColor: palette.failed, pointStyle: 'line' as const },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: {
          type: 'linear',
          min: from - 0.5,
          max: to + 0.5,
          // every other counter value, whole numbers only (the half-step margins would otherwise get ticks)
          afterBuildTicks: (axis) => {
            axis.ticks = Array.from({ length: Math.floor((to - from) / 2) + 1 }, (_, k) => ({ value: from + 2 * k }))
          },
          ticks: { autoSkip: false, callback: (value) => formatCount(Number(value)) },
          title: { display: true, text: 'counter value the increment read (it wrote this + 1)' },
        },
        y: {
          type: 'linear',
          min: -0.7,
          max: trace.workers - 0.4,
          ticks: { stepSize: 1, callback: (value) => (Number.isInteger(value) ? `worker ${trace.workers - Number(value)}` : '') },
          grid: { display: false },
        },
      },
      plugins: {
        title: { display: true, text: title },
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: {
            label: (item) => {
              const p = item.raw as TracePoint
              const at = p.atUs === undefined ? '' : `, ${p.atUs.toFixed(2)} µs after the release`
              return `worker ${p.worker + 1}, increment ${formatCount(p.index + 1)}: read ${formatCount(p.x)}, wrote ${formatCount(p.wrote)}${at}`
            },
          },
        },
      },
    },
    // the label above the top lane, clear of the other links
    plugins: [linkPlugin(segments, selectedLabel, trace.workers - 1 + LABEL_ABOVE_LANE)],
  }
}
