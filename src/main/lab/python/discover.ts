import { posix } from 'node:path'
import type { PythonInfo, PythonLaunch } from '../../../shared/model/machine'

/**
 * Which Pythons to try, and what each answer means, per system. The decisions are pure functions
 * of the system's facts (platform, PATH, the answers of probes); discoverPython asks the probes.
 */

/** One line of Python 3.3+ (sys.implementation) that prints what the lab needs to know about the interpreter that runs it. */
export const PYTHON_PROBE = [
  'import json, os, sys, sysconfig',
  'print(json.dumps({"version": sys.version.split()[0], "implementation": sys.implementation.name, "executable": sys.executable,'
    + ' "realExecutable": os.path.realpath(sys.executable) if sys.executable else None, "gil": getattr(sys, "_is_gil_enabled", lambda: True)(),'
    + ' "freeThreadedBuild": bool(sysconfig.get_config_var("Py_GIL_DISABLED")), "switchInterval": sys.getswitchinterval(), "pythonGil": os.environ.get("PYTHON_GIL")}))',
].join('; ')

/** On a Mac without Apple's Command Line Tools this is a stub that opens their install dialog when run. */
const APPLE_PYTHON = '/usr/bin/python3'

export const COMMAND_LINE_TOOLS_REASON = `${APPLE_PYTHON} needs Apple's Command Line Tools; install them with xcode-select --install or install Python from python.org/Homebrew`

/** The exit status of the Windows Store's "python" and "python3" aliases when Python is not installed from the Store. */
const STORE_ALIAS_EXIT_CODE = 9009

const launchText = (launch: PythonLaunch): string => [launch.file, ...launch.args].join(' ')

const pathEntries = (platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] =>
  (env.PATH ?? env.Path ?? '').split(platform === 'win32' ? ';' : ':').filter(Boolean)

/**
 * The Pythons to try, best first. A Python set in Settings (or --python) is the only one tried.
 * Windows: python on PATH, then the py launcher for the newest Python 3, then python3 (usually
 * the Store's alias). macOS: every python3 along PATH, in PATH's order (the engine keeps those
 * that exist). Linux and the rest: python3.
 */
export function pythonCandidates(facts: { platform: NodeJS.Platform; env: NodeJS.ProcessEnv; configured?: string }): PythonLaunch[] {
  if (facts.configured) return [{ file: facts.configured, args: [] }]
  if (facts.platform === 'win32') return [{ file: 'python', args: [] }, { file: 'py', args: ['-3'] }, { file: 'python3', args: [] }]
  if (facts.platform === 'darwin') {
    const files = pathEntries(facts.platform, facts.env).map((dir) => posix.join(dir, 'python3'))
    return [...new Set(files)].map((file) => ({ file, args: [] }))
  }
  return [{ file: 'python3', args: [] }]
}

/** Whether running `resolvedFile` could open the Command Line Tools dialog, so `xcode-select -p` must answer first. */
const needsCommandLineToolsCheck = (platform: NodeJS.Platform, resolvedFile: string | undefined): boolean => platform === 'darwin' && resolvedFile === APPLE_PYTHON

/** What the probe's run looked like: enough to decide, nothing of how it was run. */
export interface ProbeAnswer {
  /** The sentence of a program that could not be started (not found, not executable). */
  startError?: string
  exitCode: number | null
  stdout: string
  stderr: string
}

/** The oldest Python the lab's scripts (resources/python) are tested on. */
export const OLDEST_PYTHON = [3, 8] as const

const isOlderThan = (version: string, [major, minor]: readonly [number, number]): boolean => {
  const [m, n] = version.split('.').map((part) => Number.parseInt(part, 10))
  return (m ?? 0) < major || ((m ?? 0) === major && (n ?? 0) < minor)
}

/** What PYTHON_PROBE prints; interpreters probed by older versions of the lab printed only the first three. */
interface ProbeOutput {
  version: string
  executable: string | null
  gil: boolean
  implementation?: string
  realExecutable?: string | null
  freeThreadedBuild?: boolean
  switchInterval?: number
  pythonGil?: string | null
}

/** Why a free-threaded build had the GIL on when probed. */
function gilNoteOf(output: ProbeOutput): string | undefined {
  if (!output.freeThreadedBuild || output.gil === false) return undefined
  if (output.pythonGil === '1') return 'PYTHON_GIL=1 is set in the environment the lab starts it with, which switches the GIL back on.'
  return 'The GIL was on although PYTHON_GIL is not 1: a module imported at start-up (sitecustomize, a .pth file, an extension) that does not declare free-threading support switched it back on.'
}

function probedFacts(output: ProbeOutput): Partial<PythonInfo> {
  const gilNote = gilNoteOf(output)
  return {
    version: output.version,
    ...(output.executable ? { executable: output.executable } : {}),
    gilEnabled: output.gil,
    ...(output.implementation ? { implementation: output.implementation } : {}),
    ...(output.realExecutable ? { realExecutable: output.realExecutable } : {}),
    ...(output.freeThreadedBuild === undefined ? {} : { freeThreadedBuild: output.freeThreadedBuild }),
    ...(typeof output.switchInterval === 'number' ? { switchIntervalS: output.switchInterval } : {}),
    ...(gilNote ? { gilNote } : {}),
  }
}

