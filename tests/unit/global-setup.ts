import { spawnSync } from 'node:child_process'
import { build } from 'electron-vite'

/**
 * Worker threads and child scripts run as built files (out/main/workers), so build before testing;
 * the vfork addon too, where it can be built (it prints one line where it cannot).
 */
export default async function setup(): Promise<void> {
  await build({ configFile: 'electron.vite.config.ts', logLevel: 'warn' })
  const native = spawnSync(process.execPath, ['scripts/build-native.js'], { stdio: ['ignore', 'inherit', 'inherit'] })
  if (native.status !== 0) throw new Error(`scripts/build-native.js failed (exit ${native.status ?? native.signal}).`)
}
