import { LabError } from '../../../shared/errors'

export interface Excerpt {
  /** The excerpt's first line in the file, from 1. */
  startLine: number
  text: string
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const indentOf = (line: string): number => line.length - line.trimStart().length
const isBlank = (line: string): boolean => line.trim() === ''

/** The line that defines `symbol`: a Python def or class, or a TypeScript function (exported, async or not). */
function definitionLine(lines: readonly string[], symbol: string, language: 'python' | 'typescript'): number {
  const name = escapeRegExp(symbol)
  const pattern = language === 'python' ? new RegExp(`^\\s*(?:async\\s+)?(?:def|class)\\s+${name}\\b`) : new RegExp(`^\\s*(?:export\\s+)?(?:async\\s+)?function\\s+${name}\\b`)
  return lines.findIndex((line) => pattern.test(line))
}

/** Where the comments just above a definition begin (a doc comment, # lines, decorators). */
function leadingCommentStart(lines: readonly string[], definition: number, language: 'python' | 'typescript'): number {
  const isComment = language === 'python' ? (line: string) => /^\s*(#|@)/.test(line) : (line: string) => /^\s*(\/\/|\/\*|\*)/.test(line)
  let start = definition
  while (start > 0 && isComment(lines[start - 1]!)) start--
  return start
}

/** The last line of a definition: Python's block ends where the indentation comes back; TypeScript's at its closing brace. */
function definitionEnd(lines: readonly string[], definition: number, language: 'python' | 'typescript'): number {
  const indent = indentOf(lines[definition]!)
  for (let i = definition + 1; i < lines.length; i++) {
    const line = lines[i]!
    if (isBlank(line) || indentOf(line) > indent) continue
    if (language === 'typescript') return line.trimStart().startsWith('}') ? i : i - 1
    let end = i - 1
    while (end > definition && isBlank(lines[end]!)) end--
    return end
  }
  let end = lines.length - 1
  while (end > definition && isBlank(lines[end]!)) end--
  return end
}

/**
 * The definition of `symbol` in `source`, with the comments just above it, cut from the file as it
 * is: the lesson shows the code the lab runs, never a copy that could drift from it.
 */
export function excerptOf(source: string, symbol: string, file: string): Excerpt {
  const language = file.endsWith('.py') ? 'python' : 'typescript'
  const lines = source.split(/\r?\n/)
  const definition = definitionLine(lines, symbol, language)
  if (definition < 0) throw new LabError('internal', `${file} defines no ${symbol}, which the lesson shows; name the function the lesson runs instead.`)
  const start = leadingCommentStart(lines, definition, language)
  const end = definitionEnd(lines, definition, language)
  const shown = lines.slice(start, end + 1)
  const common = Math.min(...shown.filter((line) => !isBlank(line)).map(indentOf))
  return { startLine: start + 1, text: shown.map((line) => line.slice(common)).join('\n') }
}
