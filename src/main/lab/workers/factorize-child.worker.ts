import { divisorsOf } from '../../../shared/factorize'
import { monotonicNowMs } from '../measure/clock'
import { lowerThisProcessPriority } from './priority'
import { divisorsInSlices, type StampedSlice } from './stamp-slices'

/**
 * A child process of the factorize experiment: reads {"numbers": [...], "stampSlices"?: true} on stdin and prints one
 * JSON line with the divisors of each and, on the machine's monotonic clock (see measure/clock.ts),
 * when it started running and when its work began and ended, so the parent can tell start-up from work.
 */
export interface FactorizeChildReply {
  divisors: number[][]
  scriptStartedAtMonotonicMs: number
  workStartedAtMonotonicMs: number
  workFinishedAtMonotonicMs: number
  /** With stampSlices (the traced trial): the slices of the work, on the monotonic clock. */
  slices?: StampedSlice[]
  perStampNs?: number
}

const scriptStartedAtMonotonicMs = monotonicNowMs()
lowerThisProcessPriority() // as the pool's threads, so the comparison stays fair and the app stays responsive
const chunks: Buffer[] = []
process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk))
process.stdin.on('end', () => {
  try {
    const { numbers, stampSlices } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { numbers: number[]; stampSlices?: boolean }
    const workStartedAtMonotonicMs = monotonicNowMs()
    const sliced = stampSlices ? divisorsInSlices(numbers) : undefined
    const divisors = sliced ? sliced.divisors : numbers.map((n) => divisorsOf(n))
    const reply: FactorizeChildReply = { divisors, scriptStartedAtMonotonicMs, workStartedAtMonotonicMs, workFinishedAtMonotonicMs: monotonicNowMs(), slices: sliced?.slices, perStampNs: sliced?.perStampNs }
    process.stdout.write(`${JSON.stringify(reply)}\n`)
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`)
    process.exitCode = 1
  }
})
