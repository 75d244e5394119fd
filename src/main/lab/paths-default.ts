import { homedir } from 'node:os'
import path, { type PlatformPath } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LabPaths } from './paths'

/**
 * Where the engine's files are, for the folder of the built entry (out/main, where Electron's main
 * and the CLI sit beside workers/):
 * - development and the CLI: `<root>/out/main/workers` and `<root>/resources`;
 * - the packaged app, whose entry runs from `<resourcesPath>/app.asar/out/main`: the same relative
 *   paths under `<resourcesPath>/app.asar.unpacked`, because worker threads, child scripts and the
 *   Python scripts must be real files (electron-builder.yml unpacks them with asarUnpack);
 * - a packaged app built without asar (`<resourcesPath>/app/out/main`): the development layout.
 */
export function labPathsFor(layout: { entryDir: string; packagedResourcesPath?: string }, paths: PlatformPath = path): LabPaths {
  const developmentLayout = (entryDir: string): LabPaths => ({
    workersDir: paths.join(entryDir, 'workers'),
    resourcesDir: paths.resolve(entryDir, '..', '..', 'resources'),
  })
  if (layout.packagedResourcesPath === undefined) return developmentLayout(layout.entryDir)
  const asarRoot = paths.join(layout.packagedResourcesPath, 'app.asar')
  const inside = paths.relative(asarRoot, layout.entryDir)
  if (inside === '..' || inside.startsWith(`..${paths.sep}`) || paths.isAbsolute(inside)) return developmentLayout(layout.entryDir)
  return developmentLayout(paths.join(`${asarRoot}.unpacked`, inside))
}

/** The paths for a built entry file (`import.meta.url`); pass Electron's `process.resourcesPath` when the app is packaged. */
export function builtLabPaths(entryUrl: string, packagedResourcesPath?: string): LabPaths {
  return labPathsFor({ entryDir: path.dirname(fileURLToPath(entryUrl)), packagedResourcesPath })
}

/** Where the command line and the browser host keep results unless told otherwise. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CONCURRENCY_LAB_DATA) return env.CONCURRENCY_LAB_DATA
  if (process.platform === 'win32') return path.join(env.APPDATA ?? path.join(homedir(), 'AppData', 'Roaming'), 'concurrency-lab')
  if (process.platform === 'darwin') return path.join(homedir(), 'Library', 'Application Support', 'concurrency-lab')
  return path.join(env.XDG_DATA_HOME ?? path.join(homedir(), '.local', 'share'), 'concurrency-lab')
}
