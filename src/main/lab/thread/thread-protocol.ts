import type { EventName, LabHandlers } from '../../../shared/contract/contract'
import type { Envelope } from '../../../shared/errors'
import type { Settings } from '../../../shared/settings'
import type { ChapterStep } from '../chapter/chapter-plan'
import type { LabOptions } from '../lab'
import type { HostRuntime } from '../runtime'

/** The requests the face answers itself (a save dialog, a PDF of the window): the engine thread asks for them. */
export type ShellRequestName = 'saveExport' | 'saveReportPdf'
export type ShellHandlers = Partial<Pick<LabHandlers, ShellRequestName>>

/** What the engine thread is started with: the lab's options that are plain data. */
export interface LabThreadSetup extends Pick<LabOptions, 'host' | 'dataDir' | 'paths' | 'startSpawnersNow' | 'pythonCommand' | 'pythonsSideBySide'> {
  chapterSteps?: ChapterStep[]
  /** The desktop app's Electron facts, which the engine's thread may not see in its `process` (see runtime.ts). */
  runtime: HostRuntime
  /** The shell requests the face answers; the others are answered "not available" as in any face without them. */
  shellRequests: ShellRequestName[]
}

/** From the face's thread to the engine's. */
export type ToEngine =
  | { type: 'request'; id: number; name: string; args: unknown }
  | { type: 'shell-reply'; id: number; envelope: Envelope<unknown> }
  | { type: 'shutdown'; withinMs?: number }

/** From the engine's thread to the face's. */
export type FromEngine =
  | { type: 'reply'; id: number; envelope: Envelope<unknown> }
  | { type: 'event'; name: EventName; payload: unknown }
  | { type: 'shell-request'; id: number; name: ShellRequestName; args: unknown }
  | { type: 'settings-saved'; settings: Settings }
  | { type: 'shut' }
