import type { PythonInfo } from './machine'

type LabelFacts = Pick<PythonInfo, 'found' | 'command' | 'version' | 'implementation' | 'freeThreadedBuild' | 'gilEnabled'>

const IMPLEMENTATION_NAMES: Record<string, string> = { cpython: 'CPython', pypy: 'PyPy', graalpy: 'GraalPy' }

/** What the interpreter is, as charts and tables name its series: "CPython 3.11.7 (GIL)", "CPython 3.14.0t (free-threaded)". */
export function interpreterLabel(info: LabelFacts): string {
  if (!info.found || !info.version) return info.command
  const name = info.implementation ? (IMPLEMENTATION_NAMES[info.implementation] ?? info.implementation) : 'Python'
  if (!info.freeThreadedBuild) return `${name} ${info.version} (GIL)`
  return `${name} ${info.version}t (${info.gilEnabled === false ? 'free-threaded' : 'free-threaded build, GIL on'})`
}

/** The GIL as this interpreter runs it, in words: "on (a GIL build)", "off (free-threaded)", or why a free-threaded build has it on. */
export function interpreterGilText(info: Pick<PythonInfo, 'freeThreadedBuild' | 'gilEnabled' | 'gilNote'>): string {
  if (!info.freeThreadedBuild) return 'on: threads take turns running Python code'
  if (info.gilEnabled === false) return 'off: threads can run Python code in parallel'
  return `on, although the build is free-threaded. ${info.gilNote ?? ''}`.trim()
}

/** The paths a user removes to hide an interpreter: its own file, else the path it was tried at. */
export const interpreterKey = (info: Pick<PythonInfo, 'realExecutable' | 'executable' | 'command'>): string => info.realExecutable ?? info.executable ?? info.command
