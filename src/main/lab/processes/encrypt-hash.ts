import { setImmediate as nextTurn } from 'node:timers/promises'
import { createHash } from 'node:crypto'
import { LabError } from '../../../shared/errors'
import type { PipelineMode, PipelineParams } from '../../../shared/experiments/pipeline'
import { findProgram } from './find-program'
import { builtinHash, type ProgramCommand } from './node-program'
import { BACKGROUND_NICENESS } from '../workers/priority'
import { startChild, type ChildOutcome, type RunningChild } from './run-child'

/** The password reaches openssl through this environment variable (-pass env:NAME), never on its command line. */
export const PASSWORD_VARIABLE = 'CONCURRENCY_LAB_PASSWORD'
const STAGE_TIMEOUT_MS = 60_000
const STDERR_KEPT_BYTES = 4096

export interface PipelineTools {
  openssl: string
  hash: ProgramCommand
  hashSource: 'system' | 'builtin'
  algorithm: 'md5' | 'sha256'
}

const HASH_CANDIDATES: Record<'md5' | 'sha256', { file: string; args: string[] }[]> = {
  md5: [
    { file: 'md5sum', args: [] },
    { file: 'md5', args: ['-q'] }, // macOS
  ],
  sha256: [
    { file: 'sha256sum', args: [] },
    { file: 'shasum', args: ['-a', '256'] }, // macOS
  ],
}

export async function resolvePipelineTools(params: Pick<PipelineParams, 'hash' | 'hashProgram'>): Promise<PipelineTools> {
  const openssl = await findProgram('openssl')
  if (!openssl) {
    throw new LabError(
      'program-not-found',
      'The program "openssl" was not found on PATH, and the encryption stage needs it. Install OpenSSL: apt install openssl (Debian, Ubuntu), dnf install openssl (Fedora), brew install openssl (macOS), or winget install ShiningLight.OpenSSL.Light (Windows; Git for Windows also ships one).',
    )
  }
  const algorithm = params.hash
  if (params.hashProgram !== 'builtin') {
    for (const candidate of HASH_CANDIDATES[algorithm]) {
      const found = await findProgram(candidate.file)
      if (found) return { openssl, hash: { file: found, args: candidate.args }, hashSource: 'system', algorithm }
    }
    if (params.hashProgram === 'system') {
      const names = HASH_CANDIDATES[algorithm].map((c) => c.file).join(' or ')
      throw new LabError(
        'program-not-found',
        `No ${algorithm.toUpperCase()} program was found on PATH (looked for ${names}). Install coreutils (apt install coreutils, brew install coreutils), or choose hash program "builtin" (a small Node program that hashes its input).`,
      )
    }
  }
  return { openssl, hash: builtinHash(algorithm), hashSource: 'builtin', algorithm }
}

export interface PipelineJob {
  index: number
  plaintext: Buffer
  /** Hex; given to openssl with -S so that the same input always encrypts to the same bytes. */
  salt: string
}

export interface EncryptSettings {
  cipher: string
  pbkdf2: boolean
  password: string
}

export function encryptArgs(settings: Pick<EncryptSettings, 'cipher' | 'pbkdf2'>, salt: string): string[] {
  return ['enc', `-${settings.cipher}`, ...(settings.pbkdf2 ? ['-pbkdf2'] : []), '-pass', `env:${PASSWORD_VARIABLE}`, '-S', salt]
}

export const emptyInputHash = (algorithm: 'md5' | 'sha256'): string => createHash(algorithm).digest('hex')

/** The first hash-shaped word the hash stage printed ("<hex>  -" from md5sum, the bare hex from md5 -q). */
export function parseHash(stdout: string, algorithm: 'md5' | 'sha256'): string | null {
  const length = algorithm === 'md5' ? 32 : 64
  return new RegExp(`\\b([0-9a-f]{${length}})\\b`, 'i').exec(stdout)?.[1]?.toLowerCase() ?? null
}

/** The app's own view of the encrypted bytes: encrypt once more, alone, and hash what comes out with node:crypto. */
export async function referenceHash(tools: PipelineTools, settings: EncryptSettings, job: PipelineJob, signal: AbortSignal): Promise<{ hash: string; bytes: number }> {
  const child = startChild({
    file: tools.openssl,
    args: encryptArgs(settings, job.salt),
    env: { [PASSWORD_VARIABLE]: settings.password },
    input: job.plaintext,
    stdout: 'caller',
    timeoutMs: STAGE_TIMEOUT_MS,
    niceness: BACKGROUND_NICENESS,
    maxCaptureBytes: STDERR_KEPT_BYTES,
    signal,
  })
  const hasher = createHash(tools.algorithm)
  let bytes = 0
  child.stdout?.on('data', (chunk: Buffer) => {
    hasher.update(chunk)
    bytes += chunk.length
  })
  child.stdout?.resume()
  const outcome = await child.outcome
  if (outcome.startError) throw new LabError(outcome.startError.code ?? 'internal', outcome.startError.message)
  if (outcome.exitCode !== 0 && !outcome.cancelled) {
    const reason = outcome.stderr.text.trim().split('\n').filter(Boolean).slice(-2).join(' ') || 'no message'
    throw new LabError('internal', `openssl ${encryptArgs(settings, job.salt).slice(0, 2).join(' ')} failed on this machine (${outcome.signal ? `killed by ${outcome.signal}` : `exit code ${outcome.exitCode}`}): ${reason}. Choose another cipher.`)
  }
  return { hash: hasher.digest('hex'), bytes }
}

