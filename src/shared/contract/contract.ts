import { z } from 'zod'
import { experimentIds, type ScreenId } from '../experiments/catalog'
import type { LessonCode } from '../experiments/lessons'
import type { Envelope, LabErrorData } from '../errors'
import type { InterpreterList, MachineInfo } from '../model/machine'
import type { ResultListing, RunResult, RunStatus, StoreProblem } from '../model/result'
import { settingsUpdateSchema, type SettingsAnswer } from '../settings'
import { MAX_RESULT_JSON_CHARS } from '../model/result-schema'
import type { ChapterProgress, ChapterState, ChapterSummary } from '../chapter/chapter'
import { MAX_BUNDLE_JSON_CHARS } from '../chapter/bundle'

/**
 * The one contract between the engine and every face. The Electron handlers, the preload bridge,
 * the HTTP host and its browser shim, and the test doubles are all derived from these two tables.
 */
interface RequestDef<Args extends z.ZodType, Result> {
  args: Args
  /** Type-only: the value the request resolves with. */
  result?: Result
}
const request =
  <Result>() =>
  <Args extends z.ZodType>(args: Args): RequestDef<Args, Result> => ({ args })

interface EventDef<Payload> {
  payload?: Payload
}
const event = <Payload>(): EventDef<Payload> => ({})

/** A request without arguments accepts nothing, or an empty object. */
const noArgs = z.union([z.undefined(), z.strictObject({})]).transform(() => undefined)
const runId = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, { error: 'runId must be 1 to 64 letters, digits or dashes' })
const MAX_EXPORT_BASE64_CHARS = 64 * 1024 * 1024
const chapterId = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, { error: 'chapterId must be 1 to 64 letters, digits or dashes' })

/** A chapter run as the page sees it: how far it got, and once it ended, what it found. */
export interface ChapterView {
  progress: ChapterProgress
  summary?: ChapterSummary
  error?: LabErrorData
}

export const requestChannels = {
  getMachineInfo: request<MachineInfo>()(noArgs),
  startRun: request<{ runId: string }>()(
    z.strictObject({
      experimentId: z.enum(experimentIds, { error: `experimentId must be one of ${experimentIds.join(', ')}` }),
      params: z.record(z.string().max(64), z.unknown()).default({}),
    }),
  ),
  cancelRun: request<{ cancelled: boolean }>()(z.strictObject({ runId })),
  getRunStatus: request<RunStatus>()(z.strictObject({ runId })),
  listResults: request<{ results: ResultListing[]; problems: StoreProblem[] }>()(
    z.strictObject({ experimentId: z.string().max(64).optional() }).default({}),
  ),
  getResult: request<RunResult>()(z.strictObject({ runId })),
  /** Each lesson's code (the Python original and its Node counterpart), cut from the files the lab runs. */
  getLessonCode: request<{ lessons: LessonCode[] }>()(noArgs),
  deleteResult: request<{ deleted: boolean }>()(z.strictObject({ runId })),
  renameResult: request<ResultListing>()(z.strictObject({ runId, name: z.string().trim().min(1).max(200) })),
  /** A result file from elsewhere (another machine): checked, then saved here, under a new run id if its id is taken. */
  importResult: request<ResultListing>()(
    z.strictObject({ json: z.string().max(MAX_RESULT_JSON_CHARS, { error: `json must be at most ${MAX_RESULT_JSON_CHARS} characters (a result file)` }) }),
  ),
  /** The user's settings (python3 path, default runs, theme) from the data folder; a damaged file gives the defaults and says why. */
  getSettings: request<SettingsAnswer>()(noArgs),
  /** Changes some settings (each checked against its limits) and saves them; resolves with what is now saved. */
  saveSettings: request<SettingsAnswer>()(settingsUpdateSchema),
  /** Every Python on this machine (PATH, pyenv, uv, Homebrew, python.org, the py launcher, the user's own), probed once per session unless refresh is asked. */
  listInterpreters: request<InterpreterList>()(z.strictObject({ refresh: z.boolean().optional() }).default({})),
  /** Desktop only: asks where to save, then writes. The browser host downloads instead. */
  /** Desktop only: the HTML report printed to PDF by Chromium, then saved where the user chooses. */
  saveReportPdf: request<{ savedPath: string | null }>()(
    z.strictObject({
      suggestedName: z.string().min(1).max(200).regex(/^[^/\\\0]+\.pdf$/, { error: 'suggestedName must be a file name ending in .pdf, without folders' }),
      html: z.string().max(MAX_EXPORT_BASE64_CHARS),
    }),
  ),
  saveExport: request<{ savedPath: string | null }>()(
    z.strictObject({
      suggestedName: z.string().min(1).max(200).regex(/^[^/\\\0]+$/, { error: 'suggestedName must be a file name without folders' }),
      dataBase64: z.string().max(MAX_EXPORT_BASE64_CHARS).regex(/^[A-Za-z0-9+/=]*$/, { error: 'dataBase64 must be base64' }),
    }),
  ),
  /** Runs every experiment with its defaults, one after another (each saved as it finishes), then words the lessons' verdicts. */
  startChapter: request<{ chapterId: string }>()(noArgs),
  cancelChapter: request<{ cancelled: boolean }>()(z.strictObject({ chapterId })),
  /** The latest chapter run of this session, or null: a page opened mid-run picks it up from here. */
  getChapter: request<{ chapter: ChapterView | null }>()(noArgs),
  /** The chapter's report (HTML, charts drawn by the engine) or its bundle (JSON: the summary and every result), as text to save. */
  exportChapter: request<{ fileName: string; mimeType: string; text: string }>()(z.strictObject({ chapterId, format: z.enum(['html', 'json']) })),
  /** A chapter bundle from elsewhere: every result checked, then saved here as one set; results already here are kept as they are. */
  importBundle: request<{ summary: ChapterSummary; imported: ResultListing[]; alreadyHere: number }>()(
    z.strictObject({ json: z.string().max(MAX_BUNDLE_JSON_CHARS, { error: `json must be at most ${MAX_BUNDLE_JSON_CHARS} characters (a chapter bundle)` }) }),
  ),
} as const

