import { describe, expect, it } from 'vitest'
import { captureParamSpecs } from '../../src/shared/experiments/capture'
import { lookUpProgram, programCandidates, type ProgramLookupFacts } from '../../src/main/lab/processes/find-program'
import { escapeForCmd, quoteForCmd, resolveCommand, shellArgv } from '../../src/main/lab/processes/resolve-command'

/** Another system's facts: its platform and environment, and a file system of these paths only (without regard to case on Windows, as NTFS). */
function system(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, files: string[], cwd = platform === 'win32' ? 'C:\\work' : '/work'): ProgramLookupFacts & { probed: string[] } {
  const probed: string[] = []
  return {
    platform,
    env,
    cwd,
    probed,
    async exists(path) {
      probed.push(path)
      return platform === 'win32' ? files.some((file) => file.toLowerCase() === path.toLowerCase()) : files.includes(path)
    },
  }
}

const windowsEnv = { Path: 'C:\\Windows\\system32;"C:\\Program Files\\nodejs";C:\\tools', PATHEXT: '.COM;.EXE;.BAT;.CMD', ComSpec: 'C:\\Windows\\system32\\cmd.exe' }

describe('program lookup on Windows (PATH, PATHEXT, batch files)', () => {
  it('tries each PATHEXT extension in each Path folder, in order; an extensionless name is never taken as it is', async () => {
    const facts = system('win32', windowsEnv, ['C:\\Program Files\\nodejs\\npm', 'C:\\Program Files\\nodejs\\npm.cmd'])
    expect(programCandidates('npm', facts).slice(0, 5)).toEqual([
      'C:\\Windows\\system32\\npm.COM',
      'C:\\Windows\\system32\\npm.EXE',
      'C:\\Windows\\system32\\npm.BAT',
      'C:\\Windows\\system32\\npm.CMD',
      'C:\\Program Files\\nodejs\\npm.COM',
    ])
    // npm's extensionless file is a Unix shell script; the .cmd next to it is what Windows runs, through cmd.exe
    const found = await lookUpProgram('npm', facts)
    expect(found).toEqual({ path: 'C:\\Program Files\\nodejs\\npm.CMD', needsShell: true })
  })

  it('takes a name with an extension as given first, and needs no shell for an .exe', async () => {
    const facts = system('win32', windowsEnv, ['C:\\tools\\node.exe', 'C:\\tools\\node.exe.CMD'])
    expect(programCandidates('node.exe', facts).slice(0, 2)).toEqual(['C:\\Windows\\system32\\node.exe', 'C:\\Windows\\system32\\node.exe.COM'])
    expect(await lookUpProgram('node.exe', facts)).toEqual({ path: 'C:\\tools\\node.exe', needsShell: false })
    expect(await lookUpProgram('run.bat', system('win32', windowsEnv, ['C:\\tools\\run.bat']))).toEqual({ path: 'C:\\tools\\run.bat', needsShell: true })
  })

  it('reads Path and PATHEXT whatever their case, and uses Windows\' default PATHEXT without one', () => {
    expect(programCandidates('git', { platform: 'win32', env: { PATH: 'C:\\git' }, cwd: 'C:\\' })).toEqual(['C:\\git\\git.COM', 'C:\\git\\git.EXE', 'C:\\git\\git.BAT', 'C:\\git\\git.CMD'])
    expect(programCandidates('git', { platform: 'win32', env: { path: 'C:\\git', pathext: '.exe' }, cwd: 'C:\\' })).toEqual(['C:\\git\\git.exe'])
  })

  it('looks for a name with a slash or backslash in the working folder only', () => {
    expect(programCandidates('.\\tool', { platform: 'win32', env: windowsEnv, cwd: 'C:\\work' })).toEqual(['C:\\work\\tool.COM', 'C:\\work\\tool.EXE', 'C:\\work\\tool.BAT', 'C:\\work\\tool.CMD'])
    expect(programCandidates('D:\\bin\\tool.exe', { platform: 'win32', env: windowsEnv, cwd: 'C:\\work' })[0]).toBe('D:\\bin\\tool.exe')
  })
})