export interface PipelineRun {
  job: PipelineJob
  encrypt: ChildOutcome
  hash: ChildOutcome
  /** Bytes of openssl's output the parent read (book: taken from the hash stage; tee: relayed to it). */
  parentReadBytes: number
  teeHash?: string
}

/**
 * One encrypt → hash pipeline, in the order of the lesson's code: start openssl and write its
 * input (stdin stays open), start the hash stage on openssl's stdout pipe, later "communicate"
 * (close openssl's stdin and wait for it), and finally collect the hash.
 */
export class Pipeline {
  private parentReadBytes = 0

  private constructor(
    readonly job: PipelineJob,
    private readonly mode: PipelineMode,
    private readonly encrypt: RunningChild,
    private readonly hash: RunningChild,
    /** Set when the parent relays openssl's output to the hash stage, hashing it on the way. */
    private readonly tee: ReturnType<typeof createHash> | undefined,
  ) {}

  /**
   * Starts both stages, each on its own turn of the event loop: a spawn holds this thread for
   * milliseconds (more in a big process), and two in one turn would double the stall. Meanwhile
   * openssl's output waits in its pipe, paused, so nothing is lost or read early.
   */
  static async start(job: PipelineJob, mode: PipelineMode, tools: PipelineTools, settings: EncryptSettings, signal: AbortSignal): Promise<Pipeline> {
    const encrypt = startChild({
      file: tools.openssl,
      args: encryptArgs(settings, job.salt),
      env: { [PASSWORD_VARIABLE]: settings.password },
      stdin: 'pipe',
      stdout: 'caller',
      timeoutMs: STAGE_TIMEOUT_MS,
      niceness: BACKGROUND_NICENESS,
      maxCaptureBytes: STDERR_KEPT_BYTES,
      signal,
    })
    encrypt.stdin?.write(job.plaintext)
    await nextTurn()
    const encryptedOut = encrypt.stdout
    if (mode === 'tee' || !encryptedOut) {
      // the parent stays the only reader of openssl's output and relays it (communicate() below)
      const hash = startChild({ ...tools.hash, stdin: 'pipe', timeoutMs: STAGE_TIMEOUT_MS, niceness: BACKGROUND_NICENESS, signal })
      return new Pipeline(job, mode, encrypt, hash, createHash(tools.algorithm))
    }
    // the hash stage's stdin is openssl's stdout pipe itself: the kernel passes the bytes straight on
    const hash = startChild({ ...tools.hash, stdin: encryptedOut, timeoutMs: STAGE_TIMEOUT_MS, niceness: BACKGROUND_NICENESS, signal })
    // the fix: the parent lets go of its own copy of the pipe, so the hash stage is its only reader
    if (mode === 'fixed') encryptedOut.destroy()
    return new Pipeline(job, mode, encrypt, hash, undefined)
  }

  /** The stages' pids, where they started. */
  pids(): number[] {
    return [this.encrypt.pid, this.hash.pid].filter((pid): pid is number => pid !== undefined)
  }

  /** Like Python's proc.communicate() on the openssl process: close its stdin, read its stdout (book, tee), wait for it. */
  async communicate(): Promise<void> {
    const encryptedOut = this.encrypt.stdout
    if (!encryptedOut) {
      this.hash.stdin?.end() // openssl never ran: give the hash stage its end of input
    } else if (this.mode === 'book') {
      encryptedOut.on('data', (chunk: Buffer) => (this.parentReadBytes += chunk.length))
      // Node stops reading a stream it hands to a child, to prevent exactly this race; the book's code reads anyway
      encryptedOut.resume()
    } else if (this.mode === 'tee' && this.hash.stdin) {
      encryptedOut.on('data', (chunk: Buffer) => {
        this.tee?.update(chunk)
        this.parentReadBytes += chunk.length
      })
      // if the hash stage dies early, keep draining openssl so that it can finish
      encryptedOut.once('unpipe', () => encryptedOut.resume())
      encryptedOut.pipe(this.hash.stdin)
    }
    this.encrypt.stdin?.end()
    await this.encrypt.outcome
  }

  async finish(): Promise<PipelineRun> {
    const [encrypt, hash] = await Promise.all([this.encrypt.outcome, this.hash.outcome])
    return { job: this.job, encrypt, hash, parentReadBytes: this.parentReadBytes, teeHash: this.tee?.digest('hex') }
  }
}
