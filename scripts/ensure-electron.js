#!/usr/bin/env node
// Runs before `npm start` and `npm run dev`. Electron 42+ installs no binary with `npm install`:
// its own downloader fetches it on first use, and electron-vite reads node_modules/electron/path.txt,
// which only that download writes. So fetch it here, once, with Electron's downloader, and when
// that fails say in one sentence what failed and what to do instead of electron-vite's "Electron uninstall".
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The oldest Node that Electron's package (and so its downloader) declares it supports. */
export const ELECTRON_NODE_MINIMUM = [22, 12]

/** Where Electron's downloader puts the binary for `platform`, relative to the package's dist/ (as its install.js decides). */
export function binaryPathInDist(platform) {
  if (platform === 'darwin' || platform === 'mas') return 'Electron.app/Contents/MacOS/Electron'
  if (platform === 'win32') return 'electron.exe'
  return 'electron'
}

/**
 * Whether the Electron binary for `platform` is in the package folder, by the same rules as
 * Electron's install.js: path.txt names it, dist/version matches the package, and the file exists.
 */
export function electronInstalled({ packageDir, platform, env }) {
  const expected = binaryPathInDist(platform)
  try {
    const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'))
    if (readFileSync(join(packageDir, 'dist', 'version'), 'utf8').trim().replace(/^v/, '') !== version) return { installed: false }
    if (readFileSync(join(packageDir, 'path.txt'), 'utf8').trim() !== expected) return { installed: false }
  } catch {
    return { installed: false }
  }
  const binary = env.ELECTRON_OVERRIDE_DIST_PATH ? join(env.ELECTRON_OVERRIDE_DIST_PATH, expected) : join(packageDir, 'dist', expected)
  return existsSync(binary) ? { installed: true, binary } : { installed: false }
}

function nodeIsOlderThan([major, minor], nodeVersion) {
  const [haveMajor, haveMinor] = nodeVersion.replace(/^v/, '').split('.').map(Number)
  return haveMajor < major || (haveMajor === major && haveMinor < minor)
}

/** The last meaningful line of the downloader's error output: usually the network error itself. */
export function downloadFailureReason(stderr) {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('at ') && !line.startsWith('Node.js v'))
  const error = lines.find((line) => /error/i.test(line)) ?? lines.at(-1)
  return error ? error.replace(/^\w*Error:\s*/, '').slice(0, 240) : undefined
}

/** The one sentence a user reads when the binary could not be fetched. */
export function fetchFailedSentence({ version, reason, nodeVersion }) {
  const why = reason ? ` (${reason.replace(/[.\s]+$/, '')})` : ''
  const oldNode = nodeIsOlderThan(ELECTRON_NODE_MINIMUM, nodeVersion)
    ? ` Electron ${version}'s downloader supports Node ${ELECTRON_NODE_MINIMUM.join('.')} or newer and this is Node ${nodeVersion.replace(/^v/, '')}: use a newer Node for the desktop app.`
    : ''
  return (
    `Could not download the Electron ${version} binary that the desktop app runs on${why}.${oldNode} ` +
    'Check the network (behind a proxy set HTTPS_PROXY and ELECTRON_GET_USE_PROXY=1; ELECTRON_MIRROR picks another download site) and run "npm start" again; ' +
    'meanwhile "npm run serve" shows the same app in a browser.'
  )
}

/**
 * Makes sure the binary is there, fetching it with Electron's own downloader when it is not.
 * `runDownloader` returns { status, stderr }; the defaults run node_modules/electron/install.js.
 */
export function ensureElectron({ packageDir, platform, env, nodeVersion, runDownloader, log }) {
  const before = electronInstalled({ packageDir, platform, env })
  if (before.installed) return { ok: true, binary: before.binary, fetched: false }
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'))
  log(`Fetching the Electron ${version} binary for this system (once; about 100 MB)…`)
  const { status, stderr } = runDownloader()
  const after = electronInstalled({ packageDir, platform, env })
  if (status === 0 && after.installed) return { ok: true, binary: after.binary, fetched: true }
  return { ok: false, message: fetchFailedSentence({ version, reason: downloadFailureReason(stderr ?? ''), nodeVersion }) }
}

function main() {
  const require = createRequire(import.meta.url)
  const packageDir = dirname(require.resolve('electron/package.json'))
  const platform = process.env.ELECTRON_INSTALL_PLATFORM || process.env.npm_config_platform || process.platform
  const result = ensureElectron({
    packageDir,
    platform,
    env: process.env,
    nodeVersion: process.version,
    log: (line) => process.stderr.write(`${line}\n`),
    runDownloader: () => {
      const run = spawnSync(process.execPath, [join(packageDir, 'install.js')], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8', timeout: 15 * 60_000 })
      return { status: run.status, stderr: run.error ? run.error.message : run.stderr }
    },
  })
  if (!result.ok) {
    process.stderr.write(`\n${result.message}\n`)
    process.exit(1)
  }
  if (result.fetched) process.stderr.write(`Electron is ready: ${result.binary}\n`)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main()
