import { access, constants } from 'node:fs/promises'
import { delimiter, isAbsolute, join } from 'node:path'

/** Where `name` would be found on PATH (with PATHEXT on Windows), or undefined. Nothing is run. */
export async function findProgram(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const isWindows = process.platform === 'win32'
  const extensions = isWindows ? (env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean) : ['']
  const candidates = isAbsolute(name)
    ? extensions.map((ext) => name + ext)
    : (env.PATH ?? env.Path ?? '')
        .split(delimiter)
        .filter(Boolean)
        .flatMap((dir) => extensions.map((ext) => join(dir, name + ext)))
  for (const candidate of candidates) {
    try {
      await access(candidate, isWindows ? constants.F_OK : constants.X_OK)
      return candidate
    } catch {
      // not here; try the next folder
    }
  }
  return undefined
}
