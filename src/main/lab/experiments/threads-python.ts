import type { PythonRuntimeInfo, Runtime, RuntimeChoice } from '../../../shared/experiments/threads'
import type { PythonInfo } from '../../../shared/model/machine'
import type { RunWarning, Sample, Series, TimelineSpan } from '../../../shared/model/result'
import { summarize } from '../../../shared/stats/summary'
import { formatDurationMs } from '../../../shared/units'
import { fromMonotonicMs } from '../measure/clock'
import { pythonMissingError, runPythonScript } from '../python/run-script'
import type { ExperimentContext } from './experiment'
import { BACKGROUND_NICENESS } from '../workers/priority'

/** The Python side of the Threads lab: resources/python/threads.py and what it prints. */

const THREADS_SCRIPT = 'threads.py'

export interface PythonScriptInfo {
  version: string
  implementation: string
  executable: string
  gilEnabled: boolean
  freeThreadedBuild: boolean
  cpuCount: number | null
  startMethod: string
  scriptStartedAtMonotonicMs: number
  /** sys.getswitchinterval() in ms (absent from scripts older than the lanes). */
  switchIntervalMs?: number
  /** Which clock perf_counter reads ("clock_gettime(CLOCK_MONOTONIC)" on Linux, as Node's hrtime). */
  clock?: string
  /** The niceness it ran at (null: Windows; absent from scripts older than it). */
  niceness?: number | null
}

export interface PythonSpan {
  lane: number
  index: number
  label: string
  pid: number
  startMs: number
  endMs: number
}

export interface PythonVariant {
  id: string
  strategy: string
  workers: number
  samples: Sample[]
  warmupSamples: Sample[]
  spans: PythonSpan[]
}

export interface PythonScriptOutput {
  experiment: string
  python: PythonScriptInfo
  startup: { strategy: string; workers: number; ms: number }[]
  variants: PythonVariant[]
}

export interface RuntimePlan {
  runtimes: Runtime[]
  warnings: RunWarning[]
  /** Why Python will not run, when it will not. */
  pythonSkipped?: string
}

/** ProcessPoolExecutor refuses more workers on Windows (WaitForMultipleObjects waits on at most 64 handles). */
const WINDOWS_MAX_PROCESS_WORKERS = 61

/**
 * The worker counts Python's process pools can have on this system: on Windows, counts above 61
 * become 61 (once), with a warning that says so; elsewhere the counts asked for.
 */
export function pythonProcessCounts(platform: string, asked: readonly number[]): { counts: number[]; warning?: RunWarning } {
  const tooMany = asked.filter((count) => count > WINDOWS_MAX_PROCESS_WORKERS)
  if (platform !== 'win32' || tooMany.length === 0) return { counts: [...asked] }
  const counts = [...new Set(asked.map((count) => Math.min(count, WINDOWS_MAX_PROCESS_WORKERS)))]
  const list = tooMany.length === 1 ? `the ${tooMany[0]} asked` : `the ${tooMany.slice(0, -1).join(', ')} and ${tooMany.at(-1)} asked`
  return {
    counts,
    warning: {
      code: 'python-process-cap',
      message: `Windows allows at most ${WINDOWS_MAX_PROCESS_WORKERS} worker processes in a ProcessPoolExecutor; the lab used ${WINDOWS_MAX_PROCESS_WORKERS} of ${list}.`,
    },
  }
}

/** Which runtimes a run uses: a missing Python drops it from "both" with a warning, and refuses "python". */
export function planRuntimes(choice: RuntimeChoice, python: PythonInfo): RuntimePlan {
  if (choice === 'node') return { runtimes: ['node'], warnings: [], pythonSkipped: 'The run asked for Node only.' }
  if (!python.found) {
    if (choice === 'python') throw pythonMissingError(python)
    const reason = `Python 3 was not found (${python.reason ?? `"${python.command}" did not run`}), so only Node ran. Install Python 3, or set its path in Settings (--python on the command line), to see the Python originals beside Node.`
    return { runtimes: ['node'], warnings: [{ code: 'python-missing', message: reason }], pythonSkipped: reason }
  }
  return { runtimes: choice === 'python' ? ['python'] : ['node', 'python'], warnings: [] }
}

/** Runs threads.py with a subcommand and its flags; rejects with a LabError on any failure. */
export async function runThreadsScript<T extends PythonScriptOutput>(context: ExperimentContext, args: string[], timeoutMs: number, python: PythonInfo = context.machine.python): Promise<{ output: T; interpreterStartupMs: number }> {
  await context.spawners.ready() // before the clock starts: the interpreter's start-up is measured from the request
  const { value, outcome } = await runPythonScript<T>({
    python,
    resourcesDir: context.paths.resourcesDir,
    script: THREADS_SCRIPT,
    args,
    signal: context.signal,
    timeoutMs,
    runChild: (spec) => context.spawners.run(spec),
    // as Node's worker threads and child processes in the same experiments: equal terms, and the app stays responsive
    niceness: BACKGROUND_NICENESS,
  })
  return { output: value, interpreterStartupMs: Math.max(0, fromMonotonicMs(value.python.scriptStartedAtMonotonicMs) - outcome.startedAtMs) }
}

export function pythonRuntimeInfo(info: PythonScriptInfo, interpreterStartupMs: number): PythonRuntimeInfo {
  const runtime: PythonRuntimeInfo = {
    ran: true,
    version: info.version,
    implementation: info.implementation,
    executable: info.executable,
    gilEnabled: info.gilEnabled,
    freeThreadedBuild: info.freeThreadedBuild,
    interpreterStartupMs,
  }
  return { ...runtime, sentence: pythonRuntimeSentence(runtime) }
}

/** "CPython 3.12.3, with the GIL: its threads take turns; the interpreter took 31 ms to start, not counted in any run." */
export function pythonRuntimeSentence(info: PythonRuntimeInfo): string {
  const gil = info.freeThreadedBuild
    ? info.gilEnabled === false
      ? ', free-threaded with the GIL off: its threads can run in parallel'
      : ', a free-threaded build with the GIL switched on'
    : ', with the GIL: its threads take turns'
  return `${info.implementation ?? 'Python'} ${info.version}${gil}; the interpreter took ${formatDurationMs(info.interpreterStartupMs ?? 0)} to start, not counted in any run.`
}

/** "Python 3.11.7 (the GIL on)", "Python 3.13.1, free-threaded (GIL off)". */
export function describePython(info: PythonRuntimeInfo): string {
  if (!info.ran) return 'Python did not run'
  const build = info.freeThreadedBuild ? `, a free-threaded build with the GIL ${info.gilEnabled ? 'switched back on' : 'off'}` : ' (with the GIL)'
  return `${info.implementation ?? 'Python'} ${info.version}${build}`
}

export function seriesOfPython(variant: PythonVariant, label: string, seriesPrefix = 'python-'): Series {
  return {
    id: `${seriesPrefix}${variant.id}`,
    label,
    samples: variant.samples,
    warmupSamples: variant.warmupSamples,
    summary: summarize(variant.samples.map((s) => s.valueMs)),
  }
}

export function spansOfPython(variant: PythonVariant, laneLabel: (span: PythonSpan) => string): TimelineSpan[] {
  return variant.spans.map((span) => ({
    lane: span.lane,
    label: laneLabel(span),
    startMs: span.startMs,
    endMs: span.endMs,
    outcome: 'exited' as const,
    detail: span.label,
  }))
}
