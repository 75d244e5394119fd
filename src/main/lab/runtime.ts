/** Electron's version and its Chromium's, when the engine runs inside the desktop app. */
export interface ElectronVersions {
  electron: string
  chrome: string
}

let told: ElectronVersions | undefined

/**
 * The desktop app's Electron, or undefined under plain Node (the command line, serve, the tests):
 * children that run the app's own binary as Node need ELECTRON_RUN_AS_NODE under Electron.
 * Electron adds its versions to the environments it creates itself; the engine's thread is one
 * Node creates, so the main thread tells it (tellElectronVersions) rather than it guessing.
 */
export function electronVersions(): ElectronVersions | undefined {
  if (told) return told
  const { electron, chrome } = process.versions as NodeJS.ProcessVersions & { electron?: string; chrome?: string }
  return electron ? { electron, chrome: chrome ?? 'unknown' } : undefined
}

export function tellElectronVersions(versions: ElectronVersions | undefined): void {
  told = versions
}
