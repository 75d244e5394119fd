import yaml from 'js-yaml'
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { isBuiltin } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, posix, relative, resolve } from 'node:path'
import asar from '@electron/asar'
import { Arch, build, Platform } from 'electron-builder'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLab, type Lab } from '../../src/main/lab/lab'
import { packagedCanvasBinary } from '../../src/main/lab/charts/headless-chart'
import { labPathsFor } from '../../src/main/lab/paths-default'
import { startLabThread } from '../../src/main/lab/thread/lab-thread'
import { tellHostRuntime } from '../../src/main/lab/runtime'
import { runResult } from './helpers/run-experiment'

/**
 * Packs the app with the real electron-builder.yml (`--dir`, the unpacked app) and checks the
 * layout a user's machine gets: what is inside app.asar, what is a real file beside it, and that
 * the engine, given the packaged paths, runs its worker threads, child scripts and Python scripts
 * from there.
 *
 * The Electron binary cannot be downloaded here, so electronDist points at a minimal fake Linux
 * distribution made below: electron-builder only copies that folder, renames `electron` to the
 * executable name and writes resources/app.asar beside it. Fuses are off for this build only:
 * flipping them rewrites a sentinel inside the real Electron binary, which the fake one does not
 * have. Nothing here needs the network.
 */

const root = resolve('.')
const builtOut = resolve(process.env.CONCURRENCY_LAB_OUT ?? 'out')
const work = mkdtempSync(join(tmpdir(), 'concurrency-lab-pack-'))
const stage = join(work, 'project')
const fakeElectron = join(work, 'electron-dist')
const distDir = join(work, 'dist')
const appOutDir = join(distDir, 'linux-unpacked')
const resourcesPath = join(appOutDir, 'resources')
const archive = join(resourcesPath, 'app.asar')
const unpackedRoot = `${archive}.unpacked`

/** A project folder like the checkout, with this test's build as out/ (CONCURRENCY_LAB_OUT builds apart). */
function stageProject(): void {
  mkdirSync(stage, { recursive: true })
  for (const file of ['package.json', 'package-lock.json', 'electron-builder.yml']) cpSync(join(root, file), join(stage, file))
  for (const folder of ['build', 'resources']) cpSync(join(root, folder), join(stage, folder), { recursive: true })
  cpSync(builtOut, join(stage, 'out'), { recursive: true })
  // what running the Python scripts on a developer's machine leaves behind, which must not ship
  // (electron-builder's default ignore list leaves __pycache__ out; this keeps it checked)
  mkdirSync(join(stage, 'resources', 'python', '__pycache__'), { recursive: true })
  writeFileSync(join(stage, 'resources', 'python', '__pycache__', 'threads.cpython-311.pyc'), '')
  // production dependencies (and Electron's version) are read from here
  symlinkSync(join(root, 'node_modules'), join(stage, 'node_modules'), 'junction')
}

/** What electron-builder needs of a Linux Electron distribution to lay out the app around it. */
function fakeElectronDist(): void {
  mkdirSync(join(fakeElectron, 'resources'), { recursive: true })
  mkdirSync(join(fakeElectron, 'locales'), { recursive: true })
  writeFileSync(join(fakeElectron, 'electron'), '#!/bin/sh\necho "a stand-in for Electron, for packaging tests"\n')
  chmodSync(join(fakeElectron, 'electron'), 0o755)
  writeFileSync(join(fakeElectron, 'locales', 'en-US.pak'), '')
  writeFileSync(join(fakeElectron, 'LICENSE'), 'stand-in')
}

const filesIn = (dir: string, extension: string): string[] => (existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith(extension)).sort() : [])
const entryOf = (path: string): ReturnType<typeof asar.statFile> | undefined => {
  try {
    return asar.statFile(archive, path)
  } catch {
    return undefined
  }
}
const isUnpacked = (path: string): boolean => (entryOf(path) as { unpacked?: boolean } | undefined)?.unpacked === true

