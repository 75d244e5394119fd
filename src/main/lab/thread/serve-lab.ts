import type { MessagePort } from 'node:worker_threads'
import { LabError, type Envelope } from '../../../shared/errors'
import { createLab } from '../lab'
import { tellHostRuntime } from '../runtime'
import type { FromEngine, LabThreadSetup, ShellRequestName, ToEngine } from './thread-protocol'

/**
 * The engine thread's side: one lab, its requests and events carried over `port`. Requests that
 * need the desktop (a save dialog) go back to the face's thread, which answers them.
 */
export function serveLab(port: MessagePort, setup: LabThreadSetup): void {
  const post = (message: FromEngine): void => port.postMessage(message)
  const shellAnswers = new Map<number, (envelope: Envelope<unknown>) => void>()
  let nextShellId = 0
  const askShell =
    (name: ShellRequestName) =>
    (args: unknown): Promise<{ savedPath: string | null }> =>
      new Promise((resolve, reject) => {
        const id = nextShellId++
        shellAnswers.set(id, (envelope) => (envelope.ok ? resolve(envelope.value as { savedPath: string | null }) : reject(new LabError(envelope.error.code ?? 'internal', envelope.error.message, envelope.error.details))))
        post({ type: 'shell-request', id, name, args })
      })
  const { chapterSteps, shellRequests, runtime, ...options } = setup
  tellHostRuntime(runtime)
  const lab = createLab({
    ...options,
    chapterSteps: chapterSteps && (() => chapterSteps),
    saveExport: shellRequests.includes('saveExport') ? askShell('saveExport') : undefined,
    saveReportPdf: shellRequests.includes('saveReportPdf') ? askShell('saveReportPdf') : undefined,
    onSettingsSaved: (settings) => post({ type: 'settings-saved', settings }),
  })
  lab.events.subscribe((name, payload) => post({ type: 'event', name, payload }))

  port.on('message', (message: ToEngine) => {
    switch (message.type) {
      case 'request':
        void lab.request(message.name, message.args).then((envelope) => post({ type: 'reply', id: message.id, envelope }))
        break
      case 'shell-reply':
        shellAnswers.get(message.id)?.(message.envelope)
        shellAnswers.delete(message.id)
        break
      case 'shutdown':
        void lab.shutdown({ withinMs: message.withinMs }).finally(() => post({ type: 'shut' }))
        break
    }
  })
}
