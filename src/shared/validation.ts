import type { z } from 'zod'
import { LabError } from './errors'

function describeInput(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value)
  return Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined
    current = (current as Record<PropertyKey, unknown>)[key]
  }
  return current
}

/** One sentence per problem: "children must be a whole number from 1 to 1000; got 0." */
export function formatIssues(issues: readonly z.core.$ZodIssue[], input: unknown, subject: string): string {
  const sentences = issues.slice(0, 5).map((issue) => {
    const path = issue.path.map(String).join('.')
    // a check across parameters (empty path, or marked when moved under a field) says in its own words what it got
    const saysWhatItGot = issue.code === 'custom' && (issue.path.length === 0 || issue.params?.saysWhatItGot === true)
    const got = issue.code === 'unrecognized_keys' || saysWhatItGot ? '' : `; got ${describeInput(valueAt(input, issue.path))}`
    const where = path && !issue.message.startsWith(path.split('.').pop() ?? '') ? `${path}: ` : ''
    return `${where}${issue.message}${got}.`
  })
  const hidden = issues.length - 5
  const more = hidden > 0 ? ` ${hidden === 1 ? 'One more problem is not shown.' : `${hidden} more problems are not shown.`}` : ''
  // one value can break two rules with the same sentence (too large, and not a safe whole number)
  return `Invalid ${subject}: ${[...new Set(sentences)].join(' ')}${more}`
}

export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, subject: string): T {
  const parsed = schema.safeParse(input)
  if (!parsed.success) throw new LabError('invalid-params', formatIssues(parsed.error.issues, input, subject), parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })))
  return parsed.data
}
