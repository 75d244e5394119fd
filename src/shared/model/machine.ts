/** How to start an interpreter: a program and the arguments that come before the script (py -3). */
export interface PythonLaunch {
  file: string
  args: string[]
}

export interface PythonInfo {
  found: boolean
  /** The command or path that was tried, as one would type it ("python3", "py -3"). */
  command: string
  /** The same, as a program and its leading arguments (absent in results saved by older versions). */
  launch?: PythonLaunch
  version?: string
  executable?: string
  /** False on a free-threaded build with the GIL switched off. */
  gilEnabled?: boolean
  /** "cpython", "pypy"… (absent in results saved by older versions). */
  implementation?: string
  /** Built with Py_GIL_DISABLED: threads can run Python code in parallel unless the GIL is switched back on. */
  freeThreadedBuild?: boolean
  /** sys.getswitchinterval(): how long a thread may hold the GIL before it is asked to let another run. */
  switchIntervalS?: number
  /** The interpreter's own file, links resolved: two commands for one interpreter share it. */
  realExecutable?: string
  /** Why a free-threaded build has the GIL on, when it does. */
  gilNote?: string
  /** Where discovery found it (each way it is reached), as "PATH: /usr/bin/python3". */
  foundAt?: InterpreterPlace[]
  /** Why it was not found, in words. */
  reason?: string
}

export interface InterpreterPlace {
  /** "PATH", "pyenv", "uv", "Homebrew", "python.org", "py launcher", "added by you". */
  source: string
  path: string
}

/** Every Python discovery found on this machine, the usable ones first, each probed once. */
export interface InterpreterList {
  interpreters: PythonInfo[]
  /** The places looked in, as "pyenv: /home/me/.pyenv/versions". */
  searched: string[]
  /** How long looking and probing took. */
  tookMs: number
}

export interface MachineInfo {
  cpuModel: string
  logicalCores: number
  totalMemoryBytes: number
  os: { platform: string; release: string; arch: string }
  loadAverage: [number, number, number]
  runtimes: { node: string; v8: string; electron?: string; chrome?: string }
  /** The Python that runs use: the first candidate that answered as a Python 3. */
  python: PythonInfo
  /** Every Python considered, in the order tried, each with its answer or why it was skipped. */
  pythonCandidates?: PythonInfo[]
  /** The interpreters chosen to run beside `python` in the Threads and Races experiments, each probed (absent: none). */
  pythonsSideBySide?: PythonInfo[]
  /** Which face serves the engine. */
  host: 'electron' | 'browser' | 'cli'
}
