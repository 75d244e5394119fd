import { BrowserWindow, dialog, session, type Session } from 'electron'
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { LabHandlers } from '../../shared/contract/contract'
import { LabError } from '../../shared/errors'
import { FileHeldOpenError, retryWhileHeldOpen } from '../lab/store/held-open'

type OwnerWindow = () => BrowserWindow | undefined

/** Asks where to save (native dialog), then writes the bytes there; null when the user cancels. */
async function saveWithDialog(owner: OwnerWindow, suggestedName: string, bytes: () => Promise<Buffer> | Buffer): Promise<{ savedPath: string | null }> {
  const window = owner()
  const options = { defaultPath: suggestedName }
  const choice = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options)
  if (choice.canceled || !choice.filePath) return { savedPath: null }
  const path = choice.filePath
  const data = await bytes()
  try {
    await retryWhileHeldOpen(path, () => writeFile(path, data))
  } catch (error) {
    if (error instanceof FileHeldOpenError) throw new LabError('store-failed', `${error.message} Close the program that has it open, or wait a moment, and save again; or choose another name.`)
    throw new LabError('store-failed', `Could not write ${path}: ${(error as Error).message}. Choose another folder.`)
  }
  return { savedPath: path }
}

/** The desktop app's export: a native dialog, then the bytes written where the user chose. */
export function saveExportWithDialog(owner: OwnerWindow): LabHandlers['saveExport'] {
  return ({ suggestedName, dataBase64 }) => saveWithDialog(owner, suggestedName, () => Buffer.from(dataBase64, 'base64'))
}

/**
 * Prints the self-contained HTML report to PDF in a hidden, sandboxed window without JavaScript
 * (the report has none), loaded from a temporary file because a data: URL caps the size.
 */
/**
 * The report window's own in-memory session: it may load the report file and the images embedded in
 * it (data: URLs), nothing else, whatever the HTML asks for; and it is granted no permission.
 */
function reportOnlySession(reportUrl: string): Session {
  const own = session.fromPartition(`concurrency-lab-report-${randomUUID()}`)
  own.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !(details.url === reportUrl || details.url.startsWith('data:')) }))
  own.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false))
  own.setPermissionCheckHandler(() => false)
  return own
}

async function printHtmlToPdf(html: string): Promise<Buffer> {
  const folder = await mkdtemp(join(tmpdir(), 'concurrency-lab-report-'))
  const file = join(folder, 'report.html')
  const window = new BrowserWindow({
    show: false,
    webPreferences: { session: reportOnlySession(pathToFileURL(file).href), sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, webSecurity: true, disableBlinkFeatures: 'Auxclick' },
  })
  try {
    window.webContents.on('will-navigate', (event) => event.preventDefault())
    window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
    await writeFile(file, html)
    await window.loadFile(file)
    return await window.webContents.printToPDF({ printBackground: true, pageSize: 'A4' })
  } finally {
    window.destroy()
    await rm(folder, { recursive: true, force: true })
  }
}

export function saveReportPdfWithDialog(owner: OwnerWindow): LabHandlers['saveReportPdf'] {
  return ({ suggestedName, html }) => saveWithDialog(owner, suggestedName, () => printHtmlToPdf(html))
}