export interface RunProgress {
  runId: string
  experimentId: string
  /** What is happening now, in words. */
  message: string
  done: number
  total: number
}

/** What the application menu asks the page to do: run or cancel the visible experiment, export what is shown, or open a screen. */
export interface MenuCommand {
  command: 'run' | 'cancel' | 'export' | 'navigate'
  screen?: ScreenId
}

const eventChannels = {
  runQueued: event<RunStatus>(),
  runProgress: event<RunProgress>(),
  runFinished: event<{ runId: string; result: RunResult }>(),
  runFailed: event<{ runId: string; experimentId: string; cancelled: boolean; error: LabErrorData }>(),
  chapterProgress: event<ChapterProgress>(),
  chapterFinished: event<{ chapterId: string; state: ChapterState; summary?: ChapterSummary; error?: LabErrorData }>(),
  /** Sent by the desktop shell only (application menu and its shortcuts), never by the engine. */
  menuCommand: event<MenuCommand>(),
} as const

export type RequestName = keyof typeof requestChannels
export type EventName = keyof typeof eventChannels
export type RequestArgs<K extends RequestName> = z.input<(typeof requestChannels)[K]['args']>
type ParsedArgs<K extends RequestName> = z.output<(typeof requestChannels)[K]['args']>
export type RequestResult<K extends RequestName> = NonNullable<(typeof requestChannels)[K]['result']>
export type EventPayload<E extends EventName> = NonNullable<(typeof eventChannels)[E]['payload']>

export const requestNames = Object.keys(requestChannels) as RequestName[]
export const eventNames = Object.keys(eventChannels) as EventName[]

export const isRequestName = (name: string): name is RequestName => Object.hasOwn(requestChannels, name)

/** What the engine implements: one function per request channel. */
export type LabHandlers = { [K in RequestName]: (args: ParsedArgs<K>) => Promise<RequestResult<K>> }

export type EventListener = <E extends EventName>(name: E, payload: EventPayload<E>) => void

/** A request's arguments as the page passes them: optional where the request takes none. */
export type RequestCallArgs<K extends RequestName> = undefined extends RequestArgs<K> ? [args?: RequestArgs<K>] : [args: RequestArgs<K>]

/** One request as the page calls it: an envelope back, never a thrown error. */
export type RequestMethod<K extends RequestName> = (...args: RequestCallArgs<K>) => Promise<Envelope<RequestResult<K>>>

/** What a host (preload or HTTP shim) gives the renderer: envelopes, never thrown errors. */
export type LabBridge = {
  [K in RequestName]: RequestMethod<K>
} & {
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void
  readonly host: 'electron' | 'browser'
}

export const ipcRequestChannel = (name: RequestName): string => `lab:request:${name}`
export const ipcEventChannel = (name: EventName): string => `lab:event:${name}`
