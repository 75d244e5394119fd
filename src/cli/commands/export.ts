import { constants } from 'node:fs'
import { access, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { FileHeldOpenError, retryWhileHeldOpen, type HeldOpenRetry } from '../../main/lab/store/held-open'
import { LabError } from '../../shared/errors'
import type { ExportOutput, Exporter } from '../../shared/export/exporter'
import { exporters, findExporter } from '../../shared/export/registry'
import { stringFlag, type ParsedArgs } from '../args'

/** --json, --csv, --markdown, --trace, --html: one switch per run exporter. */
export const FORMAT_SWITCHES = exporters.map((e) => e.id)

const BY_EXTENSION: [RegExp, Exporter['id']][] = [
  [/\.trace\.json$/i, 'trace'],
  [/\.csv$/i, 'csv'],
  [/\.(md|markdown)$/i, 'markdown'],
  [/\.html?$/i, 'html'],
]

/** The format asked for by a switch, or else by --out's extension (JSON when it says nothing); none without either. */
export function chooseExporter(args: ParsedArgs, outPath: string | undefined): Exporter | undefined {
  const asked = FORMAT_SWITCHES.filter((id) => args.flags.has(id))
  if (asked.length > 1) throw new LabError('invalid-params', `Choose one format; got ${asked.map((id) => `--${id}`).join(' and ')}.`)
  if (asked[0]) return findExporter(asked[0])
  if (!outPath) return undefined
  return findExporter(BY_EXTENSION.find(([pattern]) => pattern.test(outPath))?.[1] ?? 'json')
}

/** Fails before a long run, not after it, when --out (or another file flag) cannot be written. */
export async function checkOutPath(args: ParsedArgs, flag = 'out'): Promise<string | undefined> {
  const out = stringFlag(args, flag)
  if (!out) return undefined
  try {
    await access(dirname(resolve(out)), constants.W_OK)
  } catch {
    throw new LabError('invalid-params', `--${flag} ${out}: the folder ${dirname(resolve(out))} does not exist or is not writable. Create it or choose another path.`)
  }
  return out
}

export const outputText = (output: ExportOutput): string => (typeof output === 'string' ? output : new TextDecoder().decode(output))

export async function writeOutput(path: string, output: ExportOutput, write: (path: string, output: ExportOutput) => Promise<void> = writeFile, retry?: HeldOpenRetry): Promise<void> {
  try {
    await retryWhileHeldOpen(path, () => write(path, output), retry)
  } catch (error) {
    if (error instanceof FileHeldOpenError) throw new LabError('store-failed', `${error.message} Close the program that has it open, or wait a moment, and run again; or choose another path with --out.`)
    throw new LabError('store-failed', `Could not write ${path}: ${(error as Error).message}. Choose another path with --out.`)
  }
}
