import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { LabError } from '../../src/shared/errors'
import { intParam } from '../../src/shared/experiments/params'
import { defaultSettings, isPythonCommand, withDefaultRuns } from '../../src/shared/settings'
import { dispatch } from '../../src/main/lab/dispatch'
import { createLab } from '../../src/main/lab/lab'
import { SettingsStore } from '../../src/main/lab/settings/settings-store'
import { testPaths } from './helpers/lab'

const freshDir = (): string => mkdtempSync(join(tmpdir(), 'concurrency-lab-settings-'))
const freshStore = (): SettingsStore => new SettingsStore(join(freshDir(), 'settings.json'))

/**
 * A folder nobody may write in. chmod does not stop root (this machine's tests may run as root),
 * so root gets a path under /sys, where the kernel refuses new files to everyone.
 */
function readOnlyFolder(): { dir: string; restore(): void } | undefined {
  if (process.getuid?.() !== 0) {
    const dir = freshDir()
    chmodSync(dir, 0o555)
    return { dir, restore: () => chmodSync(dir, 0o755) }
  }
  if (process.platform === 'linux') return { dir: '/sys/concurrency-lab-read-only', restore: () => {} }
  return undefined
}

describe('the settings store', () => {
  it('gives the defaults, without a problem, when nothing was saved yet', async () => {
    const answer = await freshStore().read()
    expect(answer.settings).toEqual(defaultSettings)
    expect(answer.problems).toEqual([])
  })

  it('saves valid settings as versioned JSON, merges partial updates, and reads them back', async () => {
    const store = freshStore()
    await store.save({ theme: 'dark', defaultRuns: 7 })
    const saved = await store.save({ pythonCommand: '/usr/bin/python3', pythonsAdded: ['/opt/python3.14t/bin/python3.14t'] })
    const expected = { theme: 'dark', defaultRuns: 7, pythonCommand: '/usr/bin/python3', pythonsAdded: ['/opt/python3.14t/bin/python3.14t'], pythonsRemoved: [], pythonsSideBySide: [] }
    expect(saved.settings).toEqual(expected)
    expect(JSON.parse(readFileSync(store.file, 'utf8'))).toEqual({ version: 1, ...expected })
    expect((await new SettingsStore(store.file).read()).settings).toEqual(saved.settings)
    // written through a temporary file that is renamed: nothing else is left in the folder
    expect(readdirSync(join(store.file, '..'))).toEqual(['settings.json'])
  })

  it('loses no update when saves overlap', async () => {
    const store = freshStore()
    await Promise.all([store.save({ theme: 'light' }), store.save({ defaultRuns: 3 }), store.save({ pythonCommand: 'python3.11' }), store.save({ pythonsRemoved: ['/usr/bin/python3.11'] })])
    expect((await store.read()).settings).toEqual({ theme: 'light', defaultRuns: 3, pythonCommand: 'python3.11', pythonsAdded: [], pythonsRemoved: ['/usr/bin/python3.11'], pythonsSideBySide: [] })
  })

  it('refuses invalid values with a sentence and keeps what was saved', async () => {
    const store = freshStore()
    await store.save({ theme: 'dark' })
    const before = readFileSync(store.file, 'utf8')
    for (const update of [{ theme: 'purple' }, { defaultRuns: 0 }, { defaultRuns: 2.5 }, { pythonCommand: 'python3 -c "import os"' }, { pythonCommand: './python' }, { pythonCommand: 'py\nthon' }, { pythonsAdded: ['python3'] }, { pythonsAdded: '/usr/bin/python3' }, { pythonsRemoved: ['/usr/bin/py\u0000'] }, { pythonsAdded: Array.from({ length: 51 }, (_, i) => `/p/${i}`) }]) {
      const error = await store.save(update as never).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(LabError)
      expect((error as LabError).code).toBe('invalid-params')
      expect((error as LabError).message).toMatch(new RegExp(`^Invalid settings: ${Object.keys(update)[0]}(\\.\\d+: each Python path must be| must be|: each Python path must be)`))
    }
    expect(readFileSync(store.file, 'utf8')).toBe(before)
  })

  it('reads a damaged file as the defaults and says so; saving replaces it', async () => {
    const store = freshStore()
    writeFileSync(store.file, '{"version": 1, "theme": "da')
    const answer = await store.read()
    expect(answer.settings).toEqual(defaultSettings)
    expect(answer.problems).toHaveLength(1)
    expect(answer.problems[0]).toMatch(/is damaged \(not JSON\), so the defaults are used/)
    await store.save({ theme: 'light' })
    expect(await store.read()).toMatchObject({ settings: { theme: 'light' }, problems: [] })
  })

  it('keeps the valid fields of a partly wrong file and names each wrong one', async () => {
    const store = freshStore()
    writeFileSync(store.file, JSON.stringify({ version: 1, theme: 'purple', defaultRuns: 12, pythonCommand: 42, pythonsAdded: ['/opt/py/bin/python3'], pythonsRemoved: ['relative/python3'], unknownFutureField: true }))
    const answer = await store.read()
    expect(answer.settings).toEqual({ theme: 'system', defaultRuns: 12, pythonCommand: '', pythonsAdded: ['/opt/py/bin/python3'], pythonsRemoved: [], pythonsSideBySide: [] })
    expect(answer.problems).toHaveLength(3)
    expect(answer.problems.join(' ')).toMatch(/pythonsRemoved.*absolute path/)
    expect(answer.problems.join(' ')).toMatch(/theme must be one of system, light, dark; got "purple"/)
    expect(answer.problems.join(' ')).toMatch(/pythonCommand must be/)
  })

  it('reports a file from another version, and one that holds no settings', async () => {
    const store = freshStore()
    writeFileSync(store.file, JSON.stringify({ version: 99, theme: 'dark' }))
    const newer = await store.read()
    expect(newer.settings.theme).toBe('dark')
    expect(newer.problems[0]).toMatch(/has version 99, not 1/)
    writeFileSync(store.file, '[1, 2, 3]')
    expect((await store.read()).problems[0]).toMatch(/does not hold settings/)
  })

  it('reads an unreadable file (a folder in its place) as the defaults, with the reason', async () => {
    const store = freshStore()
    mkdirSync(store.file)
    const answer = await store.read()
    expect(answer.settings).toEqual(defaultSettings)
    expect(answer.problems[0]).toMatch(/could not be read \(EISDIR\)/)
  })

  it('says clearly that a read-only folder cannot hold the settings, and leaves nothing behind', async (context) => {
    const folder = readOnlyFolder()
    if (!folder) return context.skip()
    try {
      const store = new SettingsStore(join(folder.dir, 'settings.json'))
      const error = await store.save({ theme: 'dark' }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(LabError)
      expect((error as LabError).code).toBe('store-failed')
      expect((error as LabError).message).toMatch(/is not writable \((EACCES|EPERM|EROFS)\), so the settings were not saved/)
      expect((await store.read()).settings).toEqual(defaultSettings)
    } finally {
      folder.restore()
    }
  })
})

describe('settings through the contract', () => {
  const dataDir = freshDir()
  const lab = createLab({ host: 'cli', dataDir, paths: testPaths })
  afterAll(() => lab.shutdown())

  it('validates saveSettings with limits before the store sees it', async () => {
    for (const payload of [undefined, { theme: 'dark', extra: 1 }, { defaultRuns: 1e9 }, { pythonCommand: 'x'.repeat(10_000) }, { defaultRuns: Number.NaN }]) {
      const reply = await dispatch(lab.handlers, 'saveSettings', payload)
      expect(reply.ok).toBe(false)
      expect(!reply.ok && reply.error.code).toBe('invalid-params')
    }
    const reply = await dispatch(lab.handlers, 'saveSettings', { defaultRuns: 5 })
    expect(reply).toMatchObject({ ok: true, value: { settings: { defaultRuns: 5 }, file: join(dataDir, 'settings.json'), problems: [] } })
    expect(await dispatch(lab.handlers, 'getSettings', undefined)).toMatchObject({ ok: true, value: { settings: { defaultRuns: 5 } } })
  })

  it('probes the Python of the settings, and probes again when it changes', async () => {
    await lab.handlers.saveSettings({ pythonCommand: '/nonexistent/python3' })
    const missing = await lab.handlers.getMachineInfo(undefined)
    expect(missing.python).toMatchObject({ found: false, command: '/nonexistent/python3' })
    await lab.handlers.saveSettings({ pythonCommand: '' })
    const again = await lab.handlers.getMachineInfo(undefined)
    expect(again.python.command).toBe(process.platform === 'win32' ? 'python' : 'python3')
  })

  it('lets an explicit --python override the saved setting', async () => {
    const overriding = createLab({ host: 'cli', dataDir, paths: testPaths, pythonCommand: '/nonexistent/other-python' })
    await overriding.handlers.saveSettings({ pythonCommand: 'python3' })
    expect((await overriding.handlers.getMachineInfo(undefined)).python.command).toBe('/nonexistent/other-python')
    await overriding.shutdown()
  })
})

describe('setting rules', () => {
  it('accepts program names and absolute paths, never arguments, relative paths or control characters', () => {
    for (const ok of ['', 'python3', 'python3.12', 'py', '/usr/bin/python3', '/opt/my python/bin/python3', 'C:\\Python312\\python.exe', 'C:/Python/python.exe', '\\\\server\\share\\python.exe']) {
      expect(isPythonCommand(ok), ok).toBe(true)
    }
    for (const bad of ['python3 -c 1', './python3', '../bin/python', 'bin/python3', 'python3;rm', '/usr/bin/python3\n', '$(python3)']) {
      expect(isPythonCommand(bad), bad).toBe(false)
    }
  })

  it('presets runs and trials from the default runs, within each parameter\'s range', () => {
    const specs = { runs: intParam({ label: 'Runs', help: '', min: 1, max: 20, default: 3 }), warmup: intParam({ label: 'Warm-up', help: '', min: 0, max: 10, default: 1 }) }
    expect(withDefaultRuns({ runs: 7, warmup: 2 }, specs, null)).toEqual({ runs: 3, warmup: 2 })
    expect(withDefaultRuns({ runs: 3, warmup: 1 }, specs, 10)).toEqual({ runs: 10, warmup: 1 })
    expect(withDefaultRuns({ runs: 3, warmup: 1 }, specs, 500)).toEqual({ runs: 20, warmup: 1 })
    const trials = { trials: intParam({ label: 'Trials', help: '', min: 5, max: 1000, default: 20 }) }
    expect(withDefaultRuns({ trials: 20 }, trials, 2)).toEqual({ trials: 5 })
  })
})