describe('program lookup on Linux and macOS (unchanged)', () => {
  it('tries the name in each PATH folder, with no extension and no shell', async () => {
    for (const platform of ['linux', 'darwin'] as const) {
      const facts = system(platform, { PATH: '/usr/local/bin:/usr/bin', PATHEXT: '.EXE' }, ['/usr/bin/sleep'])
      expect(programCandidates('sleep', facts)).toEqual(['/usr/local/bin/sleep', '/usr/bin/sleep'])
      expect(await lookUpProgram('sleep', facts)).toEqual({ path: '/usr/bin/sleep', needsShell: false })
      expect(await lookUpProgram('tool.cmd', system(platform, { PATH: '/bin' }, ['/bin/tool.cmd']))).toEqual({ path: '/bin/tool.cmd', needsShell: false })
    }
    expect(programCandidates('./tool', { platform: 'linux', env: { PATH: '/bin' }, cwd: '/work' })).toEqual(['/work/tool'])
    expect(programCandidates('/opt/x/tool', { platform: 'linux', env: { PATH: '/bin' }, cwd: '/work' })).toEqual(['/opt/x/tool'])
  })
})

describe('commands on Windows', () => {
  it('runs shell mode as Node\'s shell: true does: ComSpec /d /s /c "<line>", verbatim, so the capture default keeps its quotes', async () => {
    const facts = system('win32', windowsEnv, [])
    const defaultCommand = captureParamSpecs.command.default
    expect(defaultCommand).toBe('echo "Hello from the child"')
    const resolved = await resolveCommand(defaultCommand, true, facts)
    expect(resolved.argv).toEqual(['C:\\Windows\\system32\\cmd.exe', '/d', '/s', '/c', '"echo "Hello from the child""'])
    expect(resolved.windowsVerbatimArguments).toBe(true)
    expect(resolved.notes[0]).toMatch(/C:\\Windows\\system32\\cmd\.exe \/d \/s \/c/)
    // without ComSpec, cmd.exe; a ComSpec that is not cmd.exe gets -c, as Node gives it
    expect(shellArgv('dir', 'win32', {})).toEqual({ file: 'cmd.exe', args: ['/d', '/s', '/c', '"dir"'], windowsVerbatimArguments: true, description: 'cmd.exe /d /s /c' })
    expect(shellArgv('ls', 'win32', { COMSPEC: 'C:\\msys\\bash.exe' })).toMatchObject({ file: 'C:\\msys\\bash.exe', args: ['-c', 'ls'] })
    expect(shellArgv('ls | wc', 'linux', { ComSpec: 'x' })).toEqual({ file: '/bin/sh', args: ['-c', 'ls | wc'], description: '/bin/sh -c' })
  })

  it('runs a batch file found through PATHEXT through cmd.exe, each argument quoted and escaped so it stays an argument', async () => {
    const facts = system('win32', windowsEnv, ['C:\\Program Files\\nodejs\\npm.cmd'])
    const resolved = await resolveCommand('npm run "my script" a&b', false, facts)
    expect(resolved.file).toBe('C:\\Windows\\system32\\cmd.exe')
    expect(resolved.args).toEqual(['/d', '/s', '/c', '"C:\\Program^ Files\\nodejs\\npm.CMD ^"run^" ^"my^ script^" ^"a^&b^""'])
    expect(resolved.windowsVerbatimArguments).toBe(true)
    expect(resolved.shell).toBe(true)
    expect(resolved.notes.at(-1)).toMatch(/batch file C:\\Program Files\\nodejs\\npm\.CMD: Windows runs those only through cmd\.exe/)
  })

  it('runs an .exe directly, as typed, with no shell', async () => {
    const resolved = await resolveCommand('node -v', false, system('win32', windowsEnv, ['C:\\tools\\node.EXE']))
    expect(resolved).toMatchObject({ file: 'node', args: ['-v'], shell: false, source: 'system' })
    expect(resolved.windowsVerbatimArguments).toBeUndefined()
  })

  it('quotes for cmd.exe as the C runtime reads arguments, then escapes what cmd.exe would act on', () => {
    expect(quoteForCmd('plain')).toBe('^"plain^"')
    expect(quoteForCmd('say "hi"')).toBe('^"say^ \\^"hi\\^"^"')
    expect(quoteForCmd('C:\\dir\\')).toBe('^"C:\\dir\\\\^"')
    expect(quoteForCmd('%PATH% & del x | y > z')).toBe('^"^%PATH^%^ ^&^ del^ x^ ^|^ y^ ^>^ z^"')
    expect(quoteForCmd('')).toBe('^"^"')
    expect(escapeForCmd('C:\\a (x86)\\b.cmd')).toBe('C:\\a^ ^(x86^)\\b.cmd')
  })
})