/** The module specifiers a built file imports (static imports, re-exports, dynamic imports of literals). */
function importsOf(source: string): string[] {
  const pattern = /(?:^|[;\s])(?:import|export)\s*(?:[\w*{},\s$]+?\s*from\s*)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/gm
  return [...source.matchAll(pattern)].map((match) => match[1] ?? match[2]!)
}

let packMs = 0

beforeAll(async () => {
  stageProject()
  fakeElectronDist()
  const started = performance.now()
  await build({
    projectDir: stage,
    targets: Platform.LINUX.createTarget('dir', Arch.x64),
    publish: 'never',
    config: { electronDist: fakeElectron, electronFuses: null, directories: { output: distDir } },
  })
  packMs = performance.now() - started
}, 120_000)

afterAll(() => {
  asar.uncacheAll()
  rmSync(work, { recursive: true, force: true })
})

describe('the packaged app (electron-builder --dir)', () => {
  it('is laid out around the Electron binary, renamed', () => {
    expect(existsSync(join(appOutDir, 'concurrency-lab'))).toBe(true)
    expect(existsSync(archive)).toBe(true)
    console.log(`electron-builder --dir took ${(packMs / 1000).toFixed(1)} s`)
  })

  it('holds the main process, the preload, the renderer and package.json in app.asar', () => {
    const pkg = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) as Record<string, unknown>
    // productName names the app and its user-data folder
    expect(pkg).toMatchObject({ main: 'out/main/index.js', type: 'module', productName: 'Concurrency Lab' })
    for (const path of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']) expect(entryOf(path), path).toBeDefined()
    // every script and stylesheet the page loads
    const html = asar.extractFile(archive, 'out/renderer/index.html').toString('utf8')
    const assets = [...html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((match) => match[1]!)
    expect(assets.length).toBeGreaterThanOrEqual(2)
    for (const asset of assets) expect(entryOf(posix.join('out/renderer', asset)), asset).toBeDefined()
  })

  it('carries the production dependencies the main process imports, and nothing of the sources', () => {
    const listing = asar.listPackage(archive, { isPack: false }).map((path) => path.replace(/\\/g, '/').replace(/^\//, ''))
    const main = asar.extractFile(archive, 'out/main/index.js').toString('utf8')
    const chunks = listing.filter((path) => /^out\/main\/chunks\/[^/]+\.js$/.test(path)).map((path) => asar.extractFile(archive, path).toString('utf8'))
    const bare = new Set([main, ...chunks].flatMap(importsOf).filter((spec) => !spec.startsWith('.') && !isBuiltin(spec) && spec !== 'electron'))
    // the pure-JavaScript packages are in the build itself (electron.vite.config.ts), execa among them: one of the
    // launchers the lab measures, whose own words are in the engine's code
    const runtimePackages = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies)
    const bundled = runtimePackages.filter((name) => name !== '@napi-rs/canvas')
    expect(bundled).toEqual(expect.arrayContaining(['execa', 'zod']))
    for (const name of bundled) expect(bare.has(name), `${name} is bundled, not imported`).toBe(false)
    expect(chunks.some((text) => text.includes('Command failed with ${'))).toBe(true)
    for (const spec of bare) {
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!
      expect(entryOf(`node_modules/${name}/package.json`), `dependency ${name}`).toBeDefined()
    }
    for (const devOnly of ['electron', 'vue', 'chart.js', 'vitest', 'electron-builder']) expect(entryOf(`node_modules/${devOnly}/package.json`), devOnly).toBeUndefined()
    expect(listing.filter((path) => /^(src|tests|docs|scripts|build|bench)\//.test(path))).toEqual([])
    // nor the dependencies' sources, source maps and tests
    expect(listing.filter((path) => /\.(ts|map)$/.test(path) || /\/(tests?|__tests__)\//.test(path))).toEqual([])
  })

  it('unpacks every worker, every Python script and the vfork addon as a real file, byte for byte', () => {
    const workers = filesIn(join(builtOut, 'main', 'workers'), '.js')
    const scripts = filesIn(join(root, 'resources', 'python'), '.py')
    // the vfork addon, where this machine could build it (Linux with a C compiler): a shared object must be a real file
    const addons = filesIn(join(root, 'resources', 'native'), '.node')
    expect(workers.length).toBeGreaterThan(0)
    expect(scripts.length).toBeGreaterThan(0)
    const expected: [inArchive: string, built: string][] = [
      ...workers.map((name): [string, string] => [`out/main/workers/${name}`, join(builtOut, 'main', 'workers', name)]),
      ...scripts.map((name): [string, string] => [`resources/python/${name}`, join(root, 'resources', 'python', name)]),
      ...addons.map((name): [string, string] => [`resources/native/${name}`, join(root, 'resources', 'native', name)]),
    ]
    for (const [path, source] of expected) {
      expect(isUnpacked(path), `${path} is marked unpacked in app.asar`).toBe(true)
      expect(readFileSync(join(unpackedRoot, path)).equals(readFileSync(source)), `${path} is a real file with the built content`).toBe(true)
    }
  })

  it("carries the chart-drawing binary for this platform as a real file beside the app, where the engine finds it (@napi-rs/canvas's .node)", () => {
    const found = packagedCanvasBinary(resourcesPath, process.platform, process.arch)
    expect(found, 'resources/canvas/canvas-<platform>-<arch>/*.node').toBeDefined()
    const name = found!.split(/[\\/]/).at(-1)!
    const source = readdirSync(join(root, 'node_modules', '@napi-rs')).map((pkg) => join(root, 'node_modules', '@napi-rs', pkg, name)).find((path) => existsSync(path))
    expect(readFileSync(found!).equals(readFileSync(source!)), 'the binary is copied byte for byte').toBe(true)
  })

  it('ships no compiled Python (__pycache__), neither unpacked nor in the archive', () => {
    expect(existsSync(join(unpackedRoot, 'resources', 'python', '__pycache__'))).toBe(false)
    expect(asar.listPackage(archive, { isPack: false }).filter((path) => /__pycache__|\.pyc$/.test(path))).toEqual([])
  })

  it('lets the unpacked workers load: ES modules whose imports are all unpacked files, unpacked packages or Node built-ins', () => {
    // Node decides that a .js file is an ES module from the nearest package.json above it
    expect(JSON.parse(readFileSync(join(unpackedRoot, 'package.json'), 'utf8'))).toMatchObject({ type: 'module' })
    const seen = new Set<string>()
    /**
     * A package: Node finds it in app.asar.unpacked/node_modules (or nested in the package that needs
     * it) only if it was unpacked (asarUnpack); and so, in turn, the packages it depends on.
     */
    const visitPackage = (name: string, modulesDir: string, importer: string): void => {
      const nested = join(modulesDir, name, 'package.json')
      const manifest = existsSync(nested) ? nested : join(unpackedRoot, 'node_modules', name, 'package.json')
      const inArchive = relative(unpackedRoot, manifest).replace(/\\/g, '/')
      expect(existsSync(manifest) && isUnpacked(inArchive), `${importer} imports "${name}", which cannot be found from app.asar.unpacked: add node_modules/${name}/** to asarUnpack`).toBe(true)
      if (seen.has(manifest)) return
      seen.add(manifest)
      const { dependencies = {} } = JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string> }
      for (const dependency of Object.keys(dependencies)) visitPackage(dependency, join(dirname(manifest), 'node_modules'), name)
    }
    const visit = (file: string): void => {
      if (seen.has(file)) return
      seen.add(file)
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.')) {
          const target = resolve(dirname(file), spec)
          const inArchive = relative(unpackedRoot, target).replace(/\\/g, '/')
          expect(existsSync(target) && isUnpacked(inArchive), `${relative(unpackedRoot, file)} imports ${spec}, which must be unpacked too`).toBe(true)
          visit(target)
        } else if (!isBuiltin(spec)) {
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!
          visitPackage(name, join(unpackedRoot, 'node_modules'), relative(unpackedRoot, file))
        }
      }
    }
    for (const name of filesIn(join(unpackedRoot, 'out', 'main', 'workers'), '.js')) visit(join(unpackedRoot, 'out', 'main', 'workers', name))
    expect(seen.size).toBeGreaterThan(0)
    // required by name at run time (createRequire), which no import statement shows: the chart binary's loader
    visitPackage('@napi-rs/canvas', join(unpackedRoot, 'node_modules'), 'the headless chart (headless-chart.ts)')
  })
})

describe('the shipped app’s configuration (electron-builder.yml)', () => {
  interface BuilderConfig {
    electronFuses: Record<string, boolean>
    mac: { target: { target: string; arch: string[] }[] }
    dmg: { artifactName: string }
  }
  const config = (): BuilderConfig => yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig

  it('closes the fuses a shipped app does not need, and keeps what the lab needs (documented there)', () => {
    expect(config().electronFuses).toEqual({
      runAsNode: true, // portable child programs run as Electron-as-Node
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: true, // the renderer's ES module loads from file://
      resetAdHocDarwinSignature: true, // an unsigned arm64 app must still open after the flip
    })
  })

  it('builds macOS for Apple silicon and Intel apart, each named by its architecture', () => {
    expect(config().mac.target).toEqual([{ target: 'dmg', arch: ['arm64', 'x64'] }])
    expect(config().dmg.artifactName).toContain('${arch}')
  })
})

describe('the engine on the packaged layout', () => {
  const paths = labPathsFor({ entryDir: join(archive, 'out', 'main'), packagedResourcesPath: resourcesPath })
  let lab: Lab
  beforeAll(() => {
    lab = createLab({ host: 'cli', dataDir: join(work, 'data'), paths })
  })
  afterAll(() => lab.shutdown())

  it('resolves its paths to the unpacked folders', () => {
    expect(paths).toEqual({ workersDir: join(unpackedRoot, 'out', 'main', 'workers'), resourcesDir: join(unpackedRoot, 'resources') })
  })

  it('runs worker threads, child scripts and the Python originals from there', async () => {
    const machine = await lab.handlers.getMachineInfo(undefined)
    const factorize = await runResult(lab, 'factorize', { runtime: 'both', scale: 1, strategies: ['serial', 'threads', 'processes'], workers: [1], runs: 1, warmup: 0 })
    // worker threads (compute.js) and child processes (factorize-child.js, run by this Node)
    expect(factorize.series.map((series) => series.id)).toEqual(expect.arrayContaining(['serial', 'threads-1', 'processes-1']))
    const race = await runResult(lab, 'race', { workers: 2, increments: 1000, trials: 1, modes: ['atomic', 'mutex'], runtime: machine.python.found ? 'both' : 'node' })
    expect(race.series.map((series) => series.id)).toEqual(expect.arrayContaining(['node-atomic', 'node-mutex']))
    // resources/python/threads.py and race.py, where python3 exists
    if (machine.python.found) {
      expect(factorize.series.some((series) => series.id.startsWith('python-'))).toBe(true)
      expect(race.series.some((series) => series.id.startsWith('python-'))).toBe(true)
    }
    // the spawner helpers load the unpacked vfork addon, where this machine could build it
    if (filesIn(join(root, 'resources', 'native'), '.node').length > 0) {
      await lab.spawners.ready()
      expect(lab.spawners.launchers().map((choice) => choice.launcher)).toContain('vfork')
    }
  }, 90_000)

  it('runs the whole engine in its own thread from there, as the desktop app does', async () => {
    // as Electron's main process would: its resources folder, where the chart binary is copied beside app.asar
    tellHostRuntime({ resourcesPath })
    const door = startLabThread({ host: 'electron', dataDir: join(work, 'thread-data'), paths })
    tellHostRuntime(undefined)
    try {
      const finished = new Promise<unknown>((resolve) => door.events.subscribe((name, payload) => name === 'runFinished' && resolve(payload)))
      const started = await door.request('startRun', { experimentId: 'command', params: { command: 'sleep 0.01', runs: 1, warmup: 0, maxParallel: 1, sweepRuns: 1, launcher: 'execa' } })
      expect(started.ok, JSON.stringify(started)).toBe(true)
      // the execa launcher: the engine thread found execa (and its own packages) unpacked
      expect(await finished).toMatchObject({ result: { experimentId: 'command', data: { launcher: 'execa' } } })
    } finally {
      await door.shutdown()
    }
  }, 60_000)
})
