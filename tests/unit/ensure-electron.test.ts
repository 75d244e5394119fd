import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
// @ts-expect-error a plain JavaScript script, run by npm before electron-vite
import { binaryPathInDist, downloadFailureReason, electronInstalled, ensureElectron } from '../../scripts/ensure-electron.js'

/** A stand-in for node_modules/electron: its package.json, and optionally a downloaded binary. */
function fakeElectronPackage(binary?: { platform: string; version?: string }): string {
  const dir = mkdtempSync(join(tmpdir(), 'fake-electron-'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'electron', version: '45.5.0' }))
  if (binary) installBinary(dir, binary.platform, binary.version)
  return dir
}

function installBinary(dir: string, platform: string, version = '45.5.0'): void {
  const inDist = binaryPathInDist(platform)
  mkdirSync(dirname(join(dir, 'dist', inDist)), { recursive: true })
  writeFileSync(join(dir, 'dist', inDist), '')
  writeFileSync(join(dir, 'dist', 'version'), `v${version}`)
  writeFileSync(join(dir, 'path.txt'), inDist)
}

const quiet = (): void => {}

describe('fetching Electron before the desktop app starts', () => {
  it('knows where each system keeps the binary, as Electron’s downloader does', () => {
    expect(binaryPathInDist('linux')).toBe('electron')
    expect(binaryPathInDist('win32')).toBe('electron.exe')
    expect(binaryPathInDist('darwin')).toBe('Electron.app/Contents/MacOS/Electron')
  })

  it('counts a binary as installed only when path.txt, the version and the file agree', () => {
    const dir = fakeElectronPackage({ platform: 'darwin' })
    expect(electronInstalled({ packageDir: dir, platform: 'darwin', env: {} })).toEqual({ installed: true, binary: join(dir, 'dist', 'Electron.app/Contents/MacOS/Electron') })
    expect(electronInstalled({ packageDir: dir, platform: 'linux', env: {} }).installed).toBe(false)
    const stale = fakeElectronPackage({ platform: 'linux', version: '44.0.0' })
    expect(electronInstalled({ packageDir: stale, platform: 'linux', env: {} }).installed).toBe(false)
    expect(electronInstalled({ packageDir: fakeElectronPackage(), platform: 'linux', env: {} }).installed).toBe(false)
  })

  it('does not download when the binary is there', () => {
    const dir = fakeElectronPackage({ platform: 'linux' })
    let downloads = 0
    const result = ensureElectron({ packageDir: dir, platform: 'linux', env: {}, nodeVersion: 'v22.12.0', log: quiet, runDownloader: () => (downloads++, { status: 0, stderr: '' }) })
    expect(result).toMatchObject({ ok: true, fetched: false })
    expect(downloads).toBe(0)
  })

  it('downloads once when it is missing, then launches', () => {
    const dir = fakeElectronPackage()
    const lines: string[] = []
    const result = ensureElectron({
      packageDir: dir,
      platform: 'win32',
      env: {},
      nodeVersion: 'v22.12.0',
      log: (line: string) => lines.push(line),
      runDownloader: () => (installBinary(dir, 'win32'), { status: 0, stderr: '' }),
    })
    expect(result).toEqual({ ok: true, fetched: true, binary: join(dir, 'dist', 'electron.exe') })
    expect(lines.join('\n')).toMatch(/Fetching the Electron 45\.5\.0 binary/)
  })

  it('stops with one sentence naming the failure, the retry and the browser host', () => {
    const stderr = 'TypeError: fetch failed\n    at node:internal/deps/undici/undici:14976:13\n    at async FetchDownloader.download (file:///x.js:46:30)\n'
    expect(downloadFailureReason(stderr)).toBe('fetch failed')
    const result = ensureElectron({ packageDir: fakeElectronPackage(), platform: 'linux', env: {}, nodeVersion: 'v22.14.0', log: quiet, runDownloader: () => ({ status: 1, stderr }) })
    expect(result.ok).toBe(false)
    expect(result.message).toBe(
      'Could not download the Electron 45.5.0 binary that the desktop app runs on (fetch failed). Check the network (behind a proxy set HTTPS_PROXY and ELECTRON_GET_USE_PROXY=1; ELECTRON_MIRROR picks another download site) and run "npm start" again; meanwhile "npm run serve" shows the same app in a browser.',
    )
  })

  it('says when Node is older than Electron’s downloader supports', () => {
    const result = ensureElectron({ packageDir: fakeElectronPackage(), platform: 'linux', env: {}, nodeVersion: 'v20.20.2', log: quiet, runDownloader: () => ({ status: 1, stderr: '' }) })
    expect(result.message).toContain("Electron 45.5.0's downloader supports Node 22.12 or newer and this is Node 20.20.2")
  })

  it('a real fetch that cannot reach the download site ends with the sentence and exit status 1', () => {
    // Electron's real downloader, pointed at a closed local port. Where this system's binary is
    // already installed, ask for another system's, which is not, so the download is really tried.
    const packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'))
    const here = electronInstalled({ packageDir, platform: process.platform, env: process.env }).installed
    const platform = here ? (process.platform === 'linux' ? 'win32' : 'linux') : process.platform
    const run = spawnSync(process.execPath, ['scripts/ensure-electron.js'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, ELECTRON_MIRROR: 'http://127.0.0.1:9/', electron_config_cache: mkdtempSync(join(tmpdir(), 'electron-cache-')), ELECTRON_INSTALL_PLATFORM: platform },
    })
    expect(run.status).toBe(1)
    expect(run.stderr).toMatch(/Could not download the Electron \d+\.\d+\.\d+ binary that the desktop app runs on \(.+\)\./)
    expect(run.stderr).toContain('"npm run serve" shows the same app in a browser.')
  })

  it('runs before npm start and npm run dev', () => {
    const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }
    expect(scripts.start).toMatch(/^node scripts\/ensure-electron\.js && electron-vite preview/)
    expect(scripts.dev).toMatch(/^node scripts\/ensure-electron\.js && electron-vite dev/)
  })
})
