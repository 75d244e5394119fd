/** Electron's version and its Chromium's, when the engine runs inside the desktop app. */
export interface ElectronVersions {
  electron: string
  chrome: string
}

/** What the desktop app's Electron says of itself: nothing under plain Node (the command line, serve, the tests). */
export interface HostRuntime {
  /** Children that run the app's own binary as Node need ELECTRON_RUN_AS_NODE under Electron. */
  electron?: ElectronVersions
  /** The packaged app's resources folder (Electron's process.resourcesPath), where files beside app.asar are. */
  resourcesPath?: string
}

let told: HostRuntime | undefined

/**
 * The host's Electron facts. Electron adds them to the `process` of the environments it creates
 * itself; the engine's thread is one Node creates, so the main thread tells it (tellHostRuntime)
 * rather than it guessing.
 */
export function hostRuntime(): HostRuntime {
  return told ?? runtimeOf(process as ProcessFacts)
}

/** What a `process` says: Electron's adds its versions and, in its main process, resourcesPath. */
export interface ProcessFacts {
  versions: Partial<Record<string, string>>
  resourcesPath?: string
}

export function runtimeOf({ versions, resourcesPath }: ProcessFacts): HostRuntime {
  const { electron, chrome } = versions
  return { ...(electron ? { electron: { electron, chrome: chrome ?? 'unknown' } } : {}), ...(resourcesPath ? { resourcesPath } : {}) }
}

export const electronVersions = (): ElectronVersions | undefined => hostRuntime().electron

export function tellHostRuntime(runtime: HostRuntime | undefined): void {
  told = runtime
}
