import { LabError } from '../errors'
import { textParam } from './params'

/**
 * A command the user types, as one line. Without a shell it is split into argv here, by these
 * rules only: spaces separate words; '…' keeps everything inside as it is; "…" does too, except
 * that \" and \\ stand for " and \. Nothing else is special: no variables, globs, pipes or
 * redirections — such characters reach the program as they are.
 */
export const commandTextParam = (defaultCommand: string, help: string): ReturnType<typeof textParam> =>
  textParam({
    label: 'Command',
    help,
    default: defaultCommand,
    minLength: 1,
    maxLength: MAX_COMMAND_LENGTH,
    // control characters (newlines, NUL, escape sequences) have no place in one command line
    pattern: '^[^\\u0000-\\u001f\\u007f]*$',
    patternHelp: 'must be one line without control characters',
  })

const MAX_COMMAND_LENGTH = 1000
const MAX_ARGUMENTS = 200

export function splitCommandLine(text: string): string[] {
  const words: string[] = []
  let current = ''
  let inWord = false
  let quote: '"' | "'" | undefined
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!
    if (quote === "'") {
      if (char === "'") quote = undefined
      else current += char
    } else if (quote === '"') {
      if (char === '"') quote = undefined
      else if (char === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) current += text[++i]
      else current += char
    } else if (char === ' ' || char === '\t') {
      if (inWord) words.push(current)
      current = ''
      inWord = false
    } else {
      inWord = true
      if (char === '"' || char === "'") quote = char
      else current += char
    }
  }
  if (quote) throw new LabError('invalid-params', `The command has an opening ${quote} without its closing ${quote}. Close the quote, or switch on shell if the shell should read it.`)
  if (inWord) words.push(current)
  if (words.length === 0) throw new LabError('invalid-params', 'The command is empty. Type a program to run, as in: echo hello.')
  if (words.length > MAX_ARGUMENTS) throw new LabError('invalid-params', `The command has ${words.length} words; at most ${MAX_ARGUMENTS} are allowed.`)
  return words
}

const SHELL_SYNTAX = /^(\||\|\||&&|;|>|>>|<|2>|&)$|[$*?`~]|^>|^</

/** Words that only a shell would understand (a pipe, a redirection, $VAR, a glob): they reach the program literally without one. */
export function shellSyntaxIn(argv: readonly string[]): string[] {
  return argv.slice(1).filter((word) => SHELL_SYNTAX.test(word))
}

/** How a typed command ran, as every experiment that runs one reports it. */
export interface CommandFacts {
  /** What was typed. */
  command: string
  /** What ran, program first. */
  argv: string[]
  shell: boolean
  programSource: 'system' | 'builtin'
  /** How the command was read (shell or not, substitutions), in sentences. */
  notes: string[]
}
