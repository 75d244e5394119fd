import { app, BrowserWindow, nativeTheme, screen } from 'electron'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ipcEventChannel, type MenuCommand, type RequestResult } from '../shared/contract/contract'
import { builtLabPaths } from './lab/paths-default'
import { startLabThread } from './lab/thread/lab-thread'
import { registerIpc } from './shell/ipc'
import { installAppMenu, showAbout } from './shell/menu'
import { saveExportWithDialog, saveReportPdfWithDialog } from './shell/save-export'
import { builtWindowPlan, createMainWindow, denyPermissions, revealWindow, trustedFrameCheck } from './shell/window'
import { loadWindowState, rememberWindowState } from './shell/window-state'

/** The product name (electron-builder.yml); app.getName() says "concurrency-lab" in development. */
const APP_NAME = 'Concurrency Lab'

/**
 * The whole desktop app, once this launch holds the single-instance lock: nothing (no engine, no
 * spawner helpers, no window) is started by a second launch, which only hands over to the first.
 */
function startDesktopApp(entryUrl: string): void {
  const mainDir = dirname(fileURLToPath(entryUrl))
  const plan = builtWindowPlan(mainDir, { packaged: app.isPackaged, env: process.env })
  let mainWindow: BrowserWindow | undefined

  // the engine runs in a thread of its own: nothing a run does holds up this thread, which draws the windows
  const lab = startLabThread({
    host: 'electron',
    startSpawnersNow: true,
    dataDir: app.getPath('userData'),
    // packaged, workers and scripts are the unpacked copies beside app.asar (see labPathsFor)
    paths: builtLabPaths(entryUrl, app.isPackaged ? process.resourcesPath : undefined),
    saveExport: saveExportWithDialog(() => mainWindow),
    saveReportPdf: saveReportPdfWithDialog(() => mainWindow),
    // native menus and dialogs (and the page's prefers-color-scheme) follow the theme setting
    onSettingsSaved: (settings) => (nativeTheme.themeSource = settings.theme),
  })
  const attachEvents = registerIpc(lab, trustedFrameCheck(plan))
  const windowStateFile = join(app.getPath('userData'), 'window-state.json')

  /** The shell's own event to the page (the application menu); the engine never sends it. */
  const sendMenuCommand = (command: MenuCommand): void => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(ipcEventChannel('menuCommand'), command)
  }

  const openWindow = (): void => {
    const window = createMainWindow(plan)
    mainWindow = window
    const restored = loadWindowState(windowStateFile, screen.getAllDisplays().map((display) => display.workArea))
    if (restored) {
      window.setBounds(restored.bounds)
      if (restored.maximized) window.once('ready-to-show', () => window.maximize())
    }
    rememberWindowState(window, windowStateFile)
    const detach = attachEvents(window)
    window.on('closed', () => {
      detach()
      mainWindow = undefined
    })
  }

  app.on('second-instance', () => {
    if (app.isReady()) revealWindow(mainWindow, openWindow)
  })

  void app.whenReady().then(async () => {
    denyPermissions()
    const saved = await lab.request('getSettings', undefined)
    if (saved.ok) nativeTheme.themeSource = (saved.value as RequestResult<'getSettings'>).settings.theme
    installAppMenu({
      appName: APP_NAME,
      platform: process.platform,
      development: !app.isPackaged,
      send: sendMenuCommand,
      about: () => showAbout(mainWindow, APP_NAME, app.getVersion()),
    })
    openWindow()
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow()
    })
  })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  // Children and workers end with the app: cancel every run and wait for the clean-up (killing
  // whatever is left after a few seconds, see Lab.shutdown), then quit.
  let shuttingDown = false
  app.on('before-quit', (event) => {
    if (shuttingDown) return
    shuttingDown = true
    event.preventDefault()
    void lab.shutdown().finally(() => app.quit())
  })
}

/** The desktop app from its built entry file (`import.meta.url` of out/main/index.js, beside which the app's files are). */
export function launchDesktopApp(entryUrl: string): void {
  // First, before any other work: a second launch must not start an engine or fork spawner helpers.
  if (app.requestSingleInstanceLock()) startDesktopApp(entryUrl)
  else app.quit()
}
