export interface PythonInfo {
  found: boolean
  /** The command or path that was tried. */
  command: string
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
  python: PythonInfo
  /** Which face serves the engine. */
  host: 'electron' | 'browser' | 'cli'
}
