import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

/**
 * Test files that start no process or thread and time nothing: they run side by side, first.
 * Every other file (and any new one, until it is listed here) runs alone afterwards, since real
 * processes and threads measured at once would disturb each other.
 */
const startsNothing = [
  'app-menu', 'blocking-io', 'chapter-report', 'chapter-time-left', 'compare', 'comparison-kinds', 'complete-result',
  'create-bridge', 'desktop-main', 'explain', 'exporters', 'factorize-summary', 'fifo-queue', 'find-program', 'headless-chart',
  'held-open', 'interleave', 'interpreters-side-by-side', 'lab-paths', 'lanes-exports', 'layering-lint', 'menu-commands',
  'palette-colour-vision', 'panel-format', 'pipeline-summary', 'preload-build', 'process-tree', 'python-discovery',
  'race-stepper', 'race-summary', 'race-trace-export', 'race-trace', 'record-trials', 'result-schema-property', 'result-schema',
  'result-views', 'run-state', 'save-export', 'speedup-evidence', 'summary', 'timeout-platform', 'units', 'use-run', 'warnings',
  'window-state', 'window', 'worker-lanes', 'workflows',
].map((name) => `tests/unit/${name}.test.ts`)

export default defineConfig({
  // the result page's components are mounted in one test (result-views.test.ts)
  plugins: [vue()],
  test: {
    environment: 'node',
    globalSetup: ['tests/unit/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'logic', include: startsNothing, sequence: { groupOrder: 0 } } },
      {
        extends: true,
        test: { name: 'processes', include: ['tests/unit/**/*.test.ts'], exclude: startsNothing, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
})
