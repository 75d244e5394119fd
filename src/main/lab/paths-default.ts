import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LabPaths } from './paths'

/**
 * Paths for the built layout, where every entry (Electron main, CLI) sits in out/main beside
 * workers/, and resources/ sits at the project root (or beside the asar, unpacked, when packaged).
 */
export function builtLabPaths(entryUrl: string, resourcesRoot?: string): LabPaths {
  const entryDir = dirname(fileURLToPath(entryUrl))
  return {
    workersDir: join(entryDir, 'workers'),
    resourcesDir: resourcesRoot ?? resolve(entryDir, '..', '..', 'resources'),
  }
}

/** Where the command line and the browser host keep results unless told otherwise. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CONCURRENCY_LAB_DATA) return env.CONCURRENCY_LAB_DATA
  if (process.platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'concurrency-lab')
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'concurrency-lab')
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'concurrency-lab')
}
