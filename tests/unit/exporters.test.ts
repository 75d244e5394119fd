import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { comparisonText, exportComparisonHtml, exportComparisonMarkdown } from '../../src/shared/export/comparison'
import { CSV_COLUMNS } from '../../src/shared/export/csv'
import { escapeHtml, escapeMarkdown } from '../../src/shared/export/escape'
import { exportFileName, toBytes, type Exporter } from '../../src/shared/export/exporter'
import { explanationsOf } from '../../src/shared/export/explanations'
import { exportHtml, reportTitle } from '../../src/shared/export/html'
import { exporters, findExporter } from '../../src/shared/export/registry'
import { parseRunResult } from '../../src/shared/model/result-schema'
import { compareRuns } from '../../src/shared/stats/compare'
import { summarize } from '../../src/shared/stats/summary'
import { completeSavedResult } from '../../src/main/lab/store/complete-result'
import type { CommandData } from '../../src/shared/experiments/command'
import type { FanoutData } from '../../src/shared/experiments/fanout'
import type { PipelineData } from '../../src/shared/experiments/pipeline'
import type { RaceData } from '../../src/shared/experiments/race'
import type { TimeoutData } from '../../src/shared/experiments/timeout'
import { asRunOf, fixtureCandidate, fixtureResult } from './fixtures/run-result'

const GOLDEN_DIR = join(import.meta.dirname, 'golden')
const updating = process.env.UPDATE_GOLDEN === '1'

/** Compares with tests/unit/golden/<name>; UPDATE_GOLDEN=1 rewrites the file instead (then review the diff). */
function expectGolden(name: string, actual: string): void {
  const file = join(GOLDEN_DIR, name)
  if (updating || !existsSync(file)) {
    if (!updating) throw new Error(`No golden file ${name}; run with UPDATE_GOLDEN=1 to create it, then review it.`)
    writeFileSync(file, actual)
    return
  }
  expect(actual).toBe(readFileSync(file, 'utf8'))
}

const textOf = (exporter: Exporter, options?: Parameters<Exporter['export']>[1]): string => new TextDecoder().decode(toBytes(exporter.export(fixtureResult(), options)))

