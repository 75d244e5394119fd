import { LabError } from '../errors'
import { escapeHtml } from './escape'
import type { ChartImage } from './exporter'

const STYLE = `
  :root { color-scheme: light; --ink: #1d2330; --muted: #5b6475; --line: #d9dde5; --accent: #2f5fb3; --warn: #8a5a00; --warn-bg: #fff6e0; }
  * { box-sizing: border-box; }
  body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); max-width: 980px; margin: 2rem auto; padding: 0 1.25rem; }
  h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
  h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
  h3 { font-size: 1rem; margin: 1.25rem 0 .4rem; }
  .headline { font-size: 1.05rem; margin: .5rem 0 1rem; }
  .muted { color: var(--muted); }
  table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-variant-numeric: tabular-nums; }
  th, td { border-bottom: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
  th { font-weight: 600; background: #f5f7fa; }
  td.num, th.num { text-align: right; white-space: nowrap; }
  ul.warnings { list-style: none; padding: 0; }
  ul.warnings li { background: var(--warn-bg); color: var(--warn); border-left: 4px solid #e0a100; padding: .45rem .7rem; margin: .35rem 0; }
  figure { margin: 1rem 0; }
  figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
  figcaption { color: var(--muted); font-size: .9rem; }
  details { margin: .4rem 0; }
  summary { cursor: pointer; }
  .significant-faster { color: #1d7a3a; font-weight: 600; }
  .significant-slower { color: #b3261e; font-weight: 600; }
  .verdict { font-size: 1.05rem; font-weight: 600; }
  .status { display: inline-block; font-size: .8rem; font-weight: 600; padding: .1rem .5rem; border-radius: 999px; margin-left: .5rem; vertical-align: middle; border: 1px solid currentColor; }
  .status-holds { color: #1d6b3a; } .status-partly { color: #8a5a00; } .status-diverges { color: #b3261e; } .status-not-measured { color: var(--muted); }
  section.appendix { border-top: 3px double var(--line); margin-top: 3rem; }
  footer { margin-top: 2.5rem; color: var(--muted); font-size: .85rem; }
`

/** A whole page with no scripts and nothing fetched: the CSP allows only inline styles and data: images. */
export function htmlDocument(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`
}

export interface Column {
  title: string
  numeric?: boolean
}

/** Cells are text, escaped here; a cell given as `{ html }` is trusted markup built by the caller. */
export type Cell = string | { html: string }

const cellHtml = (cell: Cell): string => (typeof cell === 'string' ? escapeHtml(cell) : cell.html)

export function htmlTable(columns: readonly Column[], rows: readonly (readonly Cell[])[]): string {
  const head = columns.map((c) => `<th${c.numeric ? ' class="num"' : ''}>${escapeHtml(c.title)}</th>`).join('')
  const body = rows.map((row) => `<tr>${row.map((cell, i) => `<td${columns[i]?.numeric ? ' class="num"' : ''}>${cellHtml(cell)}</td>`).join('')}</tr>`).join('\n')
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/
const PNG_BASE64_PREFIX = 'iVBORw0KGgo' // the PNG signature, base64-encoded

/** One chart as an embedded PNG; anything that is not base64 PNG data is refused, never written into the page. */
export function chartFigure(image: ChartImage): string {
  const data = image.pngBase64.replace(/^data:image\/png;base64,/, '')
  if (!BASE64.test(data) || !data.startsWith(PNG_BASE64_PREFIX)) {
    throw new LabError('invalid-params', `The chart "${image.title.slice(0, 80)}" is not a base64 PNG; the report embeds charts only as PNG images.`)
  }
  return `<figure><img alt="${escapeHtml(image.title)}" src="data:image/png;base64,${data}"><figcaption>${escapeHtml(image.title)}</figcaption></figure>`
}

/** Charts as embedded PNGs, under their own heading. */
export function chartFigures(images: readonly ChartImage[] = []): string {
  if (images.length === 0) return ''
  return `<section>\n<h2>Charts</h2>\n${images.map(chartFigure).join('\n')}\n</section>`
}

export const section = (title: string, content: string): string => (content ? `<section>\n<h2>${escapeHtml(title)}</h2>\n${content}\n</section>` : '')
