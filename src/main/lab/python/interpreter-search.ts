import { posix, win32 } from 'node:path'

/**
 * Where users keep their Pythons, per system: pure functions of the system's facts (platform,
 * environment, home folder, what a folder lists, what `py -0p` printed), so another system's
 * answers can be tested here. find-interpreters.ts asks the real system.
 */

/** python3, python3.13, python3.13t (and python.exe, python3.13t.exe on Windows); never python3-config or python3.11-gdb.py. */
const INTERPRETER_NAME = /^python(3(\.\d{1,2}t?)?)?(\.exe)?$/i

/** One place looked in, and how a user would recognise it. */
export interface SearchPlace {
  /** "PATH", "pyenv", "uv", "Homebrew", "python.org", "py launcher". */
  source: string
  /** The folder whose interpreters are listed; for versioned roots, the folder holding one folder per version. */
  dir: string
  /** Versioned roots (pyenv, uv, python.org): each subfolder is one installation, its programs in `bin` (or at its top on Windows). */
  versioned: boolean
}

export interface SearchFacts {
  platform: NodeJS.Platform
  env: NodeJS.ProcessEnv
  home: string
}

const pathOf = (platform: NodeJS.Platform) => (platform === 'win32' ? win32 : posix)

/** Version managers' shims run whichever version is selected, or fail for the others: their versions are listed from their own folders instead. */
export const isShimFolder = (dir: string): boolean => /[\\/](\.pyenv|pyenv-win|\.asdf|mise|\.rye)[\\/](.+[\\/])?shims[\\/]?$/i.test(dir)

/**
 * Installations in version order (3.8 before 3.10), whatever their folders are called: runs of
 * digits compare as numbers, the rest as text (by hand: a collator would load ICU's locale data).
 */
export function byVersion(a: string, b: string): number {
  const partsOf = (name: string): string[] => name.match(/\d+|\D+/g) ?? []
  const left = partsOf(a)
  const right = partsOf(b)
  for (let k = 0; k < Math.min(left.length, right.length); k++) {
    const x = left[k]!
    const y = right[k]!
    const order = /^\d/.test(x) && /^\d/.test(y) ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0
    if (order !== 0) return order
  }
  return left.length - right.length
}

export const isInterpreterName = (platform: NodeJS.Platform, name: string): boolean =>
  INTERPRETER_NAME.test(name) && (platform === 'win32' ? /\.exe$/i.test(name) : !/\.exe$/i.test(name)) && (platform === 'win32' || name !== 'python')

/** Every place to look, in the order results are listed: PATH first (what a terminal runs), then the version managers, then the system's installers. */
export function searchPlaces(facts: SearchFacts): SearchPlace[] {
  const { platform, env, home } = facts
  const path = pathOf(platform)
  const separator = platform === 'win32' ? ';' : ':'
  const places: SearchPlace[] = (env.PATH ?? env.Path ?? '')
    .split(separator)
    .filter((dir) => dir && !isShimFolder(dir))
    .map((dir) => ({ source: 'PATH', dir, versioned: false }))
  const pyenvRoot = env.PYENV_ROOT ?? (platform === 'win32' ? path.join(home, '.pyenv', 'pyenv-win') : path.join(home, '.pyenv'))
  places.push({ source: 'pyenv', dir: path.join(pyenvRoot, 'versions'), versioned: true })
  const uvDir =
    env.UV_PYTHON_INSTALL_DIR ??
    (platform === 'win32' ? path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'uv', 'python') : path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'uv', 'python'))
  places.push({ source: 'uv', dir: uvDir, versioned: true })
  if (platform === 'darwin') {
    places.push({ source: 'Homebrew', dir: '/opt/homebrew/bin', versioned: false }, { source: 'Homebrew', dir: '/usr/local/bin', versioned: false })
    places.push({ source: 'python.org', dir: '/Library/Frameworks/Python.framework/Versions', versioned: true })
    places.push({ source: 'python.org', dir: '/Library/Frameworks/PythonT.framework/Versions', versioned: true })
  }
  if (platform === 'win32') {
    const localPrograms = path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'Programs', 'Python')
    places.push({ source: 'python.org', dir: localPrograms, versioned: true })
  }
  // the same folder reached twice (PATH listing it twice, Homebrew's folder on PATH) is looked in once, under its first name
  const seen = new Set<string>()
  return places.filter((place) => {
    const key = platform === 'win32' ? place.dir.toLowerCase() : place.dir
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** The folder of one installation under a versioned root that holds its programs. */
export const installationBin = (platform: NodeJS.Platform, root: string, installation: string): string =>
  platform === 'win32' ? pathOf(platform).join(root, installation) : pathOf(platform).join(root, installation, 'bin')

/**
 * The interpreters `py -0p` lists, as paths. Python 3.12's launcher prints ` -V:3.13t *   C:\...\python3.13t.exe`;
 * older ones ` -3.9-64 *   C:\...\python.exe`. Lines without a path (a Store install without one) are skipped.
 */
export function parsePyLauncherList(stdout: string): string[] {
  const paths: string[] = []
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^\s*-\S+\s+(?:\*\s+)?([A-Za-z]:\\.+?|\\\\.+?)\s*$/.exec(line)
    if (match?.[1]) paths.push(match[1])
  }
  return paths
}
