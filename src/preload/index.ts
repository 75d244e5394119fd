import { contextBridge, ipcRenderer } from 'electron'
import { eventNames, ipcEventChannel, ipcRequestChannel, requestNames, type EventName, type LabBridge } from '../shared/contract/contract'

// The page gets one method per contract channel and payloads only: never ipcRenderer, never the event.
const requests = Object.fromEntries(requestNames.map((name) => [name, (args?: unknown) => ipcRenderer.invoke(ipcRequestChannel(name), args)]))

const bridge = {
  ...requests,
  host: 'electron',
  on(name: EventName, listener: (payload: unknown) => void) {
    if (!eventNames.includes(name)) throw new Error(`There is no event called "${String(name)}".`)
    const channel = ipcEventChannel(name)
    const forward = (_event: unknown, payload: unknown): void => listener(payload)
    ipcRenderer.on(channel, forward)
    return () => {
      ipcRenderer.removeListener(channel, forward)
    }
  },
} as unknown as LabBridge

contextBridge.exposeInMainWorld('lab', bridge)
