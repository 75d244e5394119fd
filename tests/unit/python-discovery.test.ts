import { describe, expect, it } from 'vitest'
import { COMMAND_LINE_TOOLS_REASON, discoverPython, PYTHON_PROBE, pythonCandidates, readProbeAnswer, type ProbeAnswer, type PythonSystem } from '../../src/main/lab/python/discover'
import { pythonLaunchOf, runPythonScript } from '../../src/main/lab/python/run-script'
import type { ChildOutcome, ChildSpec } from '../../src/main/lab/processes/run-child'
import type { PythonLaunch } from '../../src/shared/model/machine'

const answerOf = (version: string, executable: string): ProbeAnswer => ({ exitCode: 0, stdout: `${JSON.stringify({ version, executable, gil: true })}\n`, stderr: '' })
const notFound = (file: string): ProbeAnswer => ({ startError: `The program "${file}" was not found. Check the name, or install it and make sure it is on PATH.`, exitCode: null, stdout: '', stderr: '' })
const STORE_ALIAS: ProbeAnswer = {
  exitCode: 9009,
  stdout: '',
  stderr: 'Python was not found; run without arguments to install from the Microsoft Store, or disable this shortcut from Settings > Manage App Execution Aliases.\r\n',
}

/** Another system, as discovery sees it: which files exist, what each launch answers, what xcode-select says. */
function fakeSystem(facts: { platform: NodeJS.Platform; path: string; files?: string[]; answers: Record<string, ProbeAnswer>; commandLineTools?: boolean }): PythonSystem & { probed: string[]; toolsAsked: number } {
  const system = {
    platform: facts.platform,
    env: { PATH: facts.path },
    probed: [] as string[],
    toolsAsked: 0,
    probe: async (launch: PythonLaunch, args: string[]) => {
      expect(args).toEqual(['-c', PYTHON_PROBE])
      const text = [launch.file, ...launch.args].join(' ')
      system.probed.push(text)
      return facts.answers[text] ?? notFound(launch.file)
    },
    findProgram: async (name: string) => {
      if (name.startsWith('/')) return facts.files?.includes(name) ? name : undefined
      return facts.path
        .split(':')
        .map((dir) => `${dir}/${name}`)
        .find((file) => facts.files?.includes(file))
    },
    commandLineToolsInstalled: async () => {
      system.toolsAsked += 1
      return facts.commandLineTools ?? false
    },
  }
  return system
}

describe('which Pythons to try, per system', () => {
  it('Linux: python3; Windows: python, the py launcher for Python 3, python3; macOS: each python3 along PATH, in order', () => {
    expect(pythonCandidates({ platform: 'linux', env: { PATH: '/usr/bin' } })).toEqual([{ file: 'python3', args: [] }])
    expect(pythonCandidates({ platform: 'win32', env: { Path: 'C:\\Windows' } })).toEqual([
      { file: 'python', args: [] },
      { file: 'py', args: ['-3'] },
      { file: 'python3', args: [] },
    ])
    expect(pythonCandidates({ platform: 'darwin', env: { PATH: '/opt/homebrew/bin:/usr/local/bin:/usr/bin:/opt/homebrew/bin:/bin' } }).map((c) => c.file)).toEqual([
      '/opt/homebrew/bin/python3',
      '/usr/local/bin/python3',
      '/usr/bin/python3',
      '/bin/python3',
    ])
  })

  it('a Python set in Settings is the only one tried, on every system', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(pythonCandidates({ platform, env: { PATH: '/usr/bin' }, configured: 'python3.12' })).toEqual([{ file: 'python3.12', args: [] }])
    }
  })
})

