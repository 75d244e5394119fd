/**
 * Bundles the engine modules the benches call (runChild, WorkerPool, createLab, the HTTP host…)
 * from src into node_modules/.cache/concurrency-lab-bench/<out>/engine, the same way electron-vite builds the main process (vite +
 * rolldown, ES modules, dependencies left to node_modules). The app's own build keeps these
 * modules inside hashed chunks without their names, so the benches cannot import them from there;
 * the worker threads and the renderer they use are the app's build itself (<out>/main/workers, <out>/renderer).
 *
 * Run as a script (node bench/lib/build-engine.js), or call ensureEngine(): it builds in a child
 * process, so the bench's own process does not grow by the bundler's memory.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { engineDir, repoRoot } from './paths.js'

export const engineEntries = {
  'run-child': 'src/main/lab/processes/run-child.ts',
  'spawner-helpers': 'src/main/lab/processes/spawner-helpers.ts',
  'native-addon': 'src/main/lab/processes/native-addon.ts',
  'native-child': 'src/main/lab/processes/native-child.ts',
  limit: 'src/main/lab/processes/limit.ts',
  'worker-pool': 'src/main/lab/pool/worker-pool.ts',
  'run-all': 'src/main/lab/pool/run-all.ts',
  lab: 'src/main/lab/lab.ts',
  'lab-thread': 'src/main/lab/thread/lab-thread.ts',
  'relay-heap': 'src/main/lab/thread/relay-heap.ts',
  'http-host': 'src/cli/serve/http-host.ts',
  catalog: 'src/shared/experiments/catalog.ts',
  factorize: 'src/shared/factorize.ts',
}

const stampFile = join(engineDir, 'built-at.json')
const sourceRoots = ['src/main/lab', 'src/shared', 'src/cli'].map((dir) => join(repoRoot, dir))

/** The newest modification time of any file below these folders of the checkout. */
export function newestSourceMs(roots = sourceRoots) {
  let newest = 0
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else newest = Math.max(newest, statSync(path).mtimeMs)
    }
  }
  roots.filter(existsSync).forEach(walk)
  return newest
}

export function engineIsFresh() {
  if (!existsSync(stampFile)) return false
  const builtMs = statSync(stampFile).mtimeMs
  // an entry added since (or this file changed) needs a build as much as a newer source does
  const entriesBuilt = Object.keys(engineEntries).every((name) => existsSync(join(engineDir, `${name}.js`)))
  return entriesBuilt && builtMs >= statSync(fileURLToPath(import.meta.url)).mtimeMs && builtMs >= newestSourceMs()
}

export async function buildEngine() {
  const { build } = await import('vite')
  await build({
    root: repoRoot,
    configFile: false,
    logLevel: 'warn',
    build: {
      ssr: true,
      target: 'node20',
      outDir: engineDir,
      emptyOutDir: true,
      minify: false,
      reportCompressedSize: false,
      rolldownOptions: {
        input: Object.fromEntries(Object.entries(engineEntries).map(([name, file]) => [name, join(repoRoot, file)])),
        output: { format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  })
  writeFileSync(stampFile, JSON.stringify({ builtAt: new Date().toISOString() }))
}

/** Builds the bench engine unless it is newer than every engine source file. */
export function ensureEngine({ force = false } = {}) {
  if (!force && engineIsFresh()) return
  const result = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] })
  if (result.status !== 0) throw new Error(`Building the bench engine from src failed (exit ${result.status ?? result.signal}); see the messages above.`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildEngine()
}
