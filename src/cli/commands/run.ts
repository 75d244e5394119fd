import { basename } from 'node:path'
import { experimentIds, findExperiment, type ExperimentId } from '../../shared/experiments/catalog'
import { coerceParam } from '../../shared/experiments/params'
import { LabError } from '../../shared/errors'
import type { RunResult } from '../../shared/model/result'
import type { Lab } from '../../main/lab/lab'
import { reportChartImages } from '../../main/lab/charts/report-charts'
import { runToEnd as runToEndInEngine } from '../../main/lab/runs/run-to-end'
import { camelCaseFlag, type ParsedArgs } from '../args'
import { chooseExporter, FORMAT_SWITCHES, outputText, writeOutput } from './export'

const GLOBAL_FLAGS = new Set<string>([...FORMAT_SWITCHES, 'out', 'data-dir', 'python', 'quiet'])

/** `run workload --module my-work.mjs`: the module's source, as the app's Source field would hold it. */
async function moduleParams(experimentId: string, args: ParsedArgs, readText: (path: string) => Promise<string>): Promise<Record<string, unknown>> {
  const path = args.flags.get('module')
  if (path === undefined) return {}
  if (experimentId !== 'workload') throw new LabError('invalid-params', `--module belongs to the workload experiment (concurrency-lab run workload --module my-work.mjs), not to ${experimentId}.`)
  if (path === true) throw new LabError('invalid-params', '--module needs the path of an ES module, as in --module my-work.mjs.')
  try {
    // the extension picks the runtime: my_work.py runs on Python (--python picks which), anything else on Node
    return { example: 'own', language: /\.py$/i.test(path) ? 'python' : 'javascript', source: await readText(path), moduleFile: basename(path) }
  } catch (error) {
    throw new LabError('invalid-params', `--module ${path} could not be read: ${(error as Error).message}`)
  }
}

/** The run's parameters from its flags (and, for the workload, the module --module names). */
export async function runParams(experimentId: string, args: ParsedArgs, readText: (path: string) => Promise<string>): Promise<Record<string, unknown>> {
  const module = await moduleParams(experimentId, args, readText)
  const withoutModule: ParsedArgs = { ...args, flags: new Map([...args.flags].filter(([name]) => name !== 'module')) }
  return { ...paramsFromFlags(experimentId, withoutModule), ...module }
}

export function paramsFromFlags(experimentId: string, args: ParsedArgs): Record<string, unknown> {
  const info = findExperiment(experimentId)
  if (!info) throw new LabError('unknown-experiment', `There is no experiment "${experimentId}". Try one of: ${experimentIds.join(', ')} (concurrency-lab list).`)
  const params: Record<string, unknown> = {}
  for (const [name, value] of args.flags) {
    if (GLOBAL_FLAGS.has(name)) continue
    const key = name in info.params ? name : camelCaseFlag(name)
    const spec = info.params[key]
    if (!spec) throw new LabError('invalid-params', `${experimentId} has no parameter --${name}. Its parameters: ${Object.keys(info.params).map((p) => `--${p}`).join(', ')}.`)
    params[key] = coerceParam(spec, value === true ? 'true' : value)
  }
  return params
}

/** Runs one experiment to the end, progress on stderr; resolves with the result or throws a LabError. */
export function runToEnd(lab: Lab, experimentId: ExperimentId, params: Record<string, unknown>, onProgress: (line: string) => void, signal: AbortSignal): Promise<RunResult> {
  return runToEndInEngine(lab, experimentId, params, (p) => onProgress(`[${p.done}/${p.total}] ${p.message}`), signal)
}

/**
 * With --out the chosen format goes to the file and the headline to stdout; without it, the format
 * to stdout. --json keeps its first behaviour: JSON on stdout, and in the file too when --out is given.
 */
export async function writeResult(result: RunResult, args: ParsedArgs, stdout: (text: string) => void, out: string | undefined): Promise<void> {
  const exporter = chooseExporter(args, out)
  if (!exporter) return stdout(`${result.headline}\n`)
  // the page draws a report's charts; here they are drawn headless, from the same configurations
  const text = outputText(exporter.export(result, exporter.id === 'html' ? { chartImages: reportChartImages(result) } : undefined))
  if (out) await writeOutput(out, text)
  stdout(!out || args.flags.has('json') ? text : `${result.headline}\n`)
}
