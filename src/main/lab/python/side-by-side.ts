import { LabError } from '../../../shared/errors'
import { interpreterSeriesPrefix } from '../../../shared/experiments/interpreters'
import { interpreterKey, interpreterLabel } from '../../../shared/model/interpreter-label'
import type { MachineInfo, PythonInfo } from '../../../shared/model/machine'
import type { RunWarning } from '../../../shared/model/result'

/** An interpreter that runs beside the primary one: where it stands in the run and what became of it. */
export interface BesideRun<T> {
  python: PythonInfo
  /** 1, 2 …: its place after the primary (0), which gives its series ids their prefix. */
  index: number
  seriesPrefix: string
  /** "CPython 3.11.2 (GIL)", or the command where it could not be asked. */
  label: string
  value?: T
  /** Why it did not run: not found, too old, or its script failed. */
  reason?: string
}

/** The interpreters chosen beside the primary, each once (a second name for the primary, or for another, is left out). */
export function interpretersBeside(machine: Pick<MachineInfo, 'python' | 'pythonsSideBySide'>): PythonInfo[] {
  const seen = new Set([interpreterKey(machine.python)])
  return (machine.pythonsSideBySide ?? []).filter((python) => {
    const key = interpreterKey(python)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/**
 * Runs `measure` on each interpreter beside the primary, one after another. An interpreter that is
 * missing or whose script fails gets its reason in words and the run goes on; a cancel stops it all.
 */
export async function runBeside<T>(machine: Pick<MachineInfo, 'python' | 'pythonsSideBySide'>, signal: AbortSignal, measure: (python: PythonInfo, seriesPrefix: string, label: string) => Promise<T>): Promise<BesideRun<T>[]> {
  const runs: BesideRun<T>[] = []
  const labels = new Set([interpreterLabel(machine.python)])
  for (const [i, python] of interpretersBeside(machine).entries()) {
    // two interpreters of one version and build are told apart by their file
    const plain = interpreterLabel(python)
    const label = labels.has(plain) ? `${plain} at ${python.executable ?? python.command}` : plain
    labels.add(label)
    const base = { python, index: i + 1, seriesPrefix: interpreterSeriesPrefix(i + 1), label }
    if (!python.found) {
      runs.push({ ...base, reason: `${python.command} did not run: ${python.reason ?? 'it was not found'}` })
      continue
    }
    try {
      runs.push({ ...base, value: await measure(python, base.seriesPrefix, label) })
    } catch (error) {
      if (signal.aborted || (error instanceof LabError && error.code === 'cancelled')) throw error
      runs.push({ ...base, reason: `${base.label} (${python.executable ?? python.command}) did not finish its run: ${error instanceof Error ? error.message : String(error)}` })
    }
  }
  return runs
}

/** A warning for each interpreter chosen beside the primary that did not run, in its own words. */
export const besideWarnings = (runs: readonly BesideRun<unknown>[]): RunWarning[] =>
  runs.flatMap((run) => (run.reason === undefined ? [] : [{ code: 'python-side-by-side', message: `${run.reason} The run went on without it.` }]))
