import { homedir, loadavg, userInfo } from 'node:os'
import { join } from 'node:path'
import type { LabHandlers } from '../../shared/contract/contract'
import { LabError, type Envelope } from '../../shared/errors'
import type { InterpreterList, MachineInfo } from '../../shared/model/machine'
import type { Settings } from '../../shared/settings'
import { exportChapter, importChapterBundle } from './chapter/chapter-export'
import type { ChapterStep } from './chapter/chapter-plan'
import { ChapterRunner } from './chapter/chapter-runner'
import { repairDesktopPath } from './desktop-path'
import { dispatch } from './dispatch'
import { collectMachineInfo, listInterpreters } from './machine'
import type { ProbeCache } from './python/find-interpreters'
import type { LabPaths } from './paths'
import { lessonCode } from './lessons/lesson-code'
import { killEveryChildTree } from './processes/run-child'
import { nativeSpawnAddonPath } from './processes/native-addon'
import { SpawnerHelpers } from './processes/spawner-helpers'
import { EventHub } from './runs/event-hub'
import { RunManager } from './runs/run-manager'
import { SettingsStore } from './settings/settings-store'
import { ResultStore } from './store/result-store'

export interface LabOptions {
  host: MachineInfo['host']
  /** Where results are saved. */
  dataDir: string
  paths: LabPaths
  /**
   * Start the spawner helpers now rather than at the first run that needs them: long-lived hosts
   * (the desktop app, serve) fork them while starting up, so no run waits on it.
   */
  startSpawnersNow?: boolean
  /** The Python to use, overriding the saved setting (the command line's --python). */
  pythonCommand?: string
  /** Interpreters to run beside it, overriding the saved setting (the command line's further --python). */
  pythonsSideBySide?: readonly string[]
  /** Told after the settings were saved (the desktop shell applies the theme to native menus and dialogs). */
  onSettingsSaved?: (settings: Settings) => void
  /** A face that can save files (the desktop app) provides this. */
  saveExport?: LabHandlers['saveExport']
  /** The desktop app prints reports to PDF; other faces cannot. */
  saveReportPdf?: LabHandlers['saveReportPdf']
  /** The chapter's experiments; the whole catalog with its defaults unless a test gives fewer. */
  chapterSteps?: () => ChapterStep[]
}

/** What a face needs of the engine, wherever the engine runs: in the face's thread (createLab) or in its own (startLabThread). */
export interface LabDoor {
  /** A request of the contract by name, its payload validated (dispatch); answered with an envelope, never a throw. */
  request(name: string, args: unknown): Promise<Envelope<unknown>>
  events: Pick<EventHub, 'subscribe'>
  /**
   * Cancels every run and ends the spawner helpers. Whatever is still running after `withinMs`
   * (a child that ignores SIGTERM, a script that does not notice the cancel) is killed outright,
   * so quitting the app takes a few seconds at most.
   */
  shutdown(options?: { withinMs?: number }): Promise<void>
}

export interface Lab extends LabDoor {
  handlers: LabHandlers
  events: EventHub
  runs: RunManager
  /** Runs the whole chapter, one experiment after another. */
  chapters: ChapterRunner
  store: ResultStore
  settings: SettingsStore
  /** The small processes that start the lab's children; they live as long as the lab. */
  spawners: SpawnerHelpers
}

/** How long an orderly shutdown may take before whatever is left is killed. */
const SHUTDOWN_WITHIN_MS = 3_000

function accountShell(): string | undefined {
  try {
    return userInfo().shell ?? undefined
  } catch {
    return undefined // an account without a passwd entry
  }
}

