/** Starts spawn-helper.js processes and sends them requests one at a time. */
import { fork } from 'node:child_process'
import { join } from 'node:path'
import { repoRoot } from './paths.js'

export async function startHelper(ballastMb) {
  const child = fork(join(repoRoot, 'bench', 'lib', 'spawn-helper.js'), ['--ballast-mb', String(ballastMb)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  process.once('exit', () => child.kill())
  const pending = new Map()
  let nextId = 0
  let readyRssMb = 0
  await new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`The spawn helper (${ballastMb} MB) exited with code ${code} before it was ready.`)))
    child.once('message', (message) => {
      readyRssMb = message.rssMb
      resolve()
    })
  })
  child.removeAllListeners('exit')
  child.on('exit', (code) => {
    for (const { reject } of pending.values()) reject(new Error(`The spawn helper (${ballastMb} MB) exited with code ${code}.`))
    pending.clear()
  })
  child.on('message', (message) => {
    const waiter = pending.get(message.id)
    if (!waiter) return
    pending.delete(message.id)
    if (message.error) waiter.reject(new Error(message.error))
    else waiter.resolve(message)
  })
  return {
    rssMb: () => readyRssMb,
    request(body) {
      const id = ++nextId
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject })
        child.send({ id, ...body })
      })
    },
    stop() {
      return new Promise((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill()
      })
    },
  }
}
