import { app, BrowserWindow } from 'electron'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createLab } from './lab/lab'
import { builtLabPaths } from './lab/paths-default'
import { registerIpc } from './shell/ipc'
import { saveExportWithDialog } from './shell/save-export'
import { builtWindowPlan, createMainWindow, denyPermissions, trustedFrameCheck } from './shell/window'

const mainDir = dirname(fileURLToPath(import.meta.url))
const plan = builtWindowPlan(mainDir)
let mainWindow: BrowserWindow | undefined

const lab = createLab({
  host: 'electron',
  dataDir: app.getPath('userData'),
  paths: builtLabPaths(import.meta.url, app.isPackaged ? `${process.resourcesPath}/app.asar.unpacked/resources` : undefined),
  saveExport: saveExportWithDialog(() => mainWindow),
})
const attachEvents = registerIpc(lab, trustedFrameCheck(plan))

function openWindow(): void {
  mainWindow = createMainWindow(plan)
  const detach = attachEvents(mainWindow)
  mainWindow.on('closed', () => {
    detach()
    mainWindow = undefined
  })
}

if (!app.requestSingleInstanceLock()) app.quit()
app.on('second-instance', () => mainWindow?.focus())

void app.whenReady().then(() => {
  denyPermissions()
  openWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

// Children and workers end with the app: cancel every run, wait for the clean-up, then quit.
let shuttingDown = false
app.on('before-quit', (event) => {
  if (shuttingDown) return
  shuttingDown = true
  event.preventDefault()
  void lab.shutdown().finally(() => app.quit())
})
