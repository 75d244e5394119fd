import { z } from 'zod'
import { experimentIds } from '../experiments/catalog'
import type { Envelope, LabErrorData } from '../errors'
import type { MachineInfo } from '../model/machine'
import type { ResultListing, RunResult, RunStatus, StoreProblem } from '../model/result'

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
  deleteResult: request<{ deleted: boolean }>()(z.strictObject({ runId })),
  renameResult: request<ResultListing>()(z.strictObject({ runId, name: z.string().trim().min(1).max(200) })),
  /** Desktop only: asks where to save, then writes. The browser host downloads instead. */
  saveExport: request<{ savedPath: string | null }>()(
    z.strictObject({
      suggestedName: z.string().min(1).max(200).regex(/^[^/\\\0]+$/, { error: 'suggestedName must be a file name without folders' }),
      dataBase64: z.string().max(MAX_EXPORT_BASE64_CHARS).regex(/^[A-Za-z0-9+/=]*$/, { error: 'dataBase64 must be base64' }),
    }),
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

export const eventChannels = {
  runQueued: event<RunStatus>(),
  runProgress: event<RunProgress>(),
  runFinished: event<{ runId: string; result: RunResult }>(),
  runFailed: event<{ runId: string; experimentId: string; cancelled: boolean; error: LabErrorData }>(),
} as const

export type RequestName = keyof typeof requestChannels
export type EventName = keyof typeof eventChannels
export type RequestArgs<K extends RequestName> = z.input<(typeof requestChannels)[K]['args']>
export type ParsedArgs<K extends RequestName> = z.output<(typeof requestChannels)[K]['args']>
export type RequestResult<K extends RequestName> = NonNullable<(typeof requestChannels)[K]['result']>
export type EventPayload<E extends EventName> = NonNullable<(typeof eventChannels)[E]['payload']>

export const requestNames = Object.keys(requestChannels) as RequestName[]
export const eventNames = Object.keys(eventChannels) as EventName[]

export const isRequestName = (name: string): name is RequestName => Object.hasOwn(requestChannels, name)

/** What the engine implements: one function per request channel. */
export type LabHandlers = { [K in RequestName]: (args: ParsedArgs<K>) => Promise<RequestResult<K>> }

export type EventListener = <E extends EventName>(name: E, payload: EventPayload<E>) => void

/** What a host (preload or HTTP shim) gives the renderer: envelopes, never thrown errors. */
export type LabBridge = {
  [K in RequestName]: (...args: undefined extends RequestArgs<K> ? [args?: RequestArgs<K>] : [args: RequestArgs<K>]) => Promise<Envelope<RequestResult<K>>>
} & {
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void
  readonly host: 'electron' | 'browser'
}

export const ipcRequestChannel = (name: RequestName): string => `lab:request:${name}`
export const ipcEventChannel = (name: EventName): string => `lab:event:${name}`
