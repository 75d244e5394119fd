import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { isIP } from 'node:net'
import { extname, join, normalize, sep } from 'node:path'
import type { LabDoor } from '../../main/lab/lab'
import { LabError, type Envelope } from '../../shared/errors'

export interface HostOptions {
  lab: LabDoor
  /** The built renderer (out/renderer). */
  rendererDir: string
  host?: string
  port?: number
  /** Fixed for tests; random otherwise. */
  token?: string
}

export interface RunningHost {
  url: string
  token: string
  server: Server
  close(): Promise<void>
}

const MAX_BODY_BYTES = 1024 * 1024
/** An imported result file may be large; every other request is small. */
const MAX_IMPORT_BODY_BYTES = 48 * 1024 * 1024
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
}
const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cache-Control': 'no-store',
}

export const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host)

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8' })
  res.end(JSON.stringify(body))
}

function refuse(res: ServerResponse, status: number, message: string): void {
  const envelope: Envelope<never> = { ok: false, error: { name: 'LabError', code: 'not-available', message } }
  sendJson(res, status, envelope)
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > maxBytes) throw new RangeError(`A request body may hold at most ${maxBytes} bytes.`)
    chunks.push(chunk as Buffer)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  return text.trim() === '' ? undefined : (JSON.parse(text) as unknown)
}

/** The shortest token accepted: as long as the random one (24 bytes, base64url), so guessing it stays hopeless. */
const MIN_TOKEN_LENGTH = 32

/** Why a token given from outside (CONCURRENCY_LAB_TOKEN) would not protect the host, or undefined when it would. */
function tokenProblem(token: string): string | undefined {
  if (token.length < MIN_TOKEN_LENGTH) return `The token must be at least ${MIN_TOKEN_LENGTH} characters long (it has ${token.length}): anyone who guesses it can run programs as you through the lab. Leave CONCURRENCY_LAB_TOKEN unset for a random one.`
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return 'The token may hold only letters, digits, "_" and "-", so that it stays one path segment of the URL. Leave CONCURRENCY_LAB_TOKEN unset for a random one.'
  return undefined
}

/** The media type of a Content-Type header, without its parameters: "application/json; charset=utf-8" → "application/json". */
const mediaType = (header: string | undefined): string => (header ?? '').split(';')[0]!.trim().toLowerCase()

/**
 * The browser face of the lab: the built renderer and the contract over HTTP, every URL under
 * a random token (/<token>/…), Host and Origin checked against DNS rebinding and other sites.
 */
export async function startHttpHost(options: HostOptions): Promise<RunningHost> {
  const { lab } = options
  const bindHost = options.host ?? '127.0.0.1'
  const problem = options.token === undefined ? undefined : tokenProblem(options.token)
  if (problem) throw new LabError('invalid-params', problem)
  const token = options.token ?? randomBytes(24).toString('base64url')
  const streams = new Set<ServerResponse>()
  let allowedHosts = new Set<string>()
  // Bound to every interface, the names users reach it by are unknown: the token is then the only guard.
  const acceptsAnyHost = bindHost === '0.0.0.0' || bindHost === '::'

  const unsubscribe = lab.events.subscribe((name, payload) => {
    const frame = `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`
    for (const stream of streams) stream.write(frame)
  })

  const serveStatic = async (res: ServerResponse, relative: string): Promise<void> => {
    const file = normalize(join(options.rendererDir, relative === '' ? 'index.html' : relative))
    if (!file.startsWith(options.rendererDir + sep) && file !== join(options.rendererDir, 'index.html')) return refuse(res, 404, 'Not found.')
    try {
      const body = await readFile(file)
      res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' })
      res.end(body)
    } catch {
      refuse(res, 404, 'Not found.')
    }
  }

  const server = createServer((req, res) => {
    void (async () => {
      const hostHeader = req.headers.host ?? ''
      if (!acceptsAnyHost && !allowedHosts.has(hostHeader.toLowerCase())) return refuse(res, 421, `This host serves ${[...allowedHosts][0]} only.`)
      const origin = req.headers.origin
      if (origin !== undefined && origin !== `http://${hostHeader}`) return refuse(res, 403, 'Requests from other sites are refused.')
      // only the origin-form target (/path): an absolute-form one (http://host/path) would carry a host of its own
      const target = req.url ?? ''
      if (!target.startsWith('/') || target.startsWith('//')) return refuse(res, 400, 'Requests name a path on this host (/…), not a full URL.')
      const url = new URL(target, `http://${hostHeader}`)
      const [, given = '', ...rest] = url.pathname.split('/')
      if (!sameToken(given, token)) return refuse(res, 403, 'This address needs the token that `concurrency-lab serve` printed.')
      const route = rest.join('/')
      if (route === 'events' && req.method === 'GET') {
        res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream', Connection: 'keep-alive' })
        res.write(': connected\n\n')
        streams.add(res)
        req.on('close', () => streams.delete(res))
        return
      }
      if (route.startsWith('api/')) {
        if (req.method !== 'POST') return refuse(res, 405, 'Requests are sent with POST.')
        if (mediaType(req.headers['content-type']) !== 'application/json') return refuse(res, 415, 'Requests are sent as application/json.')
        let body: unknown
        try {
          body = await readBody(req, route === 'api/importResult' || route === 'api/importBundle' ? MAX_IMPORT_BODY_BYTES : MAX_BODY_BYTES)
        } catch (error) {
          const tooLarge = error instanceof RangeError
          // the rest of an oversized body is never read: close the connection rather than reuse it
          if (tooLarge) res.setHeader('Connection', 'close')
          return sendJson(res, tooLarge ? 413 : 400, { ok: false, error: { name: 'LabError', code: 'invalid-params', message: tooLarge ? error.message : 'The request body is not valid JSON.' } })
        }
        return sendJson(res, 200, await lab.request(route.slice(4), body))
      }
      if (req.method !== 'GET') return refuse(res, 405, 'Only GET is served here.')
      return serveStatic(res, decodeURIComponent(route))
    })().catch(() => {
      if (!res.headersSent) refuse(res, 500, 'The host failed to answer this request.')
      else res.end()
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, bindHost, () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const hostForUrl = isIP(bindHost) === 6 ? `[${bindHost}]` : bindHost
  const names = isLoopback(bindHost) ? ['127.0.0.1', 'localhost', '[::1]', hostForUrl] : [hostForUrl]
  allowedHosts = new Set(names.map((n) => `${n}:${port}`.toLowerCase()))

  return {
    url: `http://${hostForUrl}:${port}/${token}/`,
    token,
    server,
    close: async () => {
      unsubscribe()
      for (const stream of streams) stream.end()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
