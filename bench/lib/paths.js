import { existsSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The checkout the benches belong to. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** The build the benches measure: CONCURRENCY_LAB_OUT (as the build and the tests honour it), or out/. */
export const outDir = resolve(repoRoot, process.env.CONCURRENCY_LAB_OUT ?? 'out')

export const labPaths = {
  workersDir: join(outDir, 'main', 'workers'),
  resourcesDir: join(repoRoot, 'resources'),
}
export const rendererDir = join(outDir, 'renderer')
/**
 * The engine modules the benches import, bundled from src by bench/lib/build-engine.js: kept out
 * of the build folder, whose out/** electron-builder packs into the app, and apart per build folder.
 */
export const engineDir = join(repoRoot, 'node_modules', '.cache', 'concurrency-lab-bench', basename(outDir), 'engine')
export const benchWorkersDir = join(repoRoot, 'bench', 'workers')

/** Throws (a bench error, exit code 1) when the app has not been built into outDir. */
export function requireBuild() {
  const needed = [join(labPaths.workersDir, 'compute.js'), join(rendererDir, 'index.html')]
  const missing = needed.filter((file) => !existsSync(file))
  if (missing.length > 0) {
    const variable = process.env.CONCURRENCY_LAB_OUT ? `CONCURRENCY_LAB_OUT=${process.env.CONCURRENCY_LAB_OUT} ` : ''
    throw new Error(`The benches measure the built app, but ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing. Build first: ${variable}npx electron-vite build`)
  }
}
