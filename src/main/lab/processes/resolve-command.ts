import { resolve as resolvePath } from 'node:path'
import { LabError } from '../../../shared/errors'
import { shellSyntaxIn, splitCommandLine, type CommandFacts } from '../../../shared/experiments/command-line'
import { findProgram } from './find-program'
import { builtinFor } from './node-program'

/** A command the user typed, made ready to run: argv exactly as it will be started, and how it was read. */
export interface ResolvedCommand {
  file: string
  args: string[]
  env?: Record<string, string>
  /** What the user typed. */
  text: string
  /** What runs, program first (for a built-in, the Node program with its script). */
  argv: string[]
  shell: boolean
  /** system: the program found on PATH (or the shell); builtin: the lab's portable stand-in. */
  source: 'system' | 'builtin'
  /** Sentences for the result: how the command was read, and anything substituted. */
  notes: string[]
  /** Shell syntax in the words that went to the program literally (no shell was used). */
  literalShellSyntax: string[]
}

/** On PATH, or (for a name with a slash, like ./tool) relative to the working folder. */
async function locate(program: string): Promise<string | undefined> {
  return (await findProgram(program)) ?? (/[\\/]/.test(program) ? findProgram(resolvePath(program)) : undefined)
}

function shellArgv(text: string): { file: string; args: string[]; description: string } {
  if (process.platform === 'win32') {
    const comspec = process.env.ComSpec ?? 'cmd.exe'
    return { file: comspec, args: ['/d', '/s', '/c', text], description: `${comspec} /d /s /c` }
  }
  return { file: '/bin/sh', args: ['-c', text], description: '/bin/sh -c' }
}

/**
 * Reads the command line without a shell (split into argv by splitCommandLine) unless `shell`
 * is on. A program missing from PATH is replaced by a built-in stand-in when the lab has one
 * (echo, sleep, true, false); otherwise the sentence says what to do.
 */
export async function resolveCommand(text: string, shell: boolean): Promise<ResolvedCommand> {
  if (shell) {
    const { file, args, description } = shellArgv(text)
    return {
      file,
      args,
      text,
      argv: [file, ...args],
      shell: true,
      source: 'system',
      notes: [`Run through a shell (${description}), as you switched on: the shell reads quotes, variables, pipes and redirections, and its own start-up is part of every time measured.`],
      literalShellSyntax: [],
    }
  }
  const [program, ...args] = splitCommandLine(text)
  const notes = [`Run without a shell: the program "${program}" was started directly with ${args.length === 0 ? 'no arguments' : `the arguments ${args.map((a) => JSON.stringify(a)).join(', ')}`}.`]
  const literalShellSyntax = shellSyntaxIn([program!, ...args])
  if (literalShellSyntax.length > 0) {
    notes.push(`${literalShellSyntax.map((w) => JSON.stringify(w)).join(', ')} went to the program as plain text, because no shell was used; switch on shell if you meant a pipe, redirection, variable or wildcard.`)
  }
  const found = await locate(program!)
  if (found) return { file: program!, args, text, argv: [program!, ...args], shell: false, source: 'system', notes, literalShellSyntax }
  const builtin = builtinFor(program!, args)
  if (builtin) {
    notes.push(`"${program}" is not a program on this machine's PATH, so the lab ran its built-in stand-in (a tiny Node program that does the same).`)
    return { ...builtin, text, argv: [builtin.file, ...builtin.args], shell: false, source: 'builtin', notes, literalShellSyntax }
  }
  return { file: program!, args, text, argv: [program!, ...args], shell: false, source: 'system', notes, literalShellSyntax }
}

/** For benchmarks: a program that cannot be found makes measuring impossible, so say what to do. */
export async function requireProgram(command: ResolvedCommand): Promise<void> {
  if (command.shell || command.source === 'builtin') return
  if (await locate(command.file)) return
  throw new LabError(
    'program-not-found',
    `The program "${command.file}" was not found on PATH. Check the spelling, install it, give its full path, or switch on shell if it is a shell built-in${command.file.includes(' ') ? ' (the command was split at spaces; quote a path that contains spaces)' : ''}.`,
  )
}

/** What a result says about the command it ran. */
export const commandFacts = (command: ResolvedCommand): CommandFacts => ({
  command: command.text,
  argv: command.argv,
  shell: command.shell,
  programSource: command.source,
  notes: command.notes,
})
