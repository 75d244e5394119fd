import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { listInterpreters, thisMachinesInterpreters } from '../../src/main/lab/machine'
import { PYTHON_PROBE, type ProbeAnswer } from '../../src/main/lab/python/discover'
import { findInterpreters, type InterpreterSystem } from '../../src/main/lab/python/find-interpreters'
import { byVersion, isInterpreterName, parsePyLauncherList, searchPlaces } from '../../src/main/lab/python/interpreter-search'
import { interpreterLabel } from '../../src/shared/model/interpreter-label'
import type { PythonLaunch } from '../../src/shared/model/machine'

const probeAnswers = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'probe-answers.json'), 'utf8')) as Record<string, unknown>
const answered = (fixture: string): ProbeAnswer => ({ exitCode: 0, stdout: `${JSON.stringify(probeAnswers[fixture])}\n`, stderr: '' })
const notStarted = (file: string): ProbeAnswer => ({ startError: `The program "${file}" could not be started (EACCES).`, exitCode: null, stdout: '', stderr: '' })

/** Another system: its folders (path → names), what each interpreter path answers, what py -0p prints. */
function otherSystem(facts: { platform: NodeJS.Platform; env: NodeJS.ProcessEnv; home: string; folders: Record<string, string[]>; answers: Record<string, ProbeAnswer>; pyList?: string; links?: Record<string, string> }): InterpreterSystem & { probed: string[] } {
  const system = {
    platform: facts.platform,
    env: facts.env,
    home: facts.home,
    probed: [] as string[],
    listDir: async (dir: string) => facts.folders[dir] ?? [],
    realPath: async (path: string) => facts.links?.[path] ?? path,
    probe: async (launch: PythonLaunch, args: string[]) => {
      expect(args).toEqual(['-c', PYTHON_PROBE])
      system.probed.push(launch.file)
      return facts.answers[launch.file] ?? notStarted(launch.file)
    },
    pyLauncherList: async () => facts.pyList,
    now: () => 0,
  }
  return system
}