/** Reads one candidate's answer to PYTHON_PROBE. */
export function readProbeAnswer(platform: NodeJS.Platform, launch: PythonLaunch, answer: ProbeAnswer): PythonInfo {
  const command = launchText(launch)
  const base = { command, launch }
  if (answer.startError !== undefined) return { ...base, found: false, reason: `${answer.startError} Install Python 3 (python.org or your package manager) to run the Python originals.` }
  const said = `${answer.stdout}\n${answer.stderr}`
  if (platform === 'win32' && (answer.exitCode === STORE_ALIAS_EXIT_CODE || /Microsoft Store/i.test(said))) {
    return {
      ...base,
      found: false,
      reason: `"${command}" is the Microsoft Store's placeholder, not an installed Python (it exited with ${answer.exitCode ?? 'an error'} and offered the Store). Install Python from python.org or the Store, or turn the alias off in Settings > Apps > Advanced app settings > App execution aliases.`,
    }
  }
  if (answer.exitCode !== 0) return { ...base, found: false, reason: `"${command}" did not run the probe (${answer.stderr.trim().split('\n').at(-1) || 'no output'}).` }
  try {
    const parsed = JSON.parse(answer.stdout.trim().split('\n').at(-1) ?? '') as ProbeOutput
    if (!parsed.version.startsWith('3.')) return { ...base, found: false, reason: `"${command}" is Python ${parsed.version}; the lab needs Python 3.` }
    if (isOlderThan(parsed.version, OLDEST_PYTHON)) {
      return { ...base, found: false, ...probedFacts(parsed), reason: `"${command}" is Python ${parsed.version}; the lab's scripts need Python ${OLDEST_PYTHON.join('.')} or newer.` }
    }
    return { ...base, found: true, ...probedFacts(parsed) }
  } catch {
    return { ...base, found: false, reason: `"${command}" printed something that is not the probe's answer.` }
  }
}

/** The system as discovery sees it; the engine passes the real one, tests another system's. */
export interface PythonSystem {
  platform: NodeJS.Platform
  env: NodeJS.ProcessEnv
  /** Runs `launch` with PYTHON_PROBE's arguments appended. */
  probe(launch: PythonLaunch, args: string[]): Promise<ProbeAnswer>
  /** Where a program name is found on PATH (an absolute path is returned when it exists). */
  findProgram(name: string): Promise<string | undefined>
  /** `xcode-select -p` exited with 0: the Command Line Tools (or Xcode) are installed. */
  commandLineToolsInstalled(): Promise<boolean>
}

export interface PythonDiscovery {
  /** The first candidate that answered as a Python 3, or, when none did, why not. */
  python: PythonInfo
  /** Every candidate considered, in order, each with its answer or the reason it was skipped. */
  candidates: PythonInfo[]
}

/**
 * Tries the candidates in order and stops at the first Python 3. On a Mac, /usr/bin/python3 is
 * run only when `xcode-select -p` says the Command Line Tools are there; and python3 along PATH
 * is tried only where it exists.
 */
export async function discoverPython(system: PythonSystem, configured?: string): Promise<PythonDiscovery> {
  const { platform } = system
  let launches = pythonCandidates({ platform, env: system.env, configured })
  if (platform === 'darwin' && !configured) {
    const existing = await Promise.all(launches.map(async (launch) => ((await system.findProgram(launch.file)) ? launch : undefined)))
    launches = existing.filter((launch) => launch !== undefined)
    if (launches.length === 0) {
      const reason = `No python3 was found on PATH (${pathEntries(platform, system.env).join(':') || 'empty'}). Install Python 3 from python.org or Homebrew (brew install python), or set its path in Settings.`
      const none: PythonInfo = { found: false, command: 'python3', launch: { file: 'python3', args: [] }, reason }
      return { python: none, candidates: [none] }
    }
  }
  let toolsInstalled: Promise<boolean> | undefined
  const candidates: PythonInfo[] = []
  for (const launch of launches) {
    const resolved = platform === 'darwin' ? await system.findProgram(launch.file) : undefined
    if (needsCommandLineToolsCheck(platform, resolved) && !(await (toolsInstalled ??= system.commandLineToolsInstalled()))) {
      candidates.push({ found: false, command: launchText(launch), launch, reason: `${COMMAND_LINE_TOOLS_REASON}.` })
      continue
    }
    const info = readProbeAnswer(platform, launch, await system.probe(launch, ['-c', PYTHON_PROBE]))
    candidates.push(info)
    if (info.found) return { python: info, candidates }
  }
  const python: PythonInfo =
    candidates.length === 1
      ? candidates[0]!
      : { found: false, command: candidates[0]!.command, launch: candidates[0]!.launch, reason: candidates.map((c) => (c.reason?.startsWith(`"${c.command}"`) ? c.reason : `${c.command}: ${c.reason}`)).join(' ') }
  return { python, candidates }
}

