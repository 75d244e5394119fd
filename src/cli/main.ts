import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LabError, toErrorData } from '../shared/errors'
import { exporters } from '../shared/export/registry'
import { experimentIds, experiments, type ExperimentId } from '../shared/experiments/catalog'
import { createLab, type LabDoor } from '../main/lab/lab'
import { startLabThread } from '../main/lab/thread/lab-thread'
import { builtLabPaths, defaultDataDir } from '../main/lab/paths-default'
import { parseArgs, stringFlag, stringFlags } from './args'
import { listText } from './commands/list'
import { pythonsText } from './commands/pythons'
import { chapterCommand, testChapterSteps } from './commands/chapter'
import { compareCommand } from './commands/compare'
import { checkOutPath, chooseExporter, FORMAT_SWITCHES } from './commands/export'
import { runParams, runToEnd, writeResult } from './commands/run'
import { serve } from './commands/serve'

const FORMAT_DETAILS: Record<string, string> = {
  json: 'the full result, schema-versioned (what compare and the Results screen read)',
  csv: 'one row per sample: run id, experiment, series, trial, warm-up, start time, value in ms',
  markdown: "a table like hyperfine's (mean ± σ, min, max, relative), speedups, warnings, machine",
  trace: 'the timelines as Chrome trace JSON (traceEvents, ph "X"): open it in ui.perfetto.dev',
  html: 'a self-contained report (no scripts, nothing fetched): tables, warnings, machine, samples',
}
const FORMAT_HELP = exporters.map((e) => `  --${e.id.padEnd(9)} .${e.fileExtension.padEnd(11)} ${FORMAT_DETAILS[e.id] ?? e.label}\n`).join('')

/** Every experiment's on/off parameter: a bare --sweep means true. */
const BOOLEAN_PARAMS = new Set(experiments.flatMap((experiment) => Object.entries(experiment.params).filter(([, spec]) => spec.kind === 'boolean').map(([name]) => name)))

const HELP = `Concurrency Lab: see concurrency versus parallelism on this machine.

Usage:
  concurrency-lab list                       every experiment id, with a line about it
  concurrency-lab run <id> [--<param> <value>…] [--json|--csv|--markdown|--trace|--html] [--out FILE]
                                             run one experiment headless (progress goes to stderr);
                                             the result in the format asked for on stdout, or in
                                             FILE with --out (then the headline on stdout)
  concurrency-lab run workload --module my-work.mjs [--json]
                                             your own function: an ES module exporting work(input)
                                             (and inputs()), serially, on threads and in processes
  concurrency-lab compare <a.json> <b.json>… [--markdown|--html] [--threshold PERCENT] [--out FILE]
                                             every run against the first, series by series:
                                             "faster by 1.80× ± 0.10 (significant)" or "no significant
                                             change" (Welch's t-test, p < 0.05, and a noise threshold,
                                             default 5%); runs of one experiment only
  concurrency-lab pythons [--json]           every Python on this machine: version, build (GIL or
                                             free-threaded), switch interval, where it was found
  concurrency-lab chapter [--html FILE] [--json FILE]
                                             run every experiment with its defaults, one after
                                             another (each result saved), then write the report
                                             "Concurrency on <this machine>" (each lesson's verdict,
                                             the key charts, every result as an appendix) and the
                                             bundle (the summary and every result, for Import bundle
                                             in the Results screen); the verdicts on stdout
  concurrency-lab serve [--port N] [--host H] the app in a browser (127.0.0.1 unless told)
  concurrency-lab help                       this text, and every experiment's parameters

Formats for run (one at a time; without a switch, --out's extension picks it, else JSON):
${FORMAT_HELP}
Options for run, chapter and serve:
  --data-dir DIR   where results are saved (default ${defaultDataDir()})
  --python CMD     the Python 3 interpreter to use (default python3); given again
                   (--python A --python B), the Threads and Races experiments run
                   their Python series on each, side by side
`

