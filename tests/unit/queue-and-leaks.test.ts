import { execa } from 'execa'
import { mkdtempSync, readFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RunResult } from '../../src/shared/model/result'
import { descendantsOf, labChildren, processAlive } from './helpers/processes'
import { testLab } from './helpers/lab'

const cli = resolve(process.env.CONCURRENCY_LAB_OUT ?? 'out', 'main', 'cli.js')

function post(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, agent: false }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => done({ status: res.statusCode ?? 0, body: text }))
    })
    req.on('error', fail)
    req.end(body)
  })
}

/** `concurrency-lab serve` in a fresh data folder, once it has printed its URL. */
async function startServe() {
  const dataDir = mkdtempSync(join(tmpdir(), 'lab-serve-'))
  const host = execa('node', [cli, 'serve', '--port', '0', '--data-dir', dataDir], { env: { CONCURRENCY_LAB_TOKEN: 'leak-test-token-0123456789abcdef' }, reject: false })
  const url = await new Promise<string>((done, fail) => {
    host.stderr?.on('data', (chunk: Buffer) => {
      const match = /serving at (\S+)/.exec(chunk.toString())
      if (match) done(match[1]!)
    })
    void host.then(() => fail(new Error('serve ended before printing its URL')))
  })
  return { host, url }
}

describe('several runs asked for at once', () => {
  it('run one at a time, in order, and all finish', async () => {
    const lab = testLab()
    const finished: RunResult[] = []
    const allDone = new Promise<void>((done) =>
      lab.events.subscribe((name, payload) => {
        if (name === 'runFinished') finished.push((payload as { result: RunResult }).result)
        if (finished.length === 3) done()
      }),
    )
    const ids = [1, 2, 3].map(() => lab.runs.start('fanout', { children: 2, seconds: 0.05, runs: 1, warmup: 0 }).runId)
    expect(lab.runs.status(ids[2]!).state).toBe('queued')
    await allDone
    expect(finished.map((r) => r.runId)).toEqual(ids)
    for (let i = 1; i < finished.length; i++) expect(Date.parse(finished[i]!.startedAt)).toBeGreaterThanOrEqual(Date.parse(finished[i - 1]!.finishedAt))
    await lab.shutdown()
  })

  it('cancelling a queued run removes it without running it', async () => {
    const lab = testLab()
    const first = lab.runs.start('fanout', { children: 1, seconds: 0.3, runs: 1, warmup: 0 }).runId
    const second = lab.runs.start('fanout', { children: 1, seconds: 0.3, runs: 1, warmup: 0 }).runId
    expect(lab.runs.cancel(second)).toBe(true)
    await lab.runs.settled(second)
    expect(lab.runs.status(second).state).toBe('cancelled')
    await lab.runs.settled(first)
    expect(lab.runs.status(first).state).toBe('completed')
    await lab.shutdown()
  })
})

describe('the command line host', () => {
  it('answers 100 requests in parallel, and leaves no child behind when stopped mid-run', async () => {
    const { host, url } = await startServe()
    const replies = await Promise.all(Array.from({ length: 100 }, () => post(`${url}api/getMachineInfo`, '')))
    expect(replies.every((r) => r.status === 200 && JSON.parse(r.body).ok === true)).toBe(true)

    const started = JSON.parse((await post(`${url}api/startRun`, JSON.stringify({ experimentId: 'fanout', params: { children: 5, seconds: 30, warmup: 0, runs: 1, program: 'builtin' } }))).body)
    expect(started.ok).toBe(true)
    await new Promise((done) => setTimeout(done, 1500))
    const children = descendantsOf(host.pid!)
    expect(children.length).toBeGreaterThan(0)
    host.kill('SIGTERM')
    const ended = await host
    expect(ended.exitCode).toBe(0)
    expect(ended.stderr).toMatch(/Stopping/)
    await new Promise((done) => setTimeout(done, 200))
    expect(children.filter(processAlive)).toEqual([])
  })
})

describe('the command line host, stopped twice', () => {
  it('a second Ctrl+C ends every child at once, even one that ignores SIGTERM, and exits with 130', async () => {
    const { host, url } = await startServe()
    const started = JSON.parse((await post(`${url}api/startRun`, JSON.stringify({ experimentId: 'command', params: { command: "trap '' TERM; sleep 30", shell: true, warmup: 0, runs: 1, maxParallel: 1, launcher: 'app' } }))).body)
    expect(started.ok).toBe(true)
    // started by Node's own spawn in the engine's thread ('app'), the child is ended by the engine's shutdown only:
    // the vfork addon would end its own children with the thread anyway
    const commandOf = (pid: number): string => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
      } catch {
        return '' // already gone
      }
    }
    let children: number[] = []
    for (let waited = 0; !children.some((pid) => commandOf(pid) === 'sleep') && waited < 10_000; waited += 50) {
      await new Promise((done) => setTimeout(done, 50))
      children = descendantsOf(host.pid!)
    }
    expect(children.map(commandOf)).toContain('sleep')
    const begin = performance.now()
    host.kill('SIGINT')
    await new Promise((done) => setTimeout(done, 100))
    host.kill('SIGINT')
    const ended = await host
    expect(ended.exitCode).toBe(130)
    // the orderly way would wait out the command's grace after SIGTERM (a second) and the shutdown's deadline
    expect(performance.now() - begin).toBeLessThan(3000)
    await new Promise((done) => setTimeout(done, 200))
    expect(children.filter(processAlive)).toEqual([])
  })
})

describe('quitting during a run', () => {
  it('ends within its deadline even when a child ignores SIGTERM, and leaves nothing behind', async () => {
    const lab = testLab()
    // the command experiment waits a second after SIGTERM before SIGKILL: an orderly shutdown takes at least that long
    const { runId } = lab.runs.start('command', { command: "trap '' TERM; sleep 30", shell: true, warmup: 0, runs: 1, maxParallel: 1 })
    let children: number[] = []
    for (let waited = 0; children.length === 0 && waited < 10_000; waited += 50) {
      await new Promise((done) => setTimeout(done, 50))
      children = labChildren(lab)
    }
    expect(children.length).toBeGreaterThan(0)
    const helpers = lab.spawners.pids()
    const begin = performance.now()
    await lab.shutdown({ withinMs: 200 })
    expect(performance.now() - begin).toBeLessThan(900)
    await new Promise((done) => setTimeout(done, 100))
    expect([...children, ...helpers].filter(processAlive)).toEqual([])
    expect(lab.runs.status(runId).state).not.toBe('running')
  })
})
