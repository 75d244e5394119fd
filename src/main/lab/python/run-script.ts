import { join } from 'node:path'
import { LabError, cancelledError } from '../../../shared/errors'
import type { PythonInfo, PythonLaunch } from '../../../shared/model/machine'
import { describeEnd, runChild, type ChildOutcome, type ChildSpec } from '../processes/run-child'
import { lastLineOf, readScriptResult } from './script-result'

export interface PythonScriptRun<T> {
  /** The parsed JSON the script printed as its last stdout line. */
  value: T
  outcome: ChildOutcome
}

/** Says what to do when Python is missing, for a run that asked for it. */
export function pythonMissingError(python: PythonInfo): LabError {
  return new LabError('not-available', `Python 3 is not available (${python.reason ?? `"${python.command}" was not found`}). Install Python 3, set its path in Settings (or pass --python), or run with --runtime node.`)
}

/**
 * How runs start a Python that was found: the interpreter it reported itself to be (so no launcher
 * such as py -3 adds its own start-up to the measured one), else the launch that was probed.
 */
export function pythonLaunchOf(python: PythonInfo): PythonLaunch {
  if (python.executable) return { file: python.executable, args: [] }
  return python.launch ?? { file: python.command, args: [] }
}

/**
 * Runs one of the Python scripts shipped in resources/python through the subprocess manager;
 * the script prints one JSON object on its last stdout line.
 */
export async function runPythonScript<T>(options: {
  python: PythonInfo
  resourcesDir: string
  script: string
  args?: string[]
  signal?: AbortSignal
  timeoutMs?: number
  /** How to start the interpreter: in this process unless told (experiments use their spawner helpers). */
  runChild?: (spec: ChildSpec) => Promise<ChildOutcome>
  /** Lower the interpreter's priority to this niceness as it starts (as the Node side of the comparison runs). */
  niceness?: number
  /** Reads the last line elsewhere (a long report: on the run's analysis thread); else parsed here. */
  read?: (lastLine: string) => Promise<T>
}): Promise<PythonScriptRun<T>> {
  if (!options.python.found) throw pythonMissingError(options.python)
  const start = options.runChild ?? runChild
  const launch = pythonLaunchOf(options.python)
  const outcome = await start({
    file: launch.file,
    args: [...launch.args, join(options.resourcesDir, 'python', options.script), ...(options.args ?? [])],
    env: { PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    maxCaptureBytes: 4 * 1024 * 1024,
    niceness: options.niceness,
  })
  if (options.signal?.aborted) throw cancelledError()
  if (outcome.startError) throw new LabError(outcome.startError.code ?? 'internal', outcome.startError.message)
  if (outcome.exitCode !== 0) {
    const lastError = outcome.stderr.text.trim().split('\n').slice(-3).join(' ')
    throw new LabError('internal', `The Python script ${options.script} ${describeEnd(outcome)}${lastError ? `: ${lastError}` : '.'}`)
  }
  const lastLine = lastLineOf(outcome.stdout.text)
  return { value: options.read ? await options.read(lastLine) : readScriptResult<T>(options.script, lastLine), outcome }
}