/** The first --python is the interpreter the lab uses; any further ones run beside it. */
function pythonChoice(pythons: readonly string[]): { pythonCommand?: string; pythonsSideBySide?: string[] } {
  if (pythons.length === 0) return {}
  return pythons.length === 1 ? { pythonCommand: pythons[0] } : { pythonCommand: pythons[0], pythonsSideBySide: pythons.slice(1) }
}

/** Exit codes: 0 done, 1 the run failed, 2 bad usage or parameters, 130 cancelled (Ctrl+C). */

export async function main(argv: readonly string[], entryUrl = import.meta.url): Promise<number> {
  const out = (text: string): void => void process.stdout.write(text)
  const err = (line: string): void => void process.stderr.write(`${line}\n`)
  try {
    // chapter's --html and --json name files; run's are switches
    const args = parseArgs(argv, new Set([...(argv[0] === 'chapter' ? [] : FORMAT_SWITCHES), 'help', 'quiet']), BOOLEAN_PARAMS)
    const [command = 'help', experimentId] = args.positionals
    if (command === 'help' || args.flags.has('help')) {
      out(`${HELP}\nExperiments:\n${listText(true)}\n`)
      return 0
    }
    if (command === 'list') {
      out(`${listText(false)}\n`)
      return 0
    }
    if (command === 'compare') {
      await compareCommand(args.positionals.slice(1), args, out)
      return 0
    }
    if (!['run', 'serve', 'chapter', 'pythons'].includes(command)) throw new LabError('invalid-params', `There is no command "${command}". Try list, run, chapter, compare, pythons, serve or help.`)

    const common = { dataDir: stringFlag(args, 'data-dir') ?? defaultDataDir(), paths: builtLabPaths(entryUrl), ...pythonChoice(stringFlags(args, 'python')) }
    const chapterSteps = testChapterSteps(process.env)
    // the browser host, like the desktop app, keeps the engine in a thread of its own, so that no run holds up its answers
    const lab = command === 'serve' ? undefined : createLab({ host: 'cli', ...common, chapterSteps })
    const door: LabDoor = lab ?? startLabThread({ host: 'browser', ...common, startSpawnersNow: true, chapterSteps: chapterSteps?.() })
    const controller = new AbortController()
    let interrupts = 0
    const onSignal = (): void => {
      interrupts++
      controller.abort()
      // a second Ctrl+C ends every child at once rather than waiting for the runs to wind down; a third, the process
      if (interrupts === 2) void door.shutdown({ withinMs: 0 }).finally(() => process.exit(130))
      if (interrupts > 2) process.exit(130)
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)

    if (!lab) {
      const host = await serve(door, args, join(dirname(fileURLToPath(entryUrl)), '..', 'renderer'), err)
      await new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true }))
      err('Stopping: cancelling runs and ending their children…')
      await host.close()
      await door.shutdown()
      return 0
    }

    if (command === 'pythons') {
      try {
        const list = await lab.handlers.listInterpreters({})
        out(args.flags.has('json') ? `${JSON.stringify(list, null, 2)}\n` : pythonsText(list))
        return 0
      } finally {
        await lab.shutdown()
      }
    }

    if (command === 'chapter') {
      try {
        await chapterCommand(lab, args, out, err, controller.signal)
        return 0
      } finally {
        await lab.shutdown()
      }
    }

    try {
      if (!experimentId) throw new LabError('invalid-params', `Name the experiment to run, one of: ${experimentIds.join(', ')}.`)
      const params = await runParams(experimentId, args, (path) => readFile(path, 'utf8'))
      const outPath = await checkOutPath(args)
      chooseExporter(args, outPath) // refuses two formats before the run, not after
      const result = await runToEnd(lab, experimentId as ExperimentId, params, args.flags.has('quiet') ? () => {} : err, controller.signal)
      await writeResult(result, args, out, outPath)
      return 0
    } finally {
      await lab.shutdown()
    }
  } catch (error) {
    const data = toErrorData(error)
    err(`Error: ${data.message}`)
    return data.code === 'invalid-params' || data.code === 'unknown-experiment' ? 2 : data.code === 'cancelled' ? 130 : 1
  }
}
