import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

/** Every `src/main/lab/workers/<name>.worker.ts` becomes `out/main/workers/<name>.js` (worker threads and child scripts). */
const workersDir = resolve('src/main/lab/workers')
const workerEntries = Object.fromEntries(
  (existsSync(workersDir) ? readdirSync(workersDir) : [])
    .filter((file) => file.endsWith('.worker.ts'))
    .map((file) => [`workers/${file.replace(/\.worker\.ts$/, '')}`, resolve(workersDir, file)]),
)

/**
 * The runtime packages bundled into the build, with their own dependencies: every one but those that
 * load a native file, which stay packages of their own (electron-builder.yml unpacks them).
 */
const NATIVE_PACKAGES = ['@napi-rs/canvas']
const bundledPackages = Object.keys((JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {}).filter((name) => !NATIVE_PACKAGES.includes(name))

/** Parallel work trees of the same checkout can build apart: CONCURRENCY_LAB_OUT=out-mine. */
const outRoot = process.env.CONCURRENCY_LAB_OUT ?? 'out'

export default defineConfig({
  main: {
    build: {
      outDir: `${outRoot}/main`,
      // The pure-JavaScript packages are bundled: the engine runs in worker threads from app.asar.unpacked, and
      // electron-builder's collection of a package's dependencies depends on npm's view of node_modules (it left
      // execa's out once the hidden lockfile went stale).
      externalizeDeps: { exclude: bundledPackages },
      rolldownOptions: {
        input: {
          // The Electron main process and the command line share one engine build.
          index: resolve('src/main/index.ts'),
          cli: resolve('src/cli/index.ts'),
          ...workerEntries,
        },
      },
    },
  },
  preload: {
    build: {
      outDir: `${outRoot}/preload`,
      // A sandboxed renderer loads only a single CommonJS preload: bundle everything but electron.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve('src/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    base: './',
    plugins: [vue()],
    build: {
      outDir: resolve(`${outRoot}/renderer`),
      minify: true,
      rolldownOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
})
