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
  /** Why it was not found, in words. */
  reason?: string
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
  /** Which face serves the engine. */
  host: 'electron' | 'browser' | 'cli'
}