describe('where Pythons are looked for', () => {
  it('interpreter names: python3, python3.N and python3.Nt; python.exe forms on Windows; never the -config or gdb helpers', () => {
    for (const name of ['python3', 'python3.11', 'python3.13t', 'python3.14t']) expect(isInterpreterName('linux', name)).toBe(true)
    for (const name of ['python', 'python3-config', 'python3.11-config', 'python3.11-gdb.py', 'python3.exe', 'pythonw', 'python2', 'python3.11m']) expect(isInterpreterName('linux', name)).toBe(false)
    for (const name of ['python.exe', 'python3.exe', 'python3.13t.exe', 'PYTHON.EXE']) expect(isInterpreterName('win32', name)).toBe(true)
    for (const name of ['python3', 'pythonw.exe', 'python3.13t']) expect(isInterpreterName('win32', name)).toBe(false)
  })

  it('Linux: PATH in order (each folder once), then pyenv and uv in their default or configured folders', () => {
    const home = '/home/me'
    // version managers' shims are skipped: the versions they lead to are listed from their own folders
    expect(searchPlaces({ platform: 'linux', env: { PATH: '/home/me/.pyenv/shims:/home/me/.pyenv/plugins/pyenv-virtualenv/shims:/home/me/.asdf/shims:/usr/bin:/usr/bin:/bin' }, home })).toEqual([
      { source: 'PATH', dir: '/usr/bin', versioned: false },
      { source: 'PATH', dir: '/bin', versioned: false },
      { source: 'pyenv', dir: '/home/me/.pyenv/versions', versioned: true },
      { source: 'uv', dir: '/home/me/.local/share/uv/python', versioned: true },
    ])
    const configured = searchPlaces({ platform: 'linux', env: { PATH: '', PYENV_ROOT: '/opt/pyenv', XDG_DATA_HOME: '/data' }, home })
    expect(configured.map((p) => p.dir)).toEqual(['/opt/pyenv/versions', '/data/uv/python'])
    expect(searchPlaces({ platform: 'linux', env: { UV_PYTHON_INSTALL_DIR: '/pythons' }, home }).find((p) => p.source === 'uv')?.dir).toBe('/pythons')
  })

  it("macOS adds Homebrew's folders and python.org's frameworks (GIL and free-threaded); a Homebrew folder already on PATH is looked in once", () => {
    const places = searchPlaces({ platform: 'darwin', env: { PATH: '/opt/homebrew/bin:/usr/bin' }, home: '/Users/me' })
    expect(places.map((p) => `${p.source}: ${p.dir}`)).toEqual([
      'PATH: /opt/homebrew/bin',
      'PATH: /usr/bin',
      'pyenv: /Users/me/.pyenv/versions',
      'uv: /Users/me/.local/share/uv/python',
      'Homebrew: /usr/local/bin',
      'python.org: /Library/Frameworks/Python.framework/Versions',
      'python.org: /Library/Frameworks/PythonT.framework/Versions',
    ])
  })

  it("Windows: Path (any case, ';'), pyenv-win, uv under APPDATA, python.org's per-user folder", () => {
    const places = searchPlaces({ platform: 'win32', env: { Path: 'C:\\Python313;c:\\python313;C:\\Windows', APPDATA: 'C:\\Users\\me\\AppData\\Roaming', LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' }, home: 'C:\\Users\\me' })
    expect(places.map((p) => `${p.source}: ${p.dir}`)).toEqual([
      'PATH: C:\\Python313',
      'PATH: C:\\Windows',
      'pyenv: C:\\Users\\me\\.pyenv\\pyenv-win\\versions',
      'uv: C:\\Users\\me\\AppData\\Roaming\\uv\\python',
      'python.org: C:\\Users\\me\\AppData\\Local\\Programs\\Python',
    ])
  })

  it('installation folders in version order: numbers compare as numbers, names as text', () => {
    const folders = ['3.12.0', '3.10.14', 'pypy3.10-7.3.17', '3.9.18', '3.12.0rc1', '3.13.0t', '3.8', '3.13.0']
    expect([...folders].sort(byVersion)).toEqual(['3.8', '3.9.18', '3.10.14', '3.12.0', '3.12.0rc1', '3.13.0', '3.13.0t', 'pypy3.10-7.3.17'])
    expect(byVersion('3.11.7', '3.11.7')).toBe(0)
  })

  it("reads the py launcher's list in both of its formats, skipping entries without a path", () => {
    const newer = ' -V:3.14t *       C:\\Users\\me\\AppData\\Local\\Programs\\Python\\Python314\\python3.14t.exe\r\n -V:3.12          C:\\Python312\\python.exe\r\n -V:Astral/CPython3.13.0 \r\n'
    expect(parsePyLauncherList(newer)).toEqual(['C:\\Users\\me\\AppData\\Local\\Programs\\Python\\Python314\\python3.14t.exe', 'C:\\Python312\\python.exe'])
    expect(parsePyLauncherList(' -3.9-64 *      C:\\Program Files\\Python39\\python.exe\n -2.7-64        C:\\Python27\\python.exe\n')).toEqual(['C:\\Program Files\\Python39\\python.exe', 'C:\\Python27\\python.exe'])
    expect(parsePyLauncherList('No installed Pythons found!\n')).toEqual([])
  })
})

describe('finding every interpreter, on other systems', () => {
  it('Linux with pyenv and uv: links to one interpreter become one entry that lists where it was found, probed once; a free-threaded uv build is recognised', async () => {
    const system = otherSystem({
      platform: 'linux',
      env: { PATH: '/home/me/.pyenv/shims:/usr/bin' },
      home: '/home/me',
      folders: {
        '/home/me/.pyenv/shims': ['pip3', 'python3', 'python3.11'],
        '/usr/bin': ['ls', 'python3', 'python3.11', 'python3.11-config'],
        '/home/me/.pyenv/versions': ['3.11.7', '3.9.18'],
        '/home/me/.pyenv/versions/3.9.18/bin': ['python3.9'],
        '/home/me/.pyenv/versions/3.11.7/bin': ['python3', 'python3.11', 'python3.11-config'],
        '/home/me/.local/share/uv/python': ['cpython-3.14.0+freethreaded-linux-x86_64-gnu'],
        '/home/me/.local/share/uv/python/cpython-3.14.0+freethreaded-linux-x86_64-gnu/bin': ['python3', 'python3.14t'],
      },
      answers: {
        '/home/me/.pyenv/versions/3.11.7/bin/python3': answered('cpython-3.11.7'),
        '/home/me/.pyenv/versions/3.11.7/bin/python3.11': answered('cpython-3.11.7'),
        '/home/me/.pyenv/versions/3.9.18/bin/python3.9': { exitCode: 0, stdout: JSON.stringify({ version: '3.9.18', implementation: 'cpython', executable: '/home/me/.pyenv/versions/3.9.18/bin/python3.9', gil: true, freeThreadedBuild: false, switchInterval: 0.005 }), stderr: '' },
        '/usr/bin/python3': answered('cpython-3.11.2'),
        '/usr/bin/python3.11': answered('cpython-3.11.2'),
        '/home/me/.local/share/uv/python/cpython-3.14.0+freethreaded-linux-x86_64-gnu/bin/python3': answered('cpython-3.14.0t'),
        '/home/me/.local/share/uv/python/cpython-3.14.0+freethreaded-linux-x86_64-gnu/bin/python3.14t': answered('cpython-3.14.0t'),
      },
      links: {
        '/usr/bin/python3': '/usr/bin/python3.11',
        '/home/me/.pyenv/versions/3.11.7/bin/python3': '/home/me/.pyenv/versions/3.11.7/bin/python3.11',
        '/home/me/.local/share/uv/python/cpython-3.14.0+freethreaded-linux-x86_64-gnu/bin/python3': '/home/me/.local/share/uv/python/cpython-3.14.0+freethreaded-linux-x86_64-gnu/bin/python3.14t',
      },
    })
    const list = await findInterpreters(system, { added: [], removed: [] })
    // pyenv's versions in version order, not by name
    expect(list.interpreters.map(interpreterLabel)).toEqual(['CPython 3.11.2 (GIL)', 'CPython 3.9.18 (GIL)', 'CPython 3.11.7 (GIL)', 'CPython 3.14.0t (free-threaded)'])
    expect(list.interpreters[2]!.foundAt).toEqual([
      { source: 'pyenv', path: '/home/me/.pyenv/versions/3.11.7/bin/python3' },
      { source: 'pyenv', path: '/home/me/.pyenv/versions/3.11.7/bin/python3.11' },
    ])
    expect(list.interpreters[3]).toMatchObject({ freeThreadedBuild: true, gilEnabled: false, switchIntervalS: 0.005 })
    expect(list.interpreters[3]!.gilNote).toBeUndefined()
    // each file probed once (a link shares its target's answer), the -config helpers and the shims never
    expect(system.probed.sort()).toEqual([
      '/home/me/.local/share/uv/python/cpython-3.14.0+freethreaded-linux-x86_64-gnu/bin/python3',
      '/home/me/.pyenv/versions/3.11.7/bin/python3',
      '/home/me/.pyenv/versions/3.9.18/bin/python3.9',
      '/usr/bin/python3',
    ])
    expect(list.searched).toContain('uv: /home/me/.local/share/uv/python')
  })

  it('answers are kept for the session: adding a path probes only that path; interpreters older than the scripts support are listed as unusable, with why', async () => {
    const system = otherSystem({
      platform: 'linux',
      env: { PATH: '/usr/bin' },
      home: '/h',
      folders: { '/usr/bin': ['python3'] },
      answers: {
        '/usr/bin/python3': answered('cpython-3.11.2'),
        '/opt/old/bin/python3': { exitCode: 0, stdout: JSON.stringify({ version: '3.7.16', implementation: 'cpython', executable: '/opt/old/bin/python3', gil: true }), stderr: '' },
      },
    })
    const cache = new Map()
    await findInterpreters(system, { added: [], removed: [] }, cache)
    const list = await findInterpreters(system, { added: ['/opt/old/bin/python3'], removed: [] }, cache)
    expect(system.probed).toEqual(['/usr/bin/python3', '/opt/old/bin/python3'])
    expect(list.interpreters.map((i) => i.found)).toEqual([true, false])
    expect(list.interpreters[1]!.reason).toBe('"/opt/old/bin/python3" is Python 3.7.16; the lab\'s scripts need Python 3.8 or newer.')
  })

  it('a free-threaded build with the GIL switched back on says why; its label says so too', async () => {
    const system = otherSystem({ platform: 'linux', env: { PATH: '/usr/local/bin' }, home: '/h', folders: { '/usr/local/bin': ['python3.14t'] }, answers: { '/usr/local/bin/python3.14t': answered('cpython-3.14.0t-gil-forced') } })
    const [forced] = (await findInterpreters(system, { added: [], removed: [] })).interpreters
    expect(interpreterLabel(forced!)).toBe('CPython 3.14.0t (free-threaded build, GIL on)')
    expect(forced!.gilNote).toMatch(/PYTHON_GIL=1/)
  })

  it("the user's own paths are probed and listed (a broken one with its reason, after the usable ones); removed ones are not listed", async () => {
    const system = otherSystem({
      platform: 'linux',
      env: { PATH: '/usr/bin' },
      home: '/h',
      folders: { '/usr/bin': ['python3', 'python3.11'] },
      answers: { '/usr/bin/python3': answered('cpython-3.11.2'), '/usr/bin/python3.11': answered('cpython-3.11.2'), '/opt/py/bin/python3': answered('cpython-3.11.7') },
    })
    const list = await findInterpreters(system, { added: ['/opt/broken/python3', '/opt/py/bin/python3'], removed: [] })
    expect(list.interpreters.map((i) => [i.found, i.command])).toEqual([
      [true, '/opt/py/bin/python3'],
      [true, '/usr/bin/python3'],
      [false, '/opt/broken/python3'],
    ])
    expect(list.interpreters[2]!.reason).toMatch(/could not be started/)
    expect(list.interpreters[0]!.foundAt).toEqual([{ source: 'added by you', path: '/opt/py/bin/python3' }])
    // removing by the interpreter's own file hides every path that leads to it
    const removed = await findInterpreters(system, { added: [], removed: ['/usr/bin/python3.11'] })
    expect(removed.interpreters).toEqual([])
  })

  it('Windows: the py launcher list is probed too, paths compared without case', async () => {
    const exe = 'C:\\Users\\me\\AppData\\Local\\Programs\\Python\\Python314\\python3.14t.exe'
    const system = otherSystem({
      platform: 'win32',
      env: { Path: 'C:\\Users\\me\\AppData\\Local\\Programs\\Python\\Python314' },
      home: 'C:\\Users\\me',
      folders: { 'C:\\Users\\me\\AppData\\Local\\Programs\\Python\\Python314': ['python.exe', 'python3.14t.exe', 'pythonw.exe'] },
      answers: {
        'C:\\Users\\me\\AppData\\Local\\Programs\\Python\\Python314\\python.exe': { exitCode: 0, stdout: JSON.stringify({ version: '3.14.0', implementation: 'cpython', executable: 'C:\\Users\\me\\AppData\\Local\\Programs\\Python\\Python314\\python.exe', gil: true, freeThreadedBuild: false, switchInterval: 0.005 }), stderr: '' },
        [exe]: { exitCode: 0, stdout: JSON.stringify({ version: '3.14.0', implementation: 'cpython', executable: exe, gil: false, freeThreadedBuild: true, switchInterval: 0.005 }), stderr: '' },
      },
      pyList: ` -V:3.14t *  ${exe.toLowerCase()}\r\n`,
    })
    const list = await findInterpreters(system, { added: [], removed: [] })
    expect(list.interpreters.map(interpreterLabel)).toEqual(['CPython 3.14.0 (GIL)', 'CPython 3.14.0t (free-threaded)'])
    expect(list.interpreters[1]!.foundAt!.map((at) => at.source)).toEqual(['PATH', 'py launcher'])
    expect(system.probed).toHaveLength(2)
    expect(list.searched).toContain('py launcher: py -0p')
  })
})

const realPythons = (['python3', '/usr/bin/python3'] as const).map((command) => {
  try {
    return execFileSync(command, ['-c', 'import os, sys; print(os.path.realpath(sys.executable))'], { encoding: 'utf8' }).trim()
  } catch {
    return undefined
  }
})

describe.skipIf(realPythons.some((p) => p === undefined) || realPythons[0] === realPythons[1])('finding the interpreters of this machine, for real', () => {
  const root = mkdtempSync(join(tmpdir(), 'lab-pythons-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('a pyenv-style folder made here: both CPythons found and probed, one per interpreter; a broken one gets a sentence, not a failure', async () => {
    for (const [version, target] of [['a', realPythons[0]!], ['b', realPythons[1]!]] as const) {
      mkdirSync(join(root, 'versions', version, 'bin'), { recursive: true })
      symlinkSync(target, join(root, 'versions', version, 'bin', 'python3'))
      symlinkSync(target, join(root, 'versions', version, 'bin', 'python3.11'))
    }
    mkdirSync(join(root, 'versions', 'broken', 'bin'), { recursive: true })
    const broken = join(root, 'versions', 'broken', 'bin', 'python3')
    writeFileSync(broken, '#!/bin/sh\necho "this is not python" >&2\nexit 3\n')
    chmodSync(broken, 0o755)
    const env = { PATH: '', PYENV_ROOT: root, UV_PYTHON_INSTALL_DIR: join(root, 'uv') }
    const list = await listInterpreters({ added: [], removed: [] }, thisMachinesInterpreters(env))
    const usable = list.interpreters.filter((i) => i.found)
    expect(usable.map((i) => i.realExecutable).sort()).toEqual([...realPythons].sort())
    for (const interpreter of usable) {
      expect(interpreterLabel(interpreter)).toMatch(/^CPython 3\.\d+\.\d+ \(GIL\)$/)
      expect(interpreter.foundAt).toHaveLength(2) // python3 and python3.11, probed once
      expect(interpreter.switchIntervalS).toBeGreaterThan(0)
    }
    const failed = list.interpreters.find((i) => !i.found)
    expect(failed?.command).toBe(broken)
    expect(failed?.reason).toContain('this is not python')
  })
})
