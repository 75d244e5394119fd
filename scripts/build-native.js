#!/usr/bin/env node
/**
 * Builds the lab's vfork addon (src/native/lab-spawn.c) into
 * resources/native/lab-spawn-<platform>-<arch>.node, where the engine looks for it
 * (src/main/lab/processes/native-spawn-addon.ts) and electron-builder ships it unpacked.
 *
 * Linux only: macOS's libuv already starts children with posix_spawn, and Windows has no fork to
 * avoid. It needs a C compiler (CC, or cc) and Node-API headers (the node-api-headers package, or
 * the include folder of the Node that runs this, or /usr/include/node). Without them it prints one
 * line saying what it skipped and exits 0: the lab then starts children the Node way.
 *
 *   node scripts/build-native.js            build when possible
 *   node scripts/build-native.js --strict   exit 1 when it cannot build (CI on Linux)
 *   node scripts/build-native.js --print-target   print the path it builds, and nothing else
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const source = join(root, 'src', 'native', 'lab-spawn.c')
const target = join(root, 'resources', 'native', `lab-spawn-${process.platform}-${process.arch}.node`)
const strict = process.argv.includes('--strict')

function skip(reason) {
  console.log(`build-native: skipped the vfork addon: ${reason} The lab will start children the Node way.`)
  process.exit(strict ? 1 : 0)
}

function nodeApiHeaders() {
  try {
    const require = createRequire(join(root, 'package.json'))
    const dir = require('node-api-headers').include_dir
    if (dir && existsSync(join(dir, 'node_api.h'))) return dir
  } catch {
    // not installed: look for the headers of an installed Node
  }
  const candidates = [resolve(dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node', '/usr/local/include/node']
  return candidates.find((dir) => existsSync(join(dir, 'node_api.h')))
}

if (process.argv.includes('--print-target')) {
  console.log(target)
  process.exit(0)
}
if (process.platform !== 'linux') skip(`it is for Linux only (this is ${process.platform}).`)
if (existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs) {
  console.log(`build-native: ${target} is up to date.`)
  process.exit(0)
}
const compiler = process.env.CC || 'cc'
if (spawnSync(compiler, ['--version'], { stdio: 'ignore' }).status !== 0) skip(`no C compiler ("${compiler}") was found; install one (apt-get install gcc) or set CC.`)
const headers = nodeApiHeaders()
if (!headers) skip('no Node-API headers (node_api.h) were found; install the node-api-headers package or the Node development headers.')

mkdirSync(dirname(target), { recursive: true })
const partial = `${target}.partial`
const args = ['-std=gnu11', '-O2', '-Wall', '-Wextra', '-shared', '-fPIC', '-fvisibility=hidden', `-I${headers}`, '-o', partial, source, '-lpthread']
const result = spawnSync(compiler, args, { stdio: ['ignore', 'inherit', 'inherit'] })
if (result.status !== 0) skip(`${compiler} could not compile ${source} (exit ${result.status ?? result.signal}; its messages are above).`)
renameSync(partial, target)
console.log(`build-native: built ${target}.`)
