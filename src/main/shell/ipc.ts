import { ipcMain, type BrowserWindow, type WebFrameMain } from 'electron'
import { ipcEventChannel, ipcRequestChannel, requestNames } from '../../shared/contract/contract'
import type { LabDoor } from '../lab/lab'

/**
 * One handler per request channel of the contract, each behind the same sender check and the
 * same validation (the engine's dispatch); engine events go to the window on their own channels.
 */
export function registerIpc(lab: LabDoor, isTrustedFrame: (frame: WebFrameMain | null) => boolean): (window: BrowserWindow) => () => void {
  for (const name of requestNames) {
    ipcMain.handle(ipcRequestChannel(name), async (event, args: unknown) => {
      if (!isTrustedFrame(event.senderFrame)) {
        return { ok: false, error: { name: 'LabError', code: 'unknown-channel', message: 'Requests are only accepted from the lab’s own window.' } }
      }
      return lab.request(name, args)
    })
  }
  return (window) =>
    lab.events.subscribe((name, payload) => {
      if (!window.isDestroyed()) window.webContents.send(ipcEventChannel(name), payload)
    })
}
