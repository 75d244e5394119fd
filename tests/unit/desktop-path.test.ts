import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loginShellCommand, pathFromLoginShell, repairDesktopPath, repairedPath, shouldReadLoginShell } from '../../src/main/lab/desktop-path'
import { runChild, type ChildOutcome, type ChildSpec } from '../../src/main/lab/processes/run-child'

const BARE = '/usr/bin:/bin:/usr/sbin:/sbin'
const home = '/Users/ada'

const outcomeWith = (stdout: string, extra: Partial<ChildOutcome> = {}): ChildOutcome => ({
  argv: [],
  startedAtMs: 0,
  spawnReturnedAtMs: 0,
  exitedAtMs: 0,
  closedAtMs: 0,
  exitCode: 0,
  signal: null,
  timedOut: false,
  cancelled: false,
  forcedKill: false,
  stdout: { text: stdout, bytes: stdout.length, truncated: false },
  stderr: { text: '', bytes: 0, truncated: false },
  ...extra,
})

describe('PATH of the desktop app on macOS', () => {
  it("launchd's bare PATH gets Homebrew's and MacPorts' folders ahead of /usr/bin, as a Terminal has them", () => {
    expect(repairedPath({ platform: 'darwin', env: { PATH: BARE }, homeDir: home })).toBe(
      '/opt/homebrew/bin:/opt/homebrew/sbin:/usr/local/bin:/opt/local/bin:/opt/local/sbin:/usr/bin:/bin:/usr/sbin:/sbin:/Users/ada/.local/bin',
    )
  })

  it("the user's own folders keep their order and come first; nothing is listed twice", () => {
    const path = repairedPath({ platform: 'darwin', env: { PATH: '/Users/ada/bin:/usr/local/bin:/usr/bin:/bin:/usr/local/bin' }, homeDir: home })
    expect(path).toBe('/Users/ada/bin:/usr/local/bin:/opt/homebrew/bin:/opt/homebrew/sbin:/opt/local/bin:/opt/local/sbin:/usr/bin:/bin:/Users/ada/.local/bin')
    const full = '/opt/homebrew/bin:/opt/homebrew/sbin:/usr/local/bin:/opt/local/bin:/opt/local/sbin:/usr/bin:/bin:/Users/ada/.local/bin'
    expect(repairedPath({ platform: 'darwin', env: { PATH: full }, homeDir: home })).toBe(full)
  })

  it("the login shell's PATH, when read, comes first in its own order; the missing tool folders go last", () => {
    const path = repairedPath({ platform: 'darwin', env: { PATH: BARE }, homeDir: home, loginShellPath: '/Users/ada/.pyenv/shims:/usr/bin:/bin:/opt/homebrew/bin' })
    expect(path).toBe('/Users/ada/.pyenv/shims:/usr/bin:/bin:/opt/homebrew/bin:/usr/sbin:/sbin:/opt/homebrew/sbin:/usr/local/bin:/opt/local/bin:/opt/local/sbin:/Users/ada/.local/bin')
  })

  it('Linux and Windows keep PATH as it is', () => {
    expect(repairedPath({ platform: 'linux', env: { PATH: BARE }, homeDir: '/home/ada' })).toBe(BARE)
    expect(repairedPath({ platform: 'win32', env: { PATH: 'C:\\Windows;C:\\Python312' }, homeDir: 'C:\\Users\\ada' })).toBe('C:\\Windows;C:\\Python312')
  })

  it('asks the login shell only on macOS with a bare PATH', () => {
    expect(shouldReadLoginShell('darwin', { PATH: BARE })).toBe(true)
    expect(shouldReadLoginShell('darwin', { PATH: '/usr/bin:/bin' })).toBe(true)
    expect(shouldReadLoginShell('darwin', { PATH: `/opt/homebrew/bin:${BARE}` })).toBe(false)
    expect(shouldReadLoginShell('linux', { PATH: BARE })).toBe(false)
  })

  it('the login shell is interactive and a login shell (csh and tcsh take -ic), with a time limit', () => {
    expect(loginShellCommand({ SHELL: '/bin/zsh' }, undefined)).toMatchObject({ file: '/bin/zsh', args: ['-ilc', expect.stringContaining('/usr/bin/printenv PATH')], timeoutMs: 5000 })
    expect(loginShellCommand({}, '/opt/homebrew/bin/fish').file).toBe('/opt/homebrew/bin/fish')
    expect(loginShellCommand({}, '/bin/tcsh').args?.[0]).toBe('-ic')
    expect(loginShellCommand({}, undefined).file).toBe('/bin/zsh')
  })

  it("reads the PATH between the marks, whatever the start-up files print around it", () => {
    const printed = 'Last login: today\n__CONCURRENCY_LAB_PATH__\n/opt/homebrew/bin:/usr/bin:/bin\n__CONCURRENCY_LAB_PATH__\nbye\n'
    expect(pathFromLoginShell(printed)).toBe('/opt/homebrew/bin:/usr/bin:/bin')
    expect(pathFromLoginShell('command not found: printenv\n')).toBeUndefined()
    expect(pathFromLoginShell('__CONCURRENCY_LAB_PATH__\n\n__CONCURRENCY_LAB_PATH__\n')).toBeUndefined()
  })

  it("at start-up on macOS: the shell's answer becomes PATH; a shell that times out leaves the usual folders", async () => {
    const env: NodeJS.ProcessEnv = { PATH: BARE, SHELL: '/bin/zsh' }
    const asked: ChildSpec[] = []
    const read = await repairDesktopPath({ platform: 'darwin', env, homeDir: home, accountShell: undefined, run: async (spec) => (asked.push(spec), outcomeWith('__CONCURRENCY_LAB_PATH__\n/Users/ada/.pyenv/shims:/opt/homebrew/bin:/usr/bin:/bin\n__CONCURRENCY_LAB_PATH__\n')) })
    expect(asked).toHaveLength(1)
    expect(read.loginShell).toBe('read from /bin/zsh')
    expect(env.PATH!.startsWith('/Users/ada/.pyenv/shims:/opt/homebrew/bin:/usr/bin:/bin:')).toBe(true)

    const slowEnv: NodeJS.ProcessEnv = { PATH: BARE, SHELL: '/bin/zsh' }
    const slow = await repairDesktopPath({ platform: 'darwin', env: slowEnv, homeDir: home, accountShell: undefined, run: async () => outcomeWith('', { timedOut: true, exitCode: null, signal: 'SIGTERM' }) })
    expect(slow.loginShell).toBe('/bin/zsh took longer than 5 s to start, so the usual tool folders were added instead')
    expect(slowEnv.PATH).toBe(repairedPath({ platform: 'darwin', env: { PATH: BARE }, homeDir: home }))
  })

  it('from a terminal on macOS, or on Linux, no shell is started', async () => {
    const run = async (): Promise<ChildOutcome> => {
      throw new Error('no shell should start')
    }
    const terminal: NodeJS.ProcessEnv = { PATH: `/opt/homebrew/bin:${BARE}` }
    expect((await repairDesktopPath({ platform: 'darwin', env: terminal, homeDir: home, accountShell: '/bin/zsh', run })).loginShell).toMatch(/^not needed/)
    const linux: NodeJS.ProcessEnv = { PATH: BARE }
    await repairDesktopPath({ platform: 'linux', env: linux, homeDir: '/home/ada', accountShell: '/bin/bash', run })
    expect(linux.PATH).toBe(BARE)
  })

  it.skipIf(!existsSync('/bin/bash'))('the command works with a real shell (bash here; zsh on a Mac)', async () => {
    const emptyHome = mkdtempSync(join(tmpdir(), 'concurrency-lab-home-'))
    try {
      const env: NodeJS.ProcessEnv = { PATH: '/usr/bin:/bin', SHELL: '/bin/bash' }
      const repair = await repairDesktopPath({ platform: 'darwin', env, homeDir: emptyHome, accountShell: undefined, run: (spec) => runChild({ ...spec, env: { ...spec.env, HOME: emptyHome } }) })
      expect(repair.loginShell).toBe('read from /bin/bash')
      expect(env.PATH).toMatch(/^\//)
      expect(env.PATH!.split(':')).toEqual(expect.arrayContaining(['/opt/homebrew/bin', '/usr/bin', join(emptyHome, '.local', 'bin')]))
    } finally {
      rmSync(emptyHome, { recursive: true, force: true })
    }
  })
})
