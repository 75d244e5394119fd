import { access, constants } from 'node:fs/promises'
import { posix, win32 } from 'node:path'
import { envValue } from './process-tree'

/** What a program lookup needs to know about the system it runs on; tests pass another system's. */
export interface ProgramLookupFacts {
  platform: NodeJS.Platform
  env: NodeJS.ProcessEnv
  /** The folder a name with a slash (./tool) is relative to. */
  cwd: string
  /** Whether a file is there that the system could start (on POSIX: executable). */
  exists(path: string): Promise<boolean>
}

export interface FoundProgram {
  path: string
  /**
   * A Windows batch file (.cmd, .bat): only cmd.exe runs those. Node refuses to start them
   * directly (EINVAL) since the 2024 fix that stopped their arguments being read as commands.
   */
  needsShell: boolean
}

/** Windows' own default, used when PATHEXT is not set. */
const DEFAULT_PATHEXT = '.COM;.EXE;.BAT;.CMD'

export function hostLookupFacts(env: NodeJS.ProcessEnv = process.env): ProgramLookupFacts {
  const isWindows = process.platform === 'win32'
  return {
    platform: process.platform,
    env,
    cwd: process.cwd(),
    async exists(path) {
      try {
        await access(path, isWindows ? constants.F_OK : constants.X_OK)
        return true
      } catch {
        return false
      }
    },
  }
}

/**
 * Every path where `name` could be, in the order the system would try them. On POSIX: each PATH
 * folder. On Windows: in each folder, the name as given when it has an extension (an
 * extensionless file there is usually a Unix shell script Windows cannot start, such as npm's),
 * then the name with each PATHEXT extension. A name with a slash is only looked for relative to
 * the working folder, as the system does.
 */
export function programCandidates(name: string, facts: Pick<ProgramLookupFacts, 'platform' | 'env' | 'cwd'>): string[] {
  const isWindows = facts.platform === 'win32'
  const path = isWindows ? win32 : posix
  const endings = isWindows ? windowsEndings(name, envValue(facts.env, 'PATHEXT', facts.platform)) : ['']
  const hasSeparator = isWindows ? /[\\/]/.test(name) : name.includes('/')
  const folders = hasSeparator
    ? [path.dirname(path.resolve(facts.cwd, name))]
    : (envValue(facts.env, 'PATH', facts.platform) ?? '')
        .split(isWindows ? ';' : ':')
        .map((folder) => (isWindows ? folder.replace(/^"(.*)"$/, '$1') : folder))
        .filter(Boolean)
  const base = hasSeparator ? path.basename(name) : name
  return folders.flatMap((folder) => endings.map((ending) => path.join(folder, base + ending)))
}

function windowsEndings(name: string, pathext: string | undefined): string[] {
  const extensions = (pathext ?? DEFAULT_PATHEXT)
    .split(';')
    .map((ext) => ext.trim())
    .filter((ext) => ext.startsWith('.'))
  return win32.extname(name) === '' ? extensions : ['', ...extensions]
}

/** Where `name` would be found, and whether only a shell can run it; undefined if nowhere. Nothing is run. */
export async function lookUpProgram(name: string, facts: ProgramLookupFacts = hostLookupFacts()): Promise<FoundProgram | undefined> {
  for (const candidate of programCandidates(name, facts)) {
    if (await facts.exists(candidate)) return { path: candidate, needsShell: facts.platform === 'win32' && /\.(cmd|bat)$/i.test(candidate) }
  }
  return undefined
}

/** Where `name` would be found on PATH (with PATHEXT on Windows), or undefined. Nothing is run. */
export async function findProgram(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  return (await lookUpProgram(name, hostLookupFacts(env)))?.path
}
