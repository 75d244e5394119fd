import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { rename } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { writeOutput } from '../../src/cli/commands/export'
import { SettingsStore } from '../../src/main/lab/settings/settings-store'
import { FileHeldOpenError, HELD_OPEN_DELAYS_MS, retryWhileHeldOpen, retryWhileHeldOpenSync, type HeldOpenRetry } from '../../src/main/lab/store/held-open'
import { ResultStore } from '../../src/main/lab/store/result-store'
import { rememberWindowState } from '../../src/main/shell/window-state'
import { LabError } from '../../src/shared/errors'
import { fixtureResult } from './fixtures/run-result'

const dirs: string[] = []
const newDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'concurrency-lab-held-open-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: operation not permitted, rename`), { code })

/** Windows' facts, with the pauses recorded instead of waited. */
/** Runs retryWhileHeldOpen on a write that always fails with `code`: the error it ends with, and how often it tried. */
async function alwaysHeldOpen(path: string, code: string, retry: HeldOpenRetry): Promise<{ failure: unknown; calls: number }> {
  let calls = 0
  const failure = await retryWhileHeldOpen(
    path,
    async () => {
      calls += 1
      throw errno(code)
    },
    retry,
  ).catch((error: unknown) => error)
  return { failure, calls }
}

function windowsRetry(): HeldOpenRetry & { slept: number[] } {
  const slept: number[] = []
  return { platform: 'win32', delaysMs: HELD_OPEN_DELAYS_MS, sleep: async (ms) => void slept.push(ms), slept }
}

/** A rename that fails with `code` the first `failures` times (Infinity: always), then renames. */
function flakyRename(code: string, failures: number): { rename: (from: string, to: string) => Promise<void>; calls: () => number } {
  let calls = 0
  return {
    rename: async (from, to) => {
      calls += 1
      if (calls <= failures) throw errno(code)
      await rename(from, to)
    },
    calls: () => calls,
  }
}

