import { LabError } from './errors'

/**
 * The lesson's CPU-bound work: all divisors of a number by trial division, trying every i
 * from 1 to n. It is deliberately naive (no square-root shortcut) so the work grows with n,
 * exactly as in the lesson's Python, and a number's share of the work is its share of the sum.
 */

/** The numbers of the lesson. */
export const LESSON_NUMBERS: readonly number[] = [2139079, 218502, 589213, 789123]

/** Their divisors, worked out independently (Python, range(1, n + 1)); a reference for tests and runs. */
export const LESSON_DIVISORS: ReadonlyMap<number, readonly number[]> = new Map([
  [2139079, [1, 101, 21179, 2139079]],
  [218502, [1, 2, 3, 6, 9, 18, 61, 122, 183, 199, 366, 398, 549, 597, 1098, 1194, 1791, 3582, 12139, 24278, 36417, 72834, 109251, 218502]],
  [589213, [1, 589213]],
  [789123, [1, 3, 17, 51, 15473, 46419, 263041, 789123]],
])

/** Why `n` cannot be factorized, as a sentence; undefined when it can. */
export function factorizeProblem(n: unknown): string | undefined {
  if (typeof n !== 'number' || Number.isNaN(n)) return `${String(n)} is not a number; factorize needs whole numbers from 1 to ${Number.MAX_SAFE_INTEGER}.`
  if (!Number.isFinite(n)) return `${n} is not a finite number; factorize needs whole numbers from 1 to ${Number.MAX_SAFE_INTEGER}.`
  if (!Number.isInteger(n)) return `${n} is not a whole number; factorize needs whole numbers from 1 to ${Number.MAX_SAFE_INTEGER}.`
  if (n < 1) return `${n} has no finite list of divisors to find; factorize needs whole numbers from 1 to ${Number.MAX_SAFE_INTEGER}.`
  if (n > Number.MAX_SAFE_INTEGER) return `${n} is too large to be counted exactly in JavaScript (the largest exact whole number is ${Number.MAX_SAFE_INTEGER}); choose a smaller number.`
  return undefined
}

export function assertFactorizable(n: unknown): asserts n is number {
  const problem = factorizeProblem(n)
  if (problem) throw new LabError('invalid-params', problem)
}

/** Appends to `out` the divisors of n among i in [from, to); resumable, for interleaved work. */
export function collectDivisors(n: number, from: number, to: number, out: number[]): void {
  for (let i = from; i < to; i++) {
    if (n % i === 0) out.push(i)
  }
}

/** All divisors of n, ascending, by trying every i from 1 to n. */
export function divisorsOf(n: number): number[] {
  assertFactorizable(n)
  const out: number[] = []
  collectDivisors(n, 1, n + 1, out)
  return out
}

/** Trial divisions needed for n: the unit of work of this experiment. */
export const trialDivisionsOf = (n: number): number => n

/** Index of the first list that differs between a and b, or -1 when they are identical. */
export function firstDifference(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number {
  const n = Math.max(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a[i]
    const y = b[i]
    if (!x || !y || x.length !== y.length) return i
    for (let j = 0; j < x.length; j++) if (x[j] !== y[j]) return i
  }
  return -1
}

/** Checks divisor lists of lesson numbers against the reference; returns how many were checked, or throws. */
export function checkAgainstReference(numbers: readonly number[], lists: readonly (readonly number[])[]): number {
  let checked = 0
  numbers.forEach((n, i) => {
    const expected = LESSON_DIVISORS.get(n)
    if (!expected) return
    const got = lists[i]
    if (!got || firstDifference([expected], [got]) !== -1) {
      throw new LabError('internal', `The divisors found for ${n} (${got?.join(', ') ?? 'none'}) differ from the reference (${expected.join(', ')}): the computation is wrong.`)
    }
    checked++
  })
  return checked
}
