import { dialog, type BrowserWindow } from 'electron'
import { writeFile } from 'node:fs/promises'
import type { LabHandlers } from '../../shared/contract/contract'
import { LabError } from '../../shared/errors'

/** The desktop app's export: a native dialog, then the bytes written where the user chose. */
export function saveExportWithDialog(window: () => BrowserWindow | undefined): LabHandlers['saveExport'] {
  return async ({ suggestedName, dataBase64 }) => {
    const owner = window()
    const options = { defaultPath: suggestedName }
    const choice = owner ? await dialog.showSaveDialog(owner, options) : await dialog.showSaveDialog(options)
    if (choice.canceled || !choice.filePath) return { savedPath: null }
    try {
      await writeFile(choice.filePath, Buffer.from(dataBase64, 'base64'))
    } catch (error) {
      throw new LabError('store-failed', `Could not write ${choice.filePath}: ${(error as Error).message}. Choose another folder.`)
    }
    return { savedPath: choice.filePath }
  }
}
