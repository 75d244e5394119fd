import { stringFlag, type ParsedArgs } from '../args'
import { LabError } from '../../shared/errors'
import type { LabDoor } from '../../main/lab/lab'
import { isLoopback, startHttpHost, type RunningHost } from '../serve/http-host'

export async function serve(lab: LabDoor, args: ParsedArgs, rendererDir: string, log: (line: string) => void): Promise<RunningHost> {
  const host = stringFlag(args, 'host') ?? '127.0.0.1'
  const portText = stringFlag(args, 'port') ?? '0'
  const port = Number(portText)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new LabError('invalid-params', `--port must be a whole number from 0 to 65535 (0 picks a free port); got ${portText}.`)
  if (!isLoopback(host)) log(`Warning: serving on ${host}, reachable from other machines. Anyone with the URL (it holds the token) can run programs on this machine through the lab.`)
  const running = await startHttpHost({ lab, rendererDir, host, port, token: process.env.CONCURRENCY_LAB_TOKEN })
  log(`Concurrency Lab is serving at ${running.url}`)
  log('Open that URL in a browser. Press Ctrl+C to stop.')
  return running
}