/** The engine as every face sees it: the contract's handlers, its events, and a clean shutdown. */
export function createLab(options: LabOptions): Lab {
  const events = new EventHub()
  const store = new ResultStore(join(options.dataDir, 'results'))
  const settings = new SettingsStore(join(options.dataDir, 'settings.json'))
  // The desktop app may have been started from the Finder, with a bare PATH; the other faces run
  // from a terminal. Every child inherits PATH, so the Python probe and the spawner helpers wait.
  const pathReady: Promise<unknown> = options.host === 'electron' ? repairDesktopPath({ platform: process.platform, env: process.env, homeDir: homedir(), accountShell: accountShell() }).catch(() => {}) : Promise.resolve()
  // The machine is probed once per Python command: a new command in the settings probes again.
  let machine: { pythons: string; info: Promise<MachineInfo> } | undefined
  const machineInfo = async (): Promise<MachineInfo> => {
    await pathReady
    const saved = (await settings.read()).settings
    const pythonCommand = options.pythonCommand ?? (saved.pythonCommand || undefined)
    const sideBySide = options.pythonsSideBySide ?? saved.pythonsSideBySide
    const pythons = JSON.stringify([pythonCommand, sideBySide])
    if (!machine || machine.pythons !== pythons) machine = { pythons, info: collectMachineInfo(options.host, pythonCommand, sideBySide) }
    const info = await machine.info
    return { ...info, loadAverage: loadavg() as [number, number, number] }
  }
  // Each interpreter is probed once per session (adding one probes only it); refresh asks them all again.
  const probed: ProbeCache = new Map()
  const interpreterList = async (refresh: boolean): Promise<InterpreterList> => {
    await pathReady
    const { pythonsAdded, pythonsRemoved } = (await settings.read()).settings
    if (refresh) probed.clear()
    return listInterpreters({ added: pythonsAdded, removed: pythonsRemoved }, undefined, probed)
  }
  // started on first use, kept for the session: children start from these small processes, or (vfork) from this one
  const spawners = new SpawnerHelpers({ script: join(options.paths.workersDir, 'spawner.js'), nativeSpawnAddon: nativeSpawnAddonPath(options.paths.resourcesDir), vforkHere: true })
  const runs = new RunManager({ events, store, paths: options.paths, spawners, machineInfo })
  const chapters = new ChapterRunner({ runs, events, machineInfo, steps: options.chapterSteps })
  // a helper that fails to start now is tried again, and its failure reported, by the run that needs it
  if (options.startSpawnersNow) pathReady.then(() => spawners.ready()).catch(() => {})

  const handlers: LabHandlers = {
    getMachineInfo: () => machineInfo(),
    startRun: async ({ experimentId, params }) => runs.start(experimentId, params),
    cancelRun: async ({ runId }) => ({ cancelled: runs.cancel(runId) }),
    getRunStatus: async ({ runId }) => runs.status(runId),
    listResults: ({ experimentId }) => store.list(experimentId),
    getResult: ({ runId }) => store.load(runId),
    getLessonCode: async () => ({ lessons: lessonCode() }),
    deleteResult: async ({ runId }) => ({ deleted: await store.delete(runId) }),
    renameResult: ({ runId, name }) => store.rename(runId, name),
    importResult: ({ json }) => store.importResult(json),
    startChapter: async () => chapters.start(),
    cancelChapter: async ({ chapterId }) => ({ cancelled: chapters.cancel(chapterId) }),
    getChapter: async () => ({ chapter: chapters.view() }),
    exportChapter: ({ chapterId, format }) => exportChapter(chapters.record(chapterId), format),
    importBundle: ({ json }) => importChapterBundle(store, json),
    getSettings: () => settings.read(),
    listInterpreters: ({ refresh }) => interpreterList(refresh ?? false),
    saveSettings: async (update) => {
      const saved = await settings.save(update)
      // saving is also how a user says "I installed Python, look again"
      machine = undefined
      options.onSettingsSaved?.(saved.settings)
      return saved
    },
    saveReportPdf:
      options.saveReportPdf ??
      (async () => {
        throw new LabError('not-available', 'PDF reports are made by the desktop app. In a browser, export the HTML report and print it to PDF from there.')
      }),
    saveExport:
      options.saveExport ??
      (async () => {
        throw new LabError('not-available', 'Saving through the host is only available in the desktop app; the browser downloads the file instead.')
      }),
  }
  const shutdown = async ({ withinMs = SHUTDOWN_WITHIN_MS } = {}): Promise<void> => {
    const orderly = Promise.all([chapters.shutdown(), runs.shutdown()]).then(() => spawners.close())
    let timer: NodeJS.Timeout | undefined
    const late = await Promise.race([orderly.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(resolve, withinMs, true)))])
    clearTimeout(timer)
    if (!late) return
    killEveryChildTree()
    await spawners.close({ force: true })
  }
  const request = (name: string, args: unknown): Promise<Envelope<unknown>> => dispatch(handlers, name, args)
  return { handlers, request, events, runs, chapters, store, settings, spawners, shutdown }
}
