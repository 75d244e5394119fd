/**
 * A spawner helper: a small Node process that starts children for the lab, over IPC. Node forks
 * the whole parent to start a child, so the cost of a spawn grows with the parent's memory (the
 * Electron main process is big) and blocks the parent's thread meanwhile; a helper is small, and
 * several start children side by side on several cores. When the lab goes away (the channel
 * closes) the helper ends every child it started, then itself.
 */
import { startChild } from '../processes/run-child'
import { monotonicOffsetMs } from '../measure/clock'
import type { FromSpawner, ToSpawner } from '../processes/spawner-protocol'

const running = new Map<number, AbortController>()
const send = (message: FromSpawner): void => {
  // the lab may be gone (then this helper is on its way out): a reply nobody can read is dropped
  if (process.connected) process.send?.(message, undefined, undefined, () => {})
}

process.on('message', (message: ToSpawner) => {
  if (message.type === 'cancel') {
    running.get(message.id)?.abort()
    return
  }
  const controller = new AbortController()
  running.set(message.id, controller)
  const child = startChild({ ...message.spec, signal: controller.signal })
  if (child.pid !== undefined) send({ type: 'started', id: message.id, pid: child.pid })
  void child.outcome.then((outcome) => {
    running.delete(message.id)
    send({ type: 'done', id: message.id, outcome })
  })
})

// exiting runs run-child's exit hook, which kills the process group of every child still running
process.on('disconnect', () => process.exit(0))
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => process.exit(0))

send({ type: 'ready', monotonicOffsetMs: monotonicOffsetMs() })
