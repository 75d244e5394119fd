import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'

/**
 * The user's module as a worker thread or a child process loads it: imported once per thread, its
 * work(input) checked, and every failure worded so that the user can act on it (the input, the
 * error with its stack). Shared by workload.worker.ts and workload-child.worker.ts.
 */

type Work = (input: unknown) => unknown
interface LoadedModule {
  work: Work
  inputs?: () => unknown
  exportNames: string[]
}

/** Inputs when the module has no inputs(): the numbers 0 to 7. */
const DEFAULT_INPUTS = [0, 1, 2, 3, 4, 5, 6, 7]

const loaded = new Map<string, Promise<LoadedModule>>()

/**
 * The error with its stack as the user's code threw it: only the frames in their module (named
 * "your module", not the temporary file it was copied to), none of the lab's or Node's.
 */
export function errorText(error: unknown, file?: string): string {
  if (!(error instanceof Error)) return String(error)
  const stack = error.stack ?? `${error.name}: ${error.message}`
  const own = (line: string): string => (file ? line.split(pathToFileURL(file).href).join('your module').split(file).join('your module') : line)
  return stack
    .split('\n')
    .filter((line) => !/^\s+at /.test(line) || (file !== undefined && (line.includes(file) || line.includes(pathToFileURL(file).href))))
    .map(own)
    .join('\n')
    .trim()
}

/** "3 (17)": an input's position and a short look at it. */
export function inputPreview(input: unknown): string {
  let text: string
  try {
    text = typeof input === 'string' ? JSON.stringify(input) : (JSON.stringify(input) ?? String(input))
  } catch {
    text = String(input)
  }
  return text.length > 80 ? `${text.slice(0, 77)}…` : text
}

async function importModule(file: string): Promise<LoadedModule> {
  let namespace: Record<string, unknown>
  try {
    namespace = (await import(pathToFileURL(file).href)) as Record<string, unknown>
  } catch (error) {
    throw new Error(`Your module could not be loaded: ${errorText(error, file)}`, { cause: error })
  }
  const exportNames = Object.keys(namespace)
  if (typeof namespace.work !== 'function') {
    throw new Error(`Your module exports no function named work${exportNames.length > 0 ? `; it exports ${exportNames.join(', ')}` : ' (it exports nothing)'}. Write export function work(input) { … }.`)
  }
  if (namespace.inputs !== undefined && typeof namespace.inputs !== 'function') throw new Error('Your module exports inputs, but not as a function: write export function inputs() { return [ … ] }.')
  return { work: namespace.work as Work, inputs: namespace.inputs as (() => unknown) | undefined, exportNames }
}

const loadModule = (file: string): Promise<LoadedModule> => {
  let module = loaded.get(file)
  if (!module) {
    module = importModule(file)
    loaded.set(file, module)
  }
  return module
}

/** The module's inputs (its inputs(), or the default), checked to be a list that can cross to other threads. */
export async function moduleInputs(file: string): Promise<{ inputs: unknown[]; exportNames: string[]; fromModule: boolean }> {
  const module = await loadModule(file)
  if (!module.inputs) return { inputs: DEFAULT_INPUTS, exportNames: module.exportNames, fromModule: false }
  let inputs: unknown
  try {
    inputs = await module.inputs()
  } catch (error) {
    throw new Error(`inputs() threw: ${errorText(error, file)}`, { cause: error })
  }
  if (!Array.isArray(inputs)) throw new Error(`inputs() must return a list (an array); it returned ${inputs === null ? 'null' : typeof inputs}.`)
  inputs.forEach((input, index) => crossable(input, `input ${index} (what inputs() returned at index ${index})`))
  return { inputs, exportNames: module.exportNames, fromModule: true }
}

/** Throws a sentence naming `what` when the value cannot be copied to another thread (a function, a socket…). */
function crossable(value: unknown, what: string): void {
  try {
    structuredClone(value)
  } catch (error) {
    throw new Error(`${what} cannot cross to another thread or process: ${(error as Error).message.replace(/\.$/, '')}. Return plain data (numbers, strings, arrays, objects, Maps, typed arrays).`, { cause: error })
  }
}

/** Runs work(input) once, timed; a throw or an uncopyable result becomes a sentence naming the input. */
export async function runOne(file: string, index: number, input: unknown): Promise<{ value: unknown; ms: number }> {
  const { work } = await loadModule(file)
  const startedAtMs = performance.now()
  let value: unknown
  try {
    value = await work(input)
  } catch (error) {
    throw new Error(`work(input ${index}: ${inputPreview(input)}) threw: ${errorText(error, file)}`, { cause: error })
  }
  const ms = performance.now() - startedAtMs
  crossable(value, `What work(input ${index}: ${inputPreview(input)}) returned`)
  return { value, ms }
}
