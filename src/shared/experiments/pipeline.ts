import { formatBytes } from '../units'
import { booleanParam, enumParam, intParam, type ParamValues } from './params'
import type { SpawnAccount } from './processes'

const PIPELINE_CIPHERS = ['des3', 'aes-128-cbc', 'aes-256-cbc', 'aes-256-ctr', 'chacha20', 'camellia-256-cbc'] as const
export const PIPELINE_MODES = ['fixed', 'book', 'tee'] as const
/** Plaintext held in memory for one run at most (pipelines × bytes). */
export const PIPELINE_MAX_TOTAL_BYTES = 256 * 1024 * 1024

export const pipelineParamSpecs = {
  pipelines: intParam({ label: 'Pipelines', help: 'How many encrypt → hash pipelines (two children each).', min: 1, max: 200, default: 3 }),
  bytes: intParam({ label: 'Bytes each', help: 'Random bytes fed into each pipeline (the lesson uses 10).', min: 1, max: 8 * 1024 * 1024, default: 10, unit: 'B' }),
  cipher: enumParam({ label: 'Cipher', help: 'The openssl enc cipher (des3 as in the lesson).', options: PIPELINE_CIPHERS, default: 'des3' }),
  hash: enumParam({ label: 'Hash', help: 'md5 (md5sum, or md5 on macOS) as in the lesson, or sha256 (sha256sum or shasum).', options: ['md5', 'sha256'] as const, default: 'md5' }),
  mode: enumParam({
    label: 'Mode',
    help: 'fixed: the parent lets go of the pipe it hands to the hash stage; book: the lesson\'s code as printed, where the parent also reads that pipe and races the hash stage; tee: the parent relays the bytes and hashes them itself.',
    options: PIPELINE_MODES,
    default: 'fixed',
  }),
  pbkdf2: booleanParam({ label: 'PBKDF2 key derivation', help: 'Pass -pbkdf2 to openssl. Off as in the lesson, so OpenSSL 3 warns on stderr about its old key derivation (a warning, not a failure).', default: false }),
  hashProgram: enumParam({
    label: 'Hash program',
    help: 'system: md5sum/md5 or sha256sum/shasum from PATH; builtin: a tiny Node program that hashes its stdin (works everywhere); auto: system if found, else builtin.',
    options: ['auto', 'system', 'builtin'] as const,
    default: 'auto',
  }),
  runs: intParam({ label: 'Runs', help: 'Measured runs of each variant (serial and parallel are interleaved).', min: 1, max: 50, default: 5 }),
  warmup: intParam({ label: 'Warm-up runs', help: 'Unmeasured runs of each variant before measuring.', min: 0, max: 10, default: 1 }),
} as const

export type PipelineParams = ParamValues<typeof pipelineParamSpecs>
export type PipelineMode = (typeof PIPELINE_MODES)[number]

/** verified: the hash stage's hash is the app's own hash of the encrypted bytes; empty-input: it hashed nothing. */
export type PipelineStatus = 'verified' | 'empty-input' | 'mismatch' | 'failed'

export interface PipelineRow {
  variant: 'serial' | 'parallel'
  trial: number
  pipeline: number
  /** What the hash stage printed (parsed), or null when it printed no hash. */
  hashed: string | null
  /** The app's own hash (node:crypto) of the bytes the encryption stage produced. */
  expected: string
  status: PipelineStatus
  /** Bytes of the encryption stage's output that the parent read from the pipe (book mode: the bytes it took from the hash stage). */
  parentReadBytes: number
  /** tee mode: the app's hash of the bytes it relayed. */
  teeHash?: string
  /** How the two children ended, in words. */
  encryptEnd: string
  hashEnd: string
}

export interface PipelineCounts {
  total: number
  verified: number
  emptyInput: number
  mismatch: number
  failed: number
}

export interface PipelineData {
  mode: PipelineMode
  /** What the mode does with the pipe, and why that is right or wrong. */
  modeSentence: string
  /** The fix for the book's code, in words. */
  fixSentence: string
  /** How verification works, and what it found. */
  verificationSentence: string
  /** The encryption stage as run; the password is in the environment variable, never on the command line. */
  encryptArgv: string[]
  passwordVariable: string
  hashArgv: string[]
  hashProgramSource: 'system' | 'builtin'
  hashAlgorithm: 'md5' | 'sha256'
  /** The hash stage as a reader knows it: "md5sum", "built-in md5". */
  hashName?: string
  /** The hash of empty input (d41d8cd9… for MD5): what the hash stage prints when the parent took every byte. */
  emptyInputHash: string
  pipelines: number
  bytesPerPipeline: number
  /** Bytes one encryption stage writes for that input. */
  encryptedBytesPerPipeline: number
  /** Over all measured pipelines, and per variant. */
  counts: PipelineCounts
  countsByVariant: { serial: PipelineCounts; parallel: PipelineCounts }
  /** Every measured pipeline (at most rowsLimit; rowsTotal says how many there were). */
  rows: PipelineRow[]
  rowsTotal: number
  /** openssl's stderr: a sample, how many pipelines wrote any, and what it means. */
  encryptStderr: { sample: string; pipelinesWithStderr: number; sentence: string }
  spawnParallel: SpawnAccount
  spawnSerial: SpawnAccount
  /** Why parallel was not near the ideal speedup, from what held it back ('' when it was near). */
  speedupSentence?: string
}

/** The fix for the book's code is worth reading where the book's code ran, or where a hash was not verified. */
export const showsPipelineFix = (data: Pick<PipelineData, 'mode' | 'counts'>): boolean => data.mode === 'book' || data.counts.verified < data.counts.total

/** What the ranges alone cannot check: the input held in memory (pipelines × bytes). */
export function pipelineParamsProblem(params: Pick<PipelineParams, 'pipelines' | 'bytes'>): string | undefined {
  const total = params.pipelines * params.bytes
  if (total <= PIPELINE_MAX_TOTAL_BYTES) return undefined
  return `pipelines × bytes must stay within ${formatBytes(PIPELINE_MAX_TOTAL_BYTES)} (the input is kept in memory); ${params.pipelines} × ${formatBytes(params.bytes)} is ${formatBytes(total)}. Use fewer pipelines or fewer bytes`
}