describe('macOS: never the Command Line Tools dialog', () => {
  const bare = '/usr/bin:/bin:/usr/sbin:/sbin'

  it('without the Command Line Tools, /usr/bin/python3 is not run: it is skipped with a sentence that says what to install', async () => {
    const mac = fakeSystem({ platform: 'darwin', path: bare, files: ['/usr/bin/python3'], answers: {}, commandLineTools: false })
    const { python, candidates } = await discoverPython(mac)
    expect(mac.probed).toEqual([])
    expect(mac.toolsAsked).toBe(1)
    expect(python).toMatchObject({ found: false, command: '/usr/bin/python3', reason: `${COMMAND_LINE_TOOLS_REASON}.` })
    expect(python.reason).toBe("/usr/bin/python3 needs Apple's Command Line Tools; install them with xcode-select --install or install Python from python.org/Homebrew.")
    expect(candidates).toHaveLength(1)
  })

  it('with them, /usr/bin/python3 is probed as any other', async () => {
    const mac = fakeSystem({ platform: 'darwin', path: bare, files: ['/usr/bin/python3'], answers: { '/usr/bin/python3': answerOf('3.9.6', '/Library/Developer/CommandLineTools/usr/bin/python3') }, commandLineTools: true })
    const { python } = await discoverPython(mac)
    expect(mac.probed).toEqual(['/usr/bin/python3'])
    expect(python).toMatchObject({ found: true, version: '3.9.6', launch: { file: '/usr/bin/python3', args: [] } })
  })

  it("Homebrew's python3 ahead on PATH is used without asking xcode-select", async () => {
    const mac = fakeSystem({ platform: 'darwin', path: `/opt/homebrew/bin:${bare}`, files: ['/opt/homebrew/bin/python3', '/usr/bin/python3'], answers: { '/opt/homebrew/bin/python3': answerOf('3.13.1', '/opt/homebrew/opt/python@3.13/bin/python3.13') } })
    const { python, candidates } = await discoverPython(mac)
    expect(python).toMatchObject({ found: true, version: '3.13.1', executable: '/opt/homebrew/opt/python@3.13/bin/python3.13' })
    expect(mac.toolsAsked).toBe(0)
    expect(candidates).toHaveLength(1)
  })

  it('when /usr/bin comes first and the tools are missing, the stub is skipped and the next python3 on PATH is used', async () => {
    const mac = fakeSystem({ platform: 'darwin', path: '/usr/bin:/bin:/usr/local/bin', files: ['/usr/bin/python3', '/usr/local/bin/python3'], answers: { '/usr/local/bin/python3': answerOf('3.12.4', '/usr/local/bin/python3') } })
    const { python, candidates } = await discoverPython(mac)
    expect(mac.probed).toEqual(['/usr/local/bin/python3'])
    expect(candidates.map((c) => [c.command, c.found])).toEqual([
      ['/usr/bin/python3', false],
      ['/usr/local/bin/python3', true],
    ])
    expect(python.version).toBe('3.12.4')
  })

  it('a python3 set in Settings that is the stub is checked too, and nothing else is tried', async () => {
    const mac = fakeSystem({ platform: 'darwin', path: `${bare}:/opt/homebrew/bin`, files: ['/usr/bin/python3', '/opt/homebrew/bin/python3'], answers: {} })
    const { python, candidates } = await discoverPython(mac, 'python3')
    expect(mac.probed).toEqual([])
    expect(python.reason).toMatch(/^\/usr\/bin\/python3 needs Apple's Command Line Tools/)
    expect(candidates).toHaveLength(1)
  })

  it('no python3 anywhere on PATH: one sentence with the PATH searched and what to install', async () => {
    const mac = fakeSystem({ platform: 'darwin', path: bare, answers: {} })
    const { python } = await discoverPython(mac)
    expect(python).toMatchObject({ found: false, command: 'python3' })
    expect(python.reason).toBe('No python3 was found on PATH (/usr/bin:/bin:/usr/sbin:/sbin). Install Python 3 from python.org or Homebrew (brew install python), or set its path in Settings.')
  })
})

describe('Windows: the Store alias and the py launcher', () => {
  it('the Store alias counts as not found, with a sentence; the py launcher is tried next, with its -3', async () => {
    const windows = fakeSystem({ platform: 'win32', path: 'C:\\Windows', answers: { python: STORE_ALIAS, 'py -3': answerOf('3.12.4', 'C:\\Python312\\python.exe') } })
    const { python, candidates } = await discoverPython(windows)
    expect(windows.probed).toEqual(['python', 'py -3'])
    expect(candidates[0]!.found).toBe(false)
    expect(candidates[0]!.reason).toBe(
      '"python" is the Microsoft Store\'s placeholder, not an installed Python (it exited with 9009 and offered the Store). Install Python from python.org or the Store, or turn the alias off in Settings > Apps > Advanced app settings > App execution aliases.',
    )
    expect(python).toMatchObject({ found: true, command: 'py -3', launch: { file: 'py', args: ['-3'] }, version: '3.12.4', executable: 'C:\\Python312\\python.exe' })
    expect(windows.toolsAsked).toBe(0)
  })

  it('none of the three: the reason gives each one its sentence', async () => {
    const windows = fakeSystem({ platform: 'win32', path: 'C:\\Windows', answers: { python: STORE_ALIAS, python3: STORE_ALIAS } })
    const { python, candidates } = await discoverPython(windows)
    expect(candidates.map((c) => c.command)).toEqual(['python', 'py -3', 'python3'])
    expect(python.found).toBe(false)
    expect(python.reason).toMatch(/^"python" is the Microsoft Store's placeholder.* py -3: The program "py" was not found\..* "python3" is the Microsoft Store's placeholder/)
  })

  it('exit 9009 means the alias only on Windows', () => {
    const launch = { file: 'python3', args: [] }
    expect(readProbeAnswer('linux', launch, { exitCode: 9009, stdout: '', stderr: 'boom' }).reason).toBe('"python3" did not run the probe (boom).')
  })
})

describe('reading the answer, and running what was found', () => {
  const launch = { file: 'python', args: [] }
  it('refuses Python 2 and an answer that is not the probe', () => {
    expect(readProbeAnswer('linux', launch, answerOf('2.7.18', '/usr/bin/python')).reason).toBe('"python" is Python 2.7.18; the lab needs Python 3.')
    expect(readProbeAnswer('linux', launch, { exitCode: 0, stdout: 'hello', stderr: '' }).reason).toBe('"python" printed something that is not the probe\'s answer.')
  })

  it('runs use the interpreter the probe reported, else the launch with its leading arguments', async () => {
    expect(pythonLaunchOf({ found: true, command: 'py -3', launch: { file: 'py', args: ['-3'] }, executable: 'C:\\Python312\\python.exe' })).toEqual({ file: 'C:\\Python312\\python.exe', args: [] })
    expect(pythonLaunchOf({ found: true, command: 'py -3', launch: { file: 'py', args: ['-3'] } })).toEqual({ file: 'py', args: ['-3'] })
    expect(pythonLaunchOf({ found: true, command: 'python3' })).toEqual({ file: 'python3', args: [] })
    const started: ChildSpec[] = []
    const runChild = async (spec: ChildSpec): Promise<ChildOutcome> => {
      started.push(spec)
      return { argv: [], startedAtMs: 0, spawnReturnedAtMs: 0, exitedAtMs: 0, closedAtMs: 0, exitCode: 0, signal: null, timedOut: false, cancelled: false, forcedKill: false, stdout: { text: '{"ok":true}\n', bytes: 12, truncated: false }, stderr: { text: '', bytes: 0, truncated: false } }
    }
    const { value } = await runPythonScript<{ ok: boolean }>({ python: { found: true, command: 'py -3', launch: { file: 'py', args: ['-3'] } }, resourcesDir: '/res', script: 'race.py', args: ['--workers', '2'], runChild })
    expect(value).toEqual({ ok: true })
    expect(started[0]).toMatchObject({ file: 'py', args: ['-3', '/res/python/race.py', '--workers', '2'] })
  })
})
