import { z } from 'zod'
import type { ParamSpecs } from './experiments/params'

/**
 * The user's settings, kept in the data folder (settings.json) by the engine and edited on the
 * Settings screen. One schema checks what is read from disk and what a face asks to save.
 */
export const themes = ['system', 'light', 'dark'] as const
export type Theme = (typeof themes)[number]

export const SETTINGS_VERSION = 1
export const MAX_DEFAULT_RUNS = 1000
const MAX_PYTHON_COMMAND_CHARS = 500

const PROGRAM_NAME = /^[A-Za-z0-9._+-]{1,100}$/
const ABSOLUTE_PATH = /^(\/|[A-Za-z]:[\\/]|\\\\)/

const hasControlCharacter = (value: string): boolean => [...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)

/** '' (the lab looks for Python itself: python3; on Windows python, py -3, python3), a program name looked up on PATH, or an absolute path: never arguments or a shell line. */
export const isPythonCommand = (value: string): boolean =>
  value === '' || (!hasControlCharacter(value) && (PROGRAM_NAME.test(value) || ABSOLUTE_PATH.test(value)))

const pythonCommandMessage = `pythonCommand must be empty (the lab looks for Python itself), a program name on PATH such as python3.12, or an absolute path to a Python 3 interpreter (at most ${MAX_PYTHON_COMMAND_CHARS} characters, no arguments)`
const MAX_LISTED_PYTHONS = 50
const pythonPathMessage = `each Python path must be the absolute path to an interpreter (at most ${MAX_PYTHON_COMMAND_CHARS} characters), and there may be at most ${MAX_LISTED_PYTHONS}`
const pythonPaths = z
  .array(
    z
      .string({ error: pythonPathMessage })
      .trim()
      .min(1, { error: pythonPathMessage })
      .max(MAX_PYTHON_COMMAND_CHARS, { error: pythonPathMessage })
      .refine((value) => !hasControlCharacter(value) && ABSOLUTE_PATH.test(value), { error: pythonPathMessage }),
    { error: pythonPathMessage },
  )
  .max(MAX_LISTED_PYTHONS, { error: pythonPathMessage })
const defaultRunsMessage = `defaultRuns must be a whole number from 1 to ${MAX_DEFAULT_RUNS}, or null for each experiment's own default`

export const settingsFields = {
  pythonCommand: z
    .string({ error: pythonCommandMessage })
    .trim()
    .max(MAX_PYTHON_COMMAND_CHARS, { error: pythonCommandMessage })
    .refine(isPythonCommand, { error: pythonCommandMessage }),
  /** Interpreters the user added by path, listed (and probed) even where no search finds them. */
  pythonsAdded: pythonPaths,
  /** Interpreters the user removed from the list: a path discovery found, or an interpreter's own file. */
  pythonsRemoved: pythonPaths,
  /** Interpreters to run beside the one in use, each as its own series, in the Threads and Races experiments. */
  pythonsSideBySide: pythonPaths,
  defaultRuns: z.int({ error: defaultRunsMessage }).min(1, { error: defaultRunsMessage }).max(MAX_DEFAULT_RUNS, { error: defaultRunsMessage }).nullable(),
  theme: z.enum(themes, { error: `theme must be one of ${themes.join(', ')}` }),
}

export const settingsSchema = z.strictObject(settingsFields)
export type Settings = z.output<typeof settingsSchema>

/** What a face may ask to change: any of the fields, nothing else. */
export const settingsUpdateSchema = settingsSchema.partial()
export type SettingsUpdate = z.output<typeof settingsUpdateSchema>

export const defaultSettings: Readonly<Settings> = Object.freeze({ pythonCommand: '', pythonsAdded: [], pythonsRemoved: [], pythonsSideBySide: [], defaultRuns: null, theme: 'system' })

export interface SettingsAnswer {
  settings: Settings
  /** Where they are kept (shown on the Settings screen). */
  file: string
  /** Why some or all of the saved settings were not used (a damaged or foreign file); empty when all is well. */
  problems: string[]
}

/** The parameters that count measured repetitions, which the "default runs" setting presets. */
const RUN_COUNT_PARAMS = ['runs', 'trials'] as const

/**
 * An experiment's form values with the user's default runs applied to its `runs` or `trials`
 * parameter, clamped to that parameter's range (null: the experiment's own default).
 */
export function withDefaultRuns(params: Record<string, unknown>, specs: ParamSpecs, defaultRuns: number | null): Record<string, unknown> {
  const next = { ...params }
  for (const name of RUN_COUNT_PARAMS) {
    const spec = specs[name]
    if (spec?.kind === 'int') next[name] = defaultRuns === null ? spec.default : Math.min(spec.max, Math.max(spec.min, defaultRuns))
  }
  return next
}