describe('retrying a write while another program holds the file', () => {
  it('on Windows, EPERM twice then success: the write succeeds after two short, growing pauses', async () => {
    const retry = windowsRetry()
    let calls = 0
    const value = await retryWhileHeldOpen(
      'C:\\data\\results\\a.json',
      async () => {
        calls += 1
        if (calls <= 2) throw errno('EPERM')
        return 'done'
      },
      retry,
    )
    expect(value).toBe('done')
    expect(calls).toBe(3)
    expect(retry.slept).toEqual([50, 100])
  })

  it('on Windows, a file that stays held open: every retry is used, and the error names the file and the cause', async () => {
    const retry = windowsRetry()
    const { failure, calls } = await alwaysHeldOpen('C:\\data\\results\\a.json', 'EBUSY', retry)
    expect(failure).toBeInstanceOf(FileHeldOpenError)
    expect(calls).toBe(HELD_OPEN_DELAYS_MS.length + 1)
    expect(retry.slept).toEqual([...HELD_OPEN_DELAYS_MS])
    expect((failure as FileHeldOpenError).code).toBe('EBUSY')
    expect((failure as Error).message).toBe('C:\\data\\results\\a.json could not be written: another program (often an antivirus or a search indexer) kept it open (EBUSY, still after 6 tries over 1.6 s).')
  })

  it('on Linux and macOS, EPERM is a real permission error: thrown at once, not retried', async () => {
    for (const platform of ['linux', 'darwin'] as const) {
      const retry = { ...windowsRetry(), platform }
      const { failure, calls } = await alwaysHeldOpen('/data/a.json', 'EPERM', retry)
      expect(failure).not.toBeInstanceOf(FileHeldOpenError)
      expect((failure as NodeJS.ErrnoException).code).toBe('EPERM')
      expect(calls).toBe(1)
      expect(retry.slept).toEqual([])
    }
  })

  it('on Windows, EACCES is retried, and the final sentence allows for both causes', async () => {
    const failure = await retryWhileHeldOpen('C:\\x.json', () => Promise.reject(errno('EACCES')), windowsRetry()).catch((error: unknown) => error)
    expect((failure as Error).message).toMatch(/^C:\\x\.json could not be written: either it is not writable, or another program \(often an antivirus or a search indexer\) kept it open \(EACCES, /)
  })

  it('the synchronous form retries the same way', () => {
    const slept: number[] = []
    let calls = 0
    const value = retryWhileHeldOpenSync(
      'C:\\state.json',
      () => {
        calls += 1
        if (calls <= 2) throw errno('EPERM')
        return calls
      },
      'win32',
      HELD_OPEN_DELAYS_MS,
      (ms) => void slept.push(ms),
    )
    expect(value).toBe(3)
    expect(slept).toEqual([50, 100])
    expect(() => retryWhileHeldOpenSync('C:\\state.json', () => { throw errno('EPERM') }, 'win32', [1, 2], () => {})).toThrow(/C:\\state\.json could not be written: another program .* kept it open \(EPERM, still after 3 tries/)
  })
})

describe('every writer of the lab retries, then says why', () => {
  it('the result store: saved after two EPERM renames; a rename that always fails gives a sentence and leaves no temporary file', async () => {
    const dir = newDir()
    const flaky = flakyRename('EPERM', 2)
    await new ResultStore(dir, { rename: flaky.rename, retry: windowsRetry() }).save(fixtureResult())
    expect(flaky.calls()).toBe(3)
    expect(JSON.parse(readFileSync(join(dir, 'fixture-run-0001.json'), 'utf8'))).toEqual(fixtureResult())

    const stuck = flakyRename('EPERM', Infinity)
    const failure = await new ResultStore(dir, { rename: stuck.rename, retry: windowsRetry() }).save({ ...fixtureResult(), name: 'renamed' }, 'the new name').catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(LabError)
    expect((failure as LabError).code).toBe('store-failed')
    expect((failure as Error).message).toBe(
      `${join(dir, 'fixture-run-0001.json')} could not be written: another program (often an antivirus or a search indexer) kept it open (EPERM, still after 6 tries over 1.6 s). So the new name was not saved. Try again in a moment; if it keeps happening, exclude ${dir} from that program's scanning. Earlier results are untouched.`,
    )
    expect(readdirSync(dir)).toEqual(['fixture-run-0001.json'])
    expect(JSON.parse(readFileSync(join(dir, 'fixture-run-0001.json'), 'utf8')).name).toBe(fixtureResult().name)
  })

  it('the settings store: saved after two EPERM renames; one that always fails says so and keeps the old settings', async () => {
    const file = join(newDir(), 'settings.json')
    const flaky = flakyRename('EPERM', 2)
    await new SettingsStore(file, { rename: flaky.rename, retry: windowsRetry() }).save({ theme: 'dark' })
    expect(JSON.parse(readFileSync(file, 'utf8')).theme).toBe('dark')

    const stuck = new SettingsStore(file, { rename: flakyRename('EBUSY', Infinity).rename, retry: windowsRetry() })
    await expect(stuck.save({ theme: 'light' })).rejects.toThrow(
      `${file} could not be written: another program (often an antivirus or a search indexer) kept it open (EBUSY, still after 6 tries over 1.6 s). So the settings were not saved; try again in a moment. The settings saved before are unchanged.`,
    )
    expect((await stuck.read()).settings.theme).toBe('dark')
  })

  it('the command line export: written after two EBUSY failures; one that always fails names the file and the cause', async () => {
    const path = join(newDir(), 'out.csv')
    let calls = 0
    const write = async (to: string, output: string | Uint8Array): Promise<void> => {
      calls += 1
      if (calls <= 2) throw errno('EBUSY')
      writeFileSync(to, output)
    }
    await writeOutput(path, 'a,b\n', write, windowsRetry())
    expect(readFileSync(path, 'utf8')).toBe('a,b\n')
    await expect(writeOutput(path, 'c\n', () => Promise.reject(errno('EPERM')), windowsRetry())).rejects.toThrow(
      `${path} could not be written: another program (often an antivirus or a search indexer) kept it open (EPERM, still after 6 tries over 1.6 s). Close the program that has it open, or wait a moment, and run again; or choose another path with --out.`,
    )
  })

  it('the window state: written when the window closes even if the file is busy twice', () => {
    const file = join(newDir(), 'window-state.json')
    let closeListener: () => void = () => {}
    let calls = 0
    const window = { on: (_event: 'close', listener: () => void) => (closeListener = listener), getNormalBounds: () => ({ x: 1, y: 2, width: 800, height: 600 }), isMaximized: () => false }
    rememberWindowState(window, file, (from, to) => {
      calls += 1
      if (calls <= 2) throw errno('EBUSY')
      writeFileSync(to, readFileSync(from))
    })
    closeListener()
    expect(calls).toBe(3)
    expect(existsSync(file)).toBe(true)
    expect(JSON.parse(readFileSync(file, 'utf8')).bounds).toEqual({ x: 1, y: 2, width: 800, height: 600 })
  })
})
