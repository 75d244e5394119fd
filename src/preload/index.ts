import { contextBridge, ipcRenderer } from 'electron'
import { ipcEventChannel, ipcRequestChannel, type EventName, type EventPayload } from '../shared/contract/contract'
import { createBridge } from '../shared/contract/create-bridge'

// The page gets one method per contract channel and payloads only: never ipcRenderer, never the event.
const bridge = createBridge({
  host: 'electron',
  request: (name, args) => ipcRenderer.invoke(ipcRequestChannel(name), args),
  subscribe<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void) {
    const channel = ipcEventChannel(name)
    const forward = (_event: unknown, payload: EventPayload<E>): void => listener(payload)
    ipcRenderer.on(channel, forward)
    return () => {
      ipcRenderer.removeListener(channel, forward)
    }
  },
})

contextBridge.exposeInMainWorld('lab', bridge)