/** A small RFC 4180 reader: enough to prove the CSV reads back as written. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      i++
    } else field += c
  }
  if (field !== '' || row.length > 0) rows.push([...row, field])
  return rows
}

describe('exporter registry', () => {
  it('lists every format once, each with an extension and a MIME type', () => {
    expect(exporters.map((e) => e.id)).toEqual(['json', 'csv', 'markdown', 'trace', 'html'])
    for (const e of exporters) {
      expect(e.fileExtension).toMatch(/^[a-z.]+$/)
      expect(e.mimeType).toMatch(/^[a-z]+\/[a-z+-]+$/)
    }
    expect(findExporter('csv')?.label).toBe('Samples (CSV)')
    expect(findExporter('pdf')).toBeUndefined()
    expect(exportFileName(fixtureResult(), findExporter('trace')!.fileExtension)).toBe('concurrency-lab-fanout-2026-11-27T10-15-00.trace.json')
  })
})

describe('export file names', () => {
  it("give a run's data files and its charts' pictures one stamp, the run's start", () => {
    const run = fixtureResult()
    const names = [...exporters.map((e) => exportFileName(run, e.fileExtension)), exportFileName(run, 'pdf'), exportFileName(run, 'png', 'speedup'), exportFileName(run, 'svg', 'timeline-parallel')]
    expect(names.slice(-2)).toEqual(['concurrency-lab-fanout-2026-11-27T10-15-00-speedup.png', 'concurrency-lab-fanout-2026-11-27T10-15-00-timeline-parallel.svg'])
    expect(names.every((name) => name.startsWith('concurrency-lab-fanout-2026-11-27T10-15-00'))).toBe(true)
    expect(new Set(names).size).toBe(names.length)
    // another run of the same experiment gets another stamp
    expect(exportFileName(fixtureCandidate(), 'png', 'speedup')).toBe('concurrency-lab-fanout-2026-11-27T11-15-00-speedup.png')
  })

  it('are safe on every file system, whatever a chart or an experiment is called', () => {
    const name = exportFileName({ experimentId: 'a/b', startedAt: '2026-11-27T10:15:00.123Z' }, 'png', 'timeline-<x> y:z')
    expect(name).toBe('concurrency-lab-a-b-2026-11-27T10-15-00-timeline--x--y-z.png')
  })
})

describe("reports carry the engine's explanations", () => {
  it("Markdown and HTML list the experiment's sentences, escaped", () => {
    const data = fixtureResult().data as FanoutData
    const markdown = textOf(findExporter('markdown')!)
    expect(markdown).toContain(`## What it shows\n\n- ${escapeMarkdown(data.boundSentence)}\n`)
    expect(markdown).toContain(`- ${escapeMarkdown(data.sweepSentence!)}\n`)
    const html = textOf(findExporter('html')!)
    expect(html).toContain('<h2>What it shows</h2>')
    expect(html).toContain(`<li>${escapeHtml(data.sweepSentence!)}</li>`)
    expect(html).toContain(`<li>Parallel: ${escapeHtml(data.spawnParallel.sentence)}</li>`)
  })

  it("every experiment's moved sentences, as a run (or the store) computes them", () => {
    const timeout = completeSavedResult(asRunOf('timeout', fixtureResult()))
    expect(explanationsOf(timeout)[0]).toBe((timeout.data as TimeoutData).explanation)
    const savedPipeline = asRunOf('pipeline', fixtureResult())
    ;(savedPipeline.data as PipelineData).pipelines = 4
    savedPipeline.comparisons[0] = { ...savedPipeline.comparisons[0]!, summary: { ...savedPipeline.comparisons[0]!.summary, median: 1.2 } }
    const pipeline = completeSavedResult(savedPipeline)
    expect(explanationsOf(pipeline)).toContain('Why parallel is only 1.20× faster than serial, not 4×: 8 children share the 2 logical cores, so at most 2 of them compute at any moment.')
    const race = completeSavedResult(asRunOf('race', fixtureResult()))
    expect(explanationsOf({ ...race, data: { ...(race.data as RaceData), slowdownSentence: 'The mutex costs 2.60× the time of the atomic add.' } })[0]).toBe('The mutex costs 2.60× the time of the atomic add.')
    const command = completeSavedResult(asRunOf('command', fixtureResult()))
    expect(explanationsOf(command)).toContain((command.data as CommandData).sweepSentence)
    expect(exportHtml(command)).toContain(escapeHtml((command.data as CommandData).sweepSentence!))
    const factorize = completeSavedResult(asRunOf('factorize', fixtureResult()))
    expect(explanationsOf(factorize).at(-1)).toMatch(/^CPython 3\.11\.7, with the GIL: its threads take turns;/)
    // a saved result read without the store shows what it holds, nothing recomputed
    expect(explanationsOf(asRunOf('timeout', fixtureResult())).join(' ')).not.toMatch(/exited on its own/)
  })
})

describe('golden files from the hand-built fixture', () => {
  it('JSON: the full result, which reads back as the same result', () => {
    const text = textOf(findExporter('json')!)
    expectGolden('run.json', text)
    expect(parseRunResult(text, 'run.json')).toEqual(fixtureResult())
  })

  it('CSV: one row per sample, warm-ups marked, fields quoted where needed', () => {
    const text = textOf(findExporter('csv')!)
    expectGolden('run.csv', text)
    const rows = parseCsv(text)
    expect(rows[0]).toEqual([...CSV_COLUMNS])
    const result = fixtureResult()
    const sampleCount = result.series.reduce((n, s) => n + s.samples.length + s.warmupSamples.length, 0)
    expect(rows).toHaveLength(1 + sampleCount)
    expect(rows.every((r) => r.length === CSV_COLUMNS.length)).toBe(true)
    const limited = rows.filter((r) => r[2] === 'limit-2')
    expect(limited[0]![3]).toBe('At most 2, "paired" <b>&</b> | piped')
    expect(rows[1]).toEqual(['fixture-run-0001', 'fanout', 'serial', 'Serial', '0', 'true', '2026-11-27T10:14:59.000Z', '1103.5'])
    expect(rows.filter((r) => r[5] === 'false').map((r) => Number(r[7]))).toEqual(result.series.flatMap((s) => s.samples.map((x) => x.valueMs)))
  })

  it("Markdown: hyperfine's table, the speedups and the warnings", () => {
    const text = textOf(findExporter('markdown')!)
    expectGolden('run.md', text)
    const lines = text.split('\n')
    const header = lines.indexOf('| Command | Mean [ms] | Min [ms] | Max [ms] | Relative |')
    expect(header).toBeGreaterThan(0)
    // hand-computed: means 1055.6 and 171.64, σ 4.673 and 2.818; relative 6.150 ± 6.150·√((4.673/1055.6)² + (2.818/171.64)²) = 0.10
    expect(lines[header + 3]).toBe('| `Parallel` | 171.6 ± 2.8 | 168.9 | 176.1 | 1.00 |')
    expect(lines[header + 2]).toMatch(/^\| `Serial` \| 1055\.6 ± 4\.7 \| 1049\.9 \| 1061\.8 \| 6\.15 ± 0\.10 \|$/)
    // a pipe in a label must not split the cell
    expect(lines[header + 4]!.split(/(?<!\\)\|/)).toHaveLength(7)
    expect(text).toContain('- Starting a child is \\<slow\\> & "expensive" right now.')
  })

  it('Chrome trace: complete events in µs, one pid per timeline and one tid per lane', () => {
    const text = textOf(findExporter('trace')!)
    expectGolden('run.trace.json', text)
    const trace = JSON.parse(text) as { traceEvents: { name: string; ph: string; pid: number; tid: number; ts?: number; dur?: number; args?: Record<string, unknown> }[] }
    const complete = trace.traceEvents.filter((e) => e.ph === 'X' && e.name !== 'starting')
    expect(complete).toHaveLength(5)
    expect(complete[1]).toMatchObject({ name: 'sleep 0.1', pid: 1, tid: 2, ts: 7125, dur: 106625, args: { outcome: 'exited' } })
    expect(complete[2]).toMatchObject({ pid: 1, tid: 3, args: { outcome: 'killed', detail: 'killed by SIGTERM after the 0.05 s timeout' } })
    expect(complete.filter((e) => e.pid === 2).map((e) => e.tid)).toEqual([1, 1])
    const names = trace.traceEvents.filter((e) => e.name === 'process_name').map((e) => e.args?.name)
    expect(names).toEqual(['Parallel: 10 children at once', 'Serial: one child after another'])
    // every event Perfetto needs: a phase, a pid and a tid; complete events a ts and a dur ≥ 0
    for (const e of trace.traceEvents) {
      expect(['X', 'M']).toContain(e.ph)
      if (e.ph === 'X') expect(e.dur).toBeGreaterThanOrEqual(0)
    }
    // a nested "starting" slice lies inside its span
    const starting = trace.traceEvents.find((e) => e.name === 'starting' && e.pid === 1 && e.tid === 2)!
    expect(starting.ts).toBe(7125)
    expect(starting.dur).toBe(6375)
  })

  it('HTML: self-contained, every text escaped, charts embedded as data: PNGs', () => {
    // a 1×1 PNG
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='
    const text = textOf(findExporter('html')!, { chartImages: [{ title: 'Speedup <against> workers', pngBase64: png }] })
    expectGolden('run.html', text)
    expect(text).not.toMatch(/<script|src="http|href="http|@import|url\(/i)
    expect(text).toContain(`<img alt="Speedup &lt;against&gt; workers" src="data:image/png;base64,${png}">`)
    expect(text).toContain('At most 2, &quot;paired&quot; &lt;b&gt;&amp;&lt;/b&gt; | piped')
    expect(text).toContain('<h1>Fan-out &lt;fixture&gt; &amp; friends</h1>')
    expect(text).not.toContain('<b>&</b>')
    expect(text).toContain("default-src 'none'; img-src data:; style-src 'unsafe-inline'")
  })

  it('HTML: the title names what ran once, with the experiment in front only of a name of the user\'s own', () => {
    expect(reportTitle({ experimentId: 'race', name: 'Races, 29/11/2026, 10:15:00' })).toBe('Races, 29/11/2026, 10:15:00')
    expect(reportTitle({ experimentId: 'race', name: 'Before the upgrade' })).toBe('Races: Before the upgrade')
  })

  it('HTML: refuses a chart that is not a base64 PNG instead of writing it into the page', () => {
    expect(() => exportHtml(fixtureResult(), { chartImages: [{ title: 'x', pngBase64: '"><script>alert(1)</script>' }] })).toThrow(/not a base64 PNG/)
    expect(() => exportHtml(fixtureResult(), { chartImages: [{ title: 'x', pngBase64: 'PHN2Zz48L3N2Zz4=' }] })).toThrow(/not a base64 PNG/)
  })

  it('exports a result read back from JSON where NaN statistics became null', () => {
    const result = fixtureResult()
    result.comparisons[0] = { ...result.comparisons[0]!, ratios: [], summary: summarize([Number.NaN]) }
    result.timelines[0]!.spans[0] = { ...result.timelines[0]!.spans[0]!, runningMs: Number.NaN }
    const reread = parseRunResult(JSON.stringify(result), 'with-nulls.json')
    expect(reread.comparisons[0]!.summary.mean).toBeNull()
    for (const exporter of exporters) expect(() => exporter.export(reread)).not.toThrow()
    expect(findExporter('markdown')!.export(reread)).toContain('| At most 2 vs Serial | — | — ± 0.00 | —–— | 2× | 0 |')
    const trace = JSON.parse(findExporter('trace')!.export(reread) as string) as { traceEvents: { name: string; pid: number; tid: number }[] }
    expect(trace.traceEvents.filter((e) => e.name === 'starting' && e.pid === 1 && e.tid === 1)).toEqual([])
  })

  it('comparison reports: text, Markdown and HTML of the same verdicts', () => {
    const runs = [fixtureResult(), fixtureCandidate()]
    const text = comparisonText(compareRuns(runs))
    expectGolden('comparison.txt', text)
    expect(text).toMatch(/Parallel {2}faster by 2\.00× ± 0\.0\d \(significant\)/)
    expect(text).toMatch(/Serial {4}no significant change/)
    expect(text).toContain('Not in both runs, so not compared: At most 2, "paired" <b>&</b> | piped.')
    const markdown = exportComparisonMarkdown(runs)
    expectGolden('comparison.md', markdown)
    expect(markdown).toContain('| Series | Baseline mean [ms] | Mean [ms] | Change | Verdict | p |')
    const html = exportComparisonHtml(runs)
    expectGolden('comparison.html', html)
    expect(html).not.toMatch(/<script/i)
    expect(html).toContain('<span class="significant-faster">faster by 2.00×')
  })
})
