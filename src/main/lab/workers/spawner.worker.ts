/**
 * A spawner helper: a small Node process that starts children for the lab, over IPC. Node forks
 * the whole parent to start a child, so the cost of a spawn grows with the parent's memory (the
 * Electron main process is big) and blocks the parent's thread meanwhile; a helper is small, and
 * several start children side by side on several cores. On Linux, given the lab's vfork addon
 * (its path is the first argument), a helper starts children with it and copies no page tables at
 * all; elsewhere, or without it, with Node's own spawn. When the lab goes away (the channel
 * closes) the helper ends every child it started, then itself.
 */
import { monotonicOffsetMs } from '../measure/clock'
import { loadNativeSpawnAddon } from '../processes/native-addon'
import { NativeLauncher } from '../processes/native-child'
import { startChild, type ChildOutcome } from '../processes/run-child'
import { doPipelineWork } from '../processes/pipeline-work'
import type { FromSpawner, HelperChildSpec, ToSpawner } from '../processes/spawner-protocol'
import { toErrorData } from '../../../shared/errors'

const { addon, choice } = loadNativeSpawnAddon(process.argv[2])
const native = addon ? NativeLauncher.for(addon) : undefined
const start = (spec: HelperChildSpec, signal: AbortSignal): { pid?: number; outcome: Promise<ChildOutcome> } =>
  native ? native.start({ ...spec, signal }) : startChild({ ...spec, signal })

const running = new Map<number, AbortController>()
const sendNow = (message: FromSpawner): void => {
  // the lab may be gone (then this helper is on its way out): a reply nobody can read is dropped
  if (process.connected) process.send?.(message, undefined, undefined, () => {})
}
/**
 * Replies wait for the end of this turn, so that a burst of children costs the lab one write and one
 * wake-up rather than one per child (200 children at once: the lab's CPU per child fell from 0.5 to
 * 0.2–0.3 ms). A 'started' waits at most STARTED_WAIT_MS (and the spawn call under way): should this
 * helper be SIGKILLed, the lab ends the process groups of the pids it was told, and a spawn call
 * on a busy machine took about as long before these were batched.
 */
const STARTED_WAIT_MS = 10
let outbox: FromSpawner[] = []
let oldestStartedAtMs: number | undefined
const flush = (): void => {
  const messages = outbox
  outbox = []
  oldestStartedAtMs = undefined
  if (messages.length > 0) sendNow(messages.length === 1 ? messages[0]! : { type: 'batch', messages })
}
const send = (message: FromSpawner): void => {
  outbox.push(message)
  if (outbox.length === 1) setImmediate(flush)
  if (message.type !== 'started') return
  oldestStartedAtMs ??= performance.now()
  if (performance.now() - oldestStartedAtMs >= STARTED_WAIT_MS) flush()
}

const receive = (message: ToSpawner): void => {
  if (message.type === 'batch') {
    message.messages.forEach(receive)
    return
  }
  if (message.type === 'cancel') {
    running.get(message.id)?.abort()
    return
  }
  const controller = new AbortController()
  running.set(message.id, controller)
  if (message.type === 'pipelineWork') {
    const { id } = message
    void doPipelineWork(message.work, controller.signal, (pid) => send({ type: 'started', id, pid })).then(
      (result) => send({ type: 'pipelineWorkDone', id, result }),
      (error: unknown) => send({ type: 'pipelineWorkDone', id, error: toErrorData(error) }),
    ).finally(() => running.delete(id))
    return
  }
  const child = start(message.spec, controller.signal)
  if (child.pid !== undefined) send({ type: 'started', id: message.id, pid: child.pid })
  void child.outcome.then((outcome) => {
    running.delete(message.id)
    send({ type: 'done', id: message.id, outcome: { ...outcome, launcher: choice.launcher } })
  })
}
process.on('message', receive)

// exiting runs the exit hooks of run-child and of the native launcher, which kill the process group of every child still running
process.on('disconnect', () => process.exit(0))
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => process.exit(0))

sendNow({ type: 'ready', monotonicOffsetMs: monotonicOffsetMs(), launcher: choice })
