import { readdir, realpath } from 'node:fs/promises'
import os from 'node:os'
import { performance } from 'node:perf_hooks'
import type { InterpreterList, MachineInfo, PythonInfo } from '../../shared/model/machine'
import { findProgram } from './processes/find-program'
import { runChild } from './processes/run-child'
import { discoverPython, type PythonSystem } from './python/discover'
import { electronVersions } from './runtime'
import { findInterpreters, type InterpreterChoices, type InterpreterSystem, type ProbeCache } from './python/find-interpreters'

/** A probe that takes longer than this is reported as not answering (a wedged interpreter, a network home folder). */
const PROBE_TIMEOUT_MS = 15_000

/** The real system's facts for Python discovery: its PATH, its programs, its probes. */
function thisSystem(env: NodeJS.ProcessEnv = process.env): PythonSystem {
  return {
    platform: process.platform,
    env,
    probe: async (launch, args) => {
      const outcome = await runChild({ file: launch.file, args: [...launch.args, ...args], timeoutMs: PROBE_TIMEOUT_MS })
      return { startError: outcome.startError?.message, exitCode: outcome.exitCode, stdout: outcome.stdout.text, stderr: outcome.stderr.text }
    },
    findProgram: (name) => findProgram(name, env),
    // only asks: unlike /usr/bin/python3, xcode-select -p never offers to install anything
    commandLineToolsInstalled: async () => (await runChild({ file: 'xcode-select', args: ['-p'], timeoutMs: 15_000 })).exitCode === 0,
  }
}

export function thisMachinesInterpreters(env: NodeJS.ProcessEnv = process.env): InterpreterSystem {
  const system = thisSystem(env)
  return {
    platform: process.platform,
    env,
    home: os.homedir(),
    listDir: (dir) => readdir(dir).catch(() => []),
    realPath: (path) => realpath(path).catch(() => path),
    probe: system.probe,
    pyLauncherList: async () => {
      const outcome = await runChild({ file: 'py', args: ['-0p'], timeoutMs: PROBE_TIMEOUT_MS })
      return outcome.exitCode === 0 ? outcome.stdout.text : undefined
    },
    now: () => performance.now(),
  }
}

/** Every Python on this machine, each probed once; broken ones listed with their reason. */
export const listInterpreters = (choices: InterpreterChoices, system: InterpreterSystem = thisMachinesInterpreters(), cache?: ProbeCache): Promise<InterpreterList> =>
  findInterpreters(system, choices, cache)

/** Asks the interpreters themselves what they are; a missing or broken one is reported, never thrown. */
export async function probePython(configured?: string, system: PythonSystem = thisSystem()): Promise<PythonInfo> {
  return (await discoverPython(system, configured)).python
}

/**
 * The machine's facts, Python included: the interpreter the lab uses (`pythonCommand`, or the one it
 * finds) and those to run beside it (`sideBySide`), each probed; a broken one is listed with its reason.
 */
export async function collectMachineInfo(host: MachineInfo['host'], pythonCommand?: string, sideBySide: readonly string[] = []): Promise<MachineInfo> {
  const system = thisSystem()
  const [pythons, others] = await Promise.all([discoverPython(system, pythonCommand), Promise.all(sideBySide.map(async (path) => (await discoverPython(system, path)).python))])
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
      ...electronVersions(),
    },
    python: pythons.python,
    pythonCandidates: pythons.candidates,
    ...(others.length > 0 ? { pythonsSideBySide: others } : {}),
    host,
  }
}
