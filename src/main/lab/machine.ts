import os from 'node:os'
import type { MachineInfo, PythonInfo } from '../../shared/model/machine'
import { runChild } from './processes/run-child'

const PYTHON_PROBE = 'import json, sys; print(json.dumps({"version": sys.version.split()[0], "executable": sys.executable, "gil": getattr(sys, "_is_gil_enabled", lambda: True)()}))'

export const defaultPythonCommand = (): string => (process.platform === 'win32' ? 'python' : 'python3')

/** Asks the interpreter itself what it is; a missing or broken one is reported, never thrown. */
export async function probePython(command: string = defaultPythonCommand()): Promise<PythonInfo> {
  const outcome = await runChild({ file: command, args: ['-c', PYTHON_PROBE], timeoutMs: 15_000 })
  if (outcome.startError) return { found: false, command, reason: `${outcome.startError.message} Install Python 3 (python.org or your package manager) to run the Python originals.` }
  if (outcome.exitCode !== 0) return { found: false, command, reason: `"${command}" did not run the probe (${outcome.stderr.text.trim().split('\n').at(-1) ?? 'no output'}).` }
  try {
    const parsed = JSON.parse(outcome.stdout.text) as { version: string; executable: string; gil: boolean }
    if (!parsed.version.startsWith('3.')) return { found: false, command, reason: `"${command}" is Python ${parsed.version}; the lab needs Python 3.` }
    return { found: true, command, version: parsed.version, executable: parsed.executable, gilEnabled: parsed.gil }
  } catch {
    return { found: false, command, reason: `"${command}" printed something that is not the probe's answer.` }
  }
}

export async function collectMachineInfo(host: MachineInfo['host'], pythonCommand?: string): Promise<MachineInfo> {
  const cpus = os.cpus()
  const load = os.loadavg()
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    logicalCores: os.availableParallelism(),
    totalMemoryBytes: os.totalmem(),
    os: { platform: process.platform, release: os.release(), arch: process.arch },
    loadAverage: [load[0] ?? 0, load[1] ?? 0, load[2] ?? 0],
    runtimes: {
      node: process.versions.node,
      v8: process.versions.v8,
      ...(process.versions.electron ? { electron: process.versions.electron, chrome: process.versions.chrome } : {}),
    },
    python: await probePython(pythonCommand),
    host,
  }
}
