import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // the result page's components are mounted in one test (result-views.test.ts)
  plugins: [vue()],
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['tests/unit/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // real processes and threads: run files one after another so measurements do not disturb each other
    fileParallelism: false,
  },
})
