import type { InterpreterList, InterpreterPlace, PythonInfo, PythonLaunch } from '../../../shared/model/machine'
import { PYTHON_PROBE, readProbeAnswer, type ProbeAnswer } from './discover'
import { byVersion, installationBin, isInterpreterName, parsePyLauncherList, searchPlaces, type SearchFacts } from './interpreter-search'

/** The system as the interpreter search sees it; the engine passes the real one, tests another system's. */
export interface InterpreterSystem extends SearchFacts {
  /** The names in a folder; none when it does not exist or cannot be read. */
  listDir(dir: string): Promise<string[]>
  /** The file a path leads to, links resolved (the path itself when it cannot be resolved). */
  realPath(path: string): Promise<string>
  /** Runs `launch` with the probe's arguments; the real system bounds it with a timeout. */
  probe(launch: PythonLaunch, args: string[]): Promise<ProbeAnswer>
  /** What `py -0p` printed (Windows), or undefined where there is no py launcher. */
  pyLauncherList(): Promise<string | undefined>
  /** The clock discovery is timed with. */
  now(): number
}

export interface InterpreterChoices {
  /** Paths the user added in Settings (or --python), probed even where no search would find them. */
  added: readonly string[]
  /** Paths (or an interpreter's own file) the user removed from the list. */
  removed: readonly string[]
}

/** Probes at once: enough to overlap interpreters' start-up, few enough not to load a small machine. */
const PROBES_AT_ONCE = 4

const ADDED = 'added by you'

async function candidatePlaces(system: InterpreterSystem, added: readonly string[]): Promise<{ places: InterpreterPlace[]; searched: string[] }> {
  const { platform } = system
  const places: InterpreterPlace[] = added.map((path) => ({ source: ADDED, path }))
  const searched: string[] = []
  const join = (dir: string, name: string): string => (platform === 'win32' ? `${dir.replace(/[\\/]+$/, '')}\\${name}` : `${dir.replace(/\/+$/, '')}/${name}`)
  for (const place of searchPlaces(system)) {
    searched.push(`${place.source}: ${place.dir}`)
    const folders = place.versioned ? (await system.listDir(place.dir)).sort(byVersion).map((installation) => installationBin(platform, place.dir, installation)) : [place.dir]
    for (const folder of folders) {
      for (const name of (await system.listDir(folder)).sort()) {
        if (isInterpreterName(platform, name)) places.push({ source: place.source, path: join(folder, name) })
      }
    }
  }
  if (platform === 'win32') {
    searched.push('py launcher: py -0p')
    const listed = await system.pyLauncherList()
    if (listed !== undefined) places.push(...parsePyLauncherList(listed).map((path) => ({ source: 'py launcher', path })))
  }
  return { places, searched }
}

/** Answers kept for the session, by the file probed: adding one path to the list probes only that path. */
export type ProbeCache = Map<string, Promise<PythonInfo>>

/** Probes each file once (paths that are links to one file share its answer), a few at a time. */
async function probeAll(system: InterpreterSystem, paths: string[], cache: ProbeCache): Promise<Map<string, { file: string; answer: PythonInfo }>> {
  const files = await Promise.all(paths.map((path) => system.realPath(path)))
  const fileKey = (file: string): string => (system.platform === 'win32' ? file.toLowerCase() : file)
  const firstPathOfFile = new Map<string, string>()
  for (const [i, path] of paths.entries()) if (!firstPathOfFile.has(fileKey(files[i]!))) firstPathOfFile.set(fileKey(files[i]!), path)
  const toProbe = [...firstPathOfFile].filter(([key]) => !cache.has(key))
  let next = 0
  const probeNext = async (): Promise<void> => {
    while (next < toProbe.length) {
      const [key, path] = toProbe[next++]!
      const launch = { file: path, args: [] }
      const answer = system.probe(launch, ['-c', PYTHON_PROBE]).then((said) => readProbeAnswer(system.platform, launch, said))
      cache.set(key, answer)
      await answer
    }
  }
  await Promise.all(Array.from({ length: Math.min(PROBES_AT_ONCE, toProbe.length) }, probeNext))
  const answers = new Map<string, { file: string; answer: PythonInfo }>()
  for (const [i, path] of paths.entries()) answers.set(path, { file: fileKey(files[i]!), answer: await cache.get(fileKey(files[i]!))! })
  return answers
}

const sameFile = (platform: NodeJS.Platform, a: string, b: string): boolean => (platform === 'win32' ? a.toLowerCase() === b.toLowerCase() : a === b)

/**
 * Every Python on this machine: each path found (PATH, pyenv, uv, Homebrew, python.org, the py
 * launcher, the user's own) is probed once; paths that turn out to be one interpreter (a link, a
 * pyenv shim) become one entry listing where it was found. Usable interpreters come first, in the
 * order found; broken ones follow, each with its reason. Nothing here throws for a bad interpreter.
 */
export async function findInterpreters(system: InterpreterSystem, choices: InterpreterChoices, cache: ProbeCache = new Map()): Promise<InterpreterList> {
  const started = system.now()
  const { platform } = system
  const isRemoved = (path: string | undefined): boolean => path !== undefined && choices.removed.some((removed) => sameFile(platform, removed, path))
  const { places, searched } = await candidatePlaces(system, choices.added)
  const uniquePaths: string[] = []
  for (const place of places) if (!isRemoved(place.path) && !uniquePaths.some((path) => sameFile(platform, path, place.path))) uniquePaths.push(place.path)
  const answers = await probeAll(system, uniquePaths, cache)

  const byInterpreter = new Map<string, PythonInfo>()
  for (const place of places) {
    const probed = [...answers].find(([path]) => sameFile(platform, path, place.path))?.[1]
    if (!probed) continue
    const { answer, file } = probed
    if (isRemoved(answer.realExecutable) || isRemoved(answer.executable)) continue
    // one interpreter reached by links, or by a launcher that runs it (sys.executable names the interpreter itself)
    const key = answer.realExecutable ?? file
    const normalisedKey = platform === 'win32' ? key.toLowerCase() : key
    const entry = byInterpreter.get(normalisedKey) ?? { ...answer, command: place.path, foundAt: [] }
    if (!entry.foundAt!.some((at) => at.source === place.source && sameFile(platform, at.path, place.path))) entry.foundAt!.push(place)
    byInterpreter.set(normalisedKey, entry)
  }
  const entries = [...byInterpreter.values()]
  return { interpreters: [...entries.filter((e) => e.found), ...entries.filter((e) => !e.found)], searched, tookMs: system.now() - started }
}
