#!/usr/bin/env node
// The command line runs the built engine (out/main/cli.js), the same code as the desktop app.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const cli = join(root, 'out', 'main', 'cli.js')
if (!existsSync(cli)) {
  process.stderr.write(`Concurrency Lab is not built yet (${cli} is missing). Run "npm run build" in ${root} first.\n`)
  process.exit(1)
}
await import(pathToFileURL(cli).href)
