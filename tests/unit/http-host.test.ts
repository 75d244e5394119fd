import { mkdtempSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHttpHost, type RunningHost } from '../../src/cli/serve/http-host'
import { testLab } from './helpers/lab'

interface Reply {
  status: number
  body: string
}

function send(host: RunningHost, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  const url = new URL(host.url)
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

const lab = testLab()
let host: RunningHost
const json = { 'Content-Type': 'application/json' }

beforeAll(async () => {
  const rendererDir = mkdtempSync(join(tmpdir(), 'lab-renderer-'))
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>lab</title>')
  host = await startHttpHost({ lab, rendererDir, port: 0 })
})
afterAll(async () => {
  await host.close()
  await lab.shutdown()
})

describe('the browser host', () => {
  it('binds loopback and prints a URL with a long random token', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{32}\/$/)
  })

  it('serves the app and the API under the token only', async () => {
    expect((await send(host, `/${host.token}/`)).status).toBe(200)
    expect((await send(host, '/')).status).toBe(403)
    expect((await send(host, `/${host.token.slice(0, -1)}${host.token.endsWith('x') ? 'y' : 'x'}/`)).status).toBe(403)
    const ok = await send(host, `/${host.token}/api/getMachineInfo`, { method: 'POST', headers: json, body: '' })
    expect(ok.status).toBe(200)
    expect(JSON.parse(ok.body).value.logicalCores).toBeGreaterThan(0)
    expect((await send(host, `/wrong/api/getMachineInfo`, { method: 'POST', headers: json })).status).toBe(403)
    expect((await send(host, `/wrong/events`)).status).toBe(403)
  })

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin', async () => {
    expect((await send(host, `/${host.token}/`, { headers: { Host: 'attacker.example:80' } })).status).toBe(421)
    const cross = await send(host, `/${host.token}/api/getMachineInfo`, { method: 'POST', headers: { ...json, Origin: 'http://attacker.example' } })
    expect(cross.status).toBe(403)
  })

  it('answers a bad request with an envelope and a sentence', async () => {
    const bad = await send(host, `/${host.token}/api/startRun`, { method: 'POST', headers: json, body: '{"experimentId":"fanout","params":{"children":-1}}' })
    const body = JSON.parse(bad.body)
    expect(body.ok).toBe(false)
    expect(body.error.message).toMatch(/children must be a whole number from 1 to 1000; got -1\./)
    const notJson = await send(host, `/${host.token}/api/startRun`, { method: 'POST', headers: json, body: '{' })
    expect(JSON.parse(notJson.body).error.message).toBe('The request body is not valid JSON.')
    const unknown = await send(host, `/${host.token}/api/runShell`, { method: 'POST', headers: json, body: '{}' })
    expect(JSON.parse(unknown.body).error.code).toBe('unknown-channel')
    const huge = await send(host, `/${host.token}/api/startRun`, { method: 'POST', headers: json, body: 'x'.repeat(2 * 1024 * 1024) })
    expect(huge.status).toBe(413)
  })

  it('refuses a weak token given from outside, with a sentence', async () => {
    const rendererDir = mkdtempSync(join(tmpdir(), 'lab-renderer-'))
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>lab</title>')
    for (const weak of ['', 'x', 'short-but-not-32-characters']) {
      await expect(startHttpHost({ lab, rendererDir, port: 0, token: weak })).rejects.toThrow(/at least 32 characters long/)
    }
    await expect(startHttpHost({ lab, rendererDir, port: 0, token: 'a'.repeat(31) + '/' })).rejects.toThrow(/only letters, digits/)
    const strong = await startHttpHost({ lab, rendererDir, port: 0, token: 'A'.repeat(16) + '_-0123456789abcd' })
    expect((await send(strong, `/${strong.token}/`)).status).toBe(200)
    await strong.close()
  })

  it('takes the path only from an origin-form request target, never from an absolute URL', async () => {
    const url = new URL(host.url)
    const absolute = await send(host, `http://${url.host}/${host.token}/api/getMachineInfo`, { method: 'POST', headers: json, body: '' })
    expect(absolute.status).toBe(400)
    expect(absolute.body).toMatch(/not a full URL/)
    expect((await send(host, `//${host.token}/`)).status).toBe(400)
  })

  it('compares the media type exactly: application/json, with or without parameters', async () => {
    const path = `/${host.token}/api/getMachineInfo`
    expect((await send(host, path, { method: 'POST', headers: { 'Content-Type': 'application/jsonevil' }, body: '' })).status).toBe(415)
    expect((await send(host, path, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '' })).status).toBe(415)
    expect((await send(host, path, { method: 'POST', headers: { 'Content-Type': 'Application/JSON; charset=utf-8' }, body: '' })).status).toBe(200)
  })

  it('does not serve files outside the renderer folder', async () => {
    expect((await send(host, `/${host.token}/..%2f..%2fetc%2fpasswd`)).status).toBe(404)
    expect((await send(host, `/${host.token}/../../etc/passwd`)).status).toBe(403)
  })
})
