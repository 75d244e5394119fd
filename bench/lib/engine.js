/** Loads the built engine modules (see build-engine.js) after checking that the app is built. */
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ensureEngine, newestSourceMs } from './build-engine.js'
import { engineDir, labPaths, repoRoot, requireBuild } from './paths.js'

function warnIfWorkersStale() {
  const builtMs = statSync(join(labPaths.workersDir, 'compute.js')).mtimeMs
  const newest = newestSourceMs(['src/main/lab', 'src/shared'].map((dir) => join(repoRoot, dir)))
  if (newest > builtMs) console.warn(`Note: ${labPaths.workersDir} is older than the engine's sources; rebuild (npx electron-vite build) so the worker threads match the engine measured.`)
}

/** import()s the named bench-engine modules: { 'run-child': module, … }. */
export async function loadEngine(...names) {
  requireBuild()
  ensureEngine()
  warnIfWorkersStale()
  const modules = await Promise.all(names.map((name) => import(pathToFileURL(join(engineDir, `${name}.js`)).href)))
  return Object.fromEntries(names.map((name, i) => [name, modules[i]]))
}
