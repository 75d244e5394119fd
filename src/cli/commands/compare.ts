import { readFile } from 'node:fs/promises'
import { LabError } from '../../shared/errors'
import { comparisonHtmlExporter, comparisonMarkdownExporter, comparisonText } from '../../shared/export/comparison'
import type { ComparisonExporter } from '../../shared/export/exporter'
import { parseRunResult } from '../../shared/model/result-schema'
import type { RunResult } from '../../shared/model/result'
import { compareRuns, DEFAULT_NOISE_THRESHOLD, type CompareOptions } from '../../shared/stats/compare'
import { stringFlag, type ParsedArgs } from '../args'
import { outputText, writeOutput } from './export'

async function readResultFile(path: string): Promise<RunResult> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new LabError('invalid-params', `Could not read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`)
  }
  return parseRunResult(text, path)
}

function compareOptions(args: ParsedArgs): CompareOptions {
  const raw = stringFlag(args, 'threshold')
  if (raw === undefined) return {}
  const percent = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(percent) || percent < 0 || percent > 100) throw new LabError('invalid-params', `--threshold must be a percentage from 0 to 100 (default ${DEFAULT_NOISE_THRESHOLD * 100}); got ${JSON.stringify(raw)}.`)
  return { noiseThreshold: percent / 100 }
}

/** `compare a.json b.json …`: every run against the first, as words (or --markdown, --html); --out writes it to a file. */
export async function compareCommand(files: readonly string[], args: ParsedArgs, stdout: (text: string) => void): Promise<void> {
  if (files.length < 2) throw new LabError('invalid-params', `compare needs at least two result files (saved with run --json or --out); got ${files.length}.`)
  if (args.flags.has('markdown') && args.flags.has('html')) throw new LabError('invalid-params', 'Choose one format; got --markdown and --html.')
  const options = compareOptions(args)
  const results = await Promise.all(files.map(readResultFile))
  const exporter: ComparisonExporter | undefined = args.flags.has('markdown') ? comparisonMarkdownExporter : args.flags.has('html') ? comparisonHtmlExporter : undefined
  const text = exporter ? outputText(exporter.export(results, options)) : comparisonText(compareRuns(results, options))
  const out = stringFlag(args, 'out')
  if (out) await writeOutput(out, text)
  else stdout(text)
}
