import { LabError } from '../../../shared/errors'

/** What the lab's Python scripts print: one JSON object on the last line of their output. */

/** The last non-empty line of a script's output (without splitting a report of megabytes into lines). */
export function lastLineOf(text: string): string {
  let end = text.length
  while (end > 0 && /\s/.test(text[end - 1]!)) end--
  return text.slice(text.lastIndexOf('\n', end - 1) + 1, end).trim()
}

/** The JSON object a script printed as its last line, or an error that says what came instead. */
export function readScriptResult<T>(script: string, lastLine: string): T {
  try {
    return JSON.parse(lastLine) as T
  } catch {
    throw new LabError('internal', `The Python script ${script} did not print its JSON result (last line: ${lastLine.slice(0, 120) || 'nothing'}).`)
  }
}
