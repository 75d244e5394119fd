import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LabError, toErrorData } from '../shared/errors'
import { experimentIds, type ExperimentId } from '../shared/experiments/catalog'
import { createLab } from '../main/lab/lab'
import { builtLabPaths, defaultDataDir } from '../main/lab/paths-default'
import { parseArgs, stringFlag } from './args'
import { listText } from './commands/list'
import { paramsFromFlags, runToEnd, writeResult } from './commands/run'
import { serve } from './commands/serve'

const HELP = `Concurrency Lab: see concurrency versus parallelism on this machine.

Usage:
  concurrency-lab list                       every experiment id, with a line about it
  concurrency-lab run <id> [--<param> <value>…] [--json] [--out FILE]
                                             run one experiment headless; the result as JSON
                                             on stdout with --json (progress goes to stderr)
  concurrency-lab serve [--port N] [--host H] the app in a browser (127.0.0.1 unless told)
  concurrency-lab help                       this text, and every experiment's parameters

Options for run and serve:
  --data-dir DIR   where results are saved (default ${defaultDataDir()})
  --python CMD     the Python 3 interpreter to use (default python3)
`

/** Exit codes: 0 done, 1 the run failed, 2 bad usage or parameters, 130 cancelled (Ctrl+C). */
export async function main(argv: readonly string[]): Promise<number> {
  const out = (text: string): void => void process.stdout.write(text)
  const err = (line: string): void => void process.stderr.write(`${line}\n`)
  try {
    const args = parseArgs(argv, new Set(['json', 'help', 'quiet']))
    const [command = 'help', experimentId] = args.positionals
    if (command === 'help' || args.flags.has('help')) {
      out(`${HELP}\nExperiments:\n${listText(true)}\n`)
      return 0
    }
    if (command === 'list') {
      out(`${listText(false)}\n`)
      return 0
    }
    if (command !== 'run' && command !== 'serve') throw new LabError('invalid-params', `There is no command "${command}". Try list, run, serve or help.`)

    const entryUrl = import.meta.url
    const lab = createLab({ host: command === 'serve' ? 'browser' : 'cli', dataDir: stringFlag(args, 'data-dir') ?? defaultDataDir(), paths: builtLabPaths(entryUrl), pythonCommand: stringFlag(args, 'python') })
    const controller = new AbortController()
    let interrupts = 0
    const onSignal = (): void => {
      interrupts++
      controller.abort()
      if (interrupts > 1) process.exit(130)
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)

    if (command === 'serve') {
      const host = await serve(lab, args, join(dirname(fileURLToPath(entryUrl)), '..', 'renderer'), err)
      await new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true }))
      err('Stopping: cancelling runs and ending their children…')
      await host.close()
      await lab.shutdown()
      return 0
    }

    if (!experimentId) throw new LabError('invalid-params', `Name the experiment to run, one of: ${experimentIds.join(', ')}.`)
    const params = paramsFromFlags(experimentId, args)
    try {
      const result = await runToEnd(lab, experimentId as ExperimentId, params, args.flags.has('quiet') ? () => {} : err, controller.signal)
      await writeResult(result, args, out)
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
