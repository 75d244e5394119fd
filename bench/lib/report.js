/** Printing tables and ratios, and collecting each bench's verdicts for run-all's summary. */
import { appendFileSync } from 'node:fs'

export function formatMs(ms) {
  if (!Number.isFinite(ms)) return '—'
  if (ms < 0.1) return `${(ms * 1000).toFixed(1)} µs`
  if (ms < 10) return `${ms.toFixed(2)} ms`
  if (ms < 1000) return `${ms.toFixed(1)} ms`
  return `${(ms / 1000).toFixed(2)} s`
}

export const formatRatio = (ratio, digits = 2) => (Number.isFinite(ratio) ? `${ratio.toFixed(digits)}×` : '—')

/** "1.05× (0.98–1.12)": the median ratio and the range of the per-round ratios. */
export const formatRatioSpread = (summary, digits = 2) => (summary ? `${formatRatio(summary.median, digits)} (${summary.min.toFixed(digits)}–${summary.max.toFixed(digits)})` : '—')

export const formatSpread = (summary, format = formatMs) => `${format(summary.median)} (${format(summary.min)}–${format(summary.max)})`

/** Prints rows (arrays of cells) under a header, columns padded to their widest cell. */
export function printTable(title, header, rows) {
  const all = [header, ...rows].map((row) => row.map((cell) => String(cell ?? '')))
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column].length)))
  const line = (row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()
  console.log(`\n${title}`)
  console.log(line(all[0]))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const row of all.slice(1)) console.log(line(row))
}

/** Prints the measured variants of interleave(): median (range) and the paired ratio to the first. */
export function printMeasured(title, measured, { unit = 'per value', format = formatMs, digits = 2 } = {}) {
  printTable(
    title,
    ['variant', `median ${unit} (min–max)`, 'middle half', 'ratio to baseline, median (min–max of rounds)'],
    measured.map((m, i) => [m.name, formatSpread(m.summary, format), `${format(m.summary.q1)}–${format(m.summary.q3)}`, i === 0 ? 'baseline' : formatRatioSpread(m.ratio, digits)]),
  )
}

const verdicts = []

/**
 * Records a target: `met` is true, false, or undefined when it could not be measured. Printed
 * at the end of the bench and, with BENCH_JSON=<file>, appended to that file as one JSON line.
 */
export function verdict({ bench, what, baseline, lab, ratio, target, met, note }) {
  const entry = { bench, what, baseline, lab, ratio, target, met, note, at: new Date().toISOString() }
  verdicts.push(entry)
  if (process.env.BENCH_JSON) appendFileSync(process.env.BENCH_JSON, `${JSON.stringify(entry)}\n`)
}

export function printVerdicts() {
  if (verdicts.length === 0) return
  printTable(
    'Targets',
    ['what', 'baseline', 'lab', 'ratio', 'target', 'met?'],
    verdicts.map((v) => [v.what, v.baseline ?? '—', v.lab ?? '—', v.ratio ?? '—', v.target, v.met === undefined ? 'n/a' : v.met ? 'yes' : 'NO']),
  )
  for (const v of verdicts.filter((v) => v.note)) console.log(`- ${v.what}: ${v.note}`)
}

/** Runs a bench's main function: errors (not timings) exit non-zero. */
export function runBench(main) {
  main()
    .then(() => {
      printVerdicts()
    })
    .catch((error) => {
      printVerdicts()
      console.error(`\nBench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
      process.exitCode = 1
    })
}

/** Value of `--name value` on the command line, or the environment variable, or the fallback. */
export function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`)
  if (index >= 0 && process.argv[index + 1] !== undefined) return Number(process.argv[index + 1])
  const fromEnv = process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`]
  return fromEnv !== undefined ? Number(fromEnv) : fallback
}

/** Value of `--name 10,50,200` (or the environment variable) as a list of numbers, or the fallback. */
export function listOption(name, fallback, { zeroAllowed = false } = {}) {
  const index = process.argv.indexOf(`--${name}`)
  const text = index >= 0 ? process.argv[index + 1] : process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`]
  if (text === undefined) return fallback
  const values = text.split(',').map(Number)
  if (values.some((value) => !Number.isFinite(value) || value < 0 || (value === 0 && !zeroAllowed))) throw new Error(`--${name} takes ${zeroAllowed ? 'whole numbers from 0' : 'positive numbers'} separated by commas (for example ${zeroAllowed ? '0,350' : '10,50,200'}); got "${text}".`)
  return values
}
