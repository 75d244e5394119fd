import { comparisonHtmlExporter, comparisonMarkdownExporter } from './comparison'
import { chromeTraceExporter } from './chrome-trace'
import { csvExporter } from './csv'
import type { ComparisonExporter, Exporter } from './exporter'
import { htmlExporter } from './html'
import { jsonExporter } from './json'
import { markdownExporter } from './markdown'

/** Every format a run can be exported in; the order is the order of buttons and --help. */
export const exporters: readonly Exporter[] = [jsonExporter, csvExporter, markdownExporter, chromeTraceExporter, htmlExporter]

export const comparisonExporters: readonly ComparisonExporter[] = [comparisonMarkdownExporter, comparisonHtmlExporter]

export function findExporter(id: string): Exporter | undefined {
  return exporters.find((e) => e.id === id)
}
