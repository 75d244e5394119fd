/** Loads the built engine modules (see build-engine.js) after checking that the app is built. */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ensureEngine } from './build-engine.js'
import { engineDir, labPaths, repoRoot, requireBuild } from './paths.js'

function warnIfWorkersStale() {
  const workerFile = join(labPaths.workersDir, 'compute.js')
  const builtMs = statSync(workerFile).mtimeMs
  let newest = 0
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else newest = Math.max(newest, statSync(path).mtimeMs)
    }
  }
  for (const dir of ['src/main/lab', 'src/shared']) if (existsSync(join(repoRoot, dir))) walk(join(repoRoot, dir))
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
