import { build } from 'electron-vite'

/** Worker threads and child scripts run as built files (out/main/workers), so build before testing. */
export default async function setup(): Promise<void> {
  await build({ configFile: 'electron.vite.config.ts', logLevel: 'warn' })
}
