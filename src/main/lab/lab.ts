import { loadavg } from 'node:os'
import { join } from 'node:path'
import type { LabHandlers } from '../../shared/contract/contract'
import { LabError } from '../../shared/errors'
import type { MachineInfo } from '../../shared/model/machine'
import { collectMachineInfo } from './machine'
import type { LabPaths } from './paths'
import { EventHub } from './runs/event-hub'
import { RunManager } from './runs/run-manager'
import { ResultStore } from './store/result-store'

export interface LabOptions {
  host: MachineInfo['host']
  /** Where results are saved. */
  dataDir: string
  paths: LabPaths
  pythonCommand?: string
  /** A face that can save files (the desktop app) provides this. */
  saveExport?: LabHandlers['saveExport']
}

export interface Lab {
  handlers: LabHandlers
  events: EventHub
  runs: RunManager
  store: ResultStore
  shutdown(): Promise<void>
}

/** The engine as every face sees it: the contract's handlers, its events, and a clean shutdown. */
export function createLab(options: LabOptions): Lab {
  const events = new EventHub()
  const store = new ResultStore(join(options.dataDir, 'results'))
  let machine: Promise<MachineInfo> | undefined
  const machineInfo = async (): Promise<MachineInfo> => {
    machine ??= collectMachineInfo(options.host, options.pythonCommand)
    const info = await machine
    return { ...info, loadAverage: loadavg() as [number, number, number] }
  }
  const runs = new RunManager({ events, store, paths: options.paths, machineInfo })

  const handlers: LabHandlers = {
    getMachineInfo: () => machineInfo(),
    startRun: async ({ experimentId, params }) => runs.start(experimentId, params),
    cancelRun: async ({ runId }) => ({ cancelled: runs.cancel(runId) }),
    getRunStatus: async ({ runId }) => runs.status(runId),
    listResults: ({ experimentId }) => store.list(experimentId),
    getResult: ({ runId }) => store.load(runId),
    deleteResult: async ({ runId }) => ({ deleted: await store.delete(runId) }),
    renameResult: ({ runId, name }) => store.rename(runId, name),
    saveExport:
      options.saveExport ??
      (async () => {
        throw new LabError('not-available', 'Saving through the host is only available in the desktop app; the browser downloads the file instead.')
      }),
  }
  return { handlers, events, runs, store, shutdown: () => runs.shutdown() }
}
