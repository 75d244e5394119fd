/**
 * The bare baseline: worker threads answering postMessage with postMessage (bench/workers/echo.js),
 * behind the least a pool needs: a FIFO queue, one task in flight per thread, replies matched
 * in order, a promise per task.
 */
import { Worker } from 'node:worker_threads'

export async function startBarePool(filename, size) {
  const queue = []
  const idle = []
  const threads = []
  const send = (thread, task) => {
    thread.current = task
    thread.worker.postMessage(task.input)
  }
  await Promise.all(
    Array.from({ length: size }, () => {
      const worker = new Worker(filename)
      const thread = { worker, current: undefined }
      threads.push(thread)
      return new Promise((resolve, reject) => {
        worker.once('error', reject)
        worker.once('message', () => {
          worker.on('message', (value) => {
            const task = thread.current
            const next = queue.shift()
            if (next) send(thread, next)
            else {
              thread.current = undefined
              idle.push(thread)
            }
            task.resolve(value)
          })
          idle.push(thread)
          resolve()
        })
      })
    }),
  )
  return {
    run(input) {
      return new Promise((resolve) => {
        const task = { input, resolve }
        const thread = idle.pop()
        if (thread) send(thread, task)
        else queue.push(task)
      })
    },
    destroy: () => Promise.all(threads.map((t) => t.worker.terminate())),
  }
}

/** Time from creating `size` threads to every one having said it is ready (its first message). */
export async function bareStartupMs(filename, size, workerOptions) {
  const begin = performance.now()
  const workers = []
  const ready = []
  for (let i = 0; i < size; i++) {
    const worker = new Worker(filename, workerOptions)
    workers.push(worker)
    ready.push(new Promise((resolve, reject) => {
      worker.once('error', reject)
      worker.once('message', resolve)
    }))
  }
  await Promise.all(ready)
  const ms = performance.now() - begin
  await Promise.all(workers.map((w) => w.terminate()))
  return ms
}
