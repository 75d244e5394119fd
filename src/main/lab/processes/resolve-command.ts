import { LabError } from '../../../shared/errors'
import { shellSyntaxIn, splitCommandLine, type CommandFacts } from '../../../shared/experiments/command-line'
import { hostLookupFacts, lookUpProgram, type ProgramLookupFacts } from './find-program'
import { builtinFor } from './node-program'
import { envValue } from './process-tree'

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
  /** Windows: the arguments are one command line for cmd.exe, passed as they are (see shellArgv). */
  windowsVerbatimArguments?: boolean
  /** system: the program found on PATH (or the shell); builtin: the lab's portable stand-in. */
  source: 'system' | 'builtin'
  /** Sentences for the result: how the command was read, and anything substituted. */
  notes: string[]
  /** Shell syntax in the words that went to the program literally (no shell was used). */
  literalShellSyntax: string[]
}

interface ShellArgv {
  file: string
  args: string[]
  windowsVerbatimArguments?: boolean
  description: string
}

/**
 * The shell that reads a command line, as Node's own `shell: true` starts it. On Windows, cmd.exe
 * with /d /s /c "<line>": /s makes it drop the outer quotes and keep every other quote as typed,
 * and the line goes unquoted (windowsVerbatimArguments), since Node's quoting for ordinary
 * programs would escape the quotes inside.
 */
export function shellArgv(text: string, platform: NodeJS.Platform, env: NodeJS.ProcessEnv): ShellArgv {
  if (platform === 'win32') {
    const comspec = envValue(env, 'ComSpec', platform) ?? 'cmd.exe'
    if (/^(?:.*\\)?cmd(?:\.exe)?$/i.test(comspec)) {
      return { file: comspec, args: ['/d', '/s', '/c', `"${text}"`], windowsVerbatimArguments: true, description: `${comspec} /d /s /c` }
    }
    return { file: comspec, args: ['-c', text], description: `${comspec} -c` }
  }
  return { file: '/bin/sh', args: ['-c', text], description: '/bin/sh -c' }
}

/** Characters cmd.exe reads itself, even inside quotes: each is escaped with ^. */
const CMD_SPECIAL = /([()\][%!^"`<>&|;, *?])/g

/**
 * One word of a command line for cmd.exe that starts a batch file: quoted as the Microsoft C
 * runtime reads arguments (backslashes doubled before a quote, quotes escaped), then every
 * character cmd.exe would act on escaped with ^, so that an argument cannot become a command.
 */
export function quoteForCmd(word: string): string {
  const quoted = `"${word.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\*)$/, '$1$1')}"`
  return quoted.replace(CMD_SPECIAL, '^$1')
}

/** The batch file itself, first on that line: not quoted (cmd.exe would take the quotes as part of its name), only escaped. */
export const escapeForCmd = (path: string): string => path.replace(CMD_SPECIAL, '^$1')

/**
 * Reads the command line without a shell (split into argv by splitCommandLine) unless `shell`
 * is on. A program missing from PATH is replaced by a built-in stand-in when the lab has one
 * (echo, sleep, true, false); otherwise the sentence says what to do.
 */
export async function resolveCommand(text: string, shell: boolean, facts: ProgramLookupFacts = hostLookupFacts()): Promise<ResolvedCommand> {
  if (shell) {
    const { file, args, windowsVerbatimArguments, description } = shellArgv(text, facts.platform, facts.env)
    return {
      file,
      args,
      windowsVerbatimArguments,
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
  const found = await lookUpProgram(program!, facts)
  if (found?.needsShell) {
    const line = [escapeForCmd(found.path), ...args.map(quoteForCmd)].join(' ')
    const { file, args: shellArgs, windowsVerbatimArguments, description } = shellArgv(line, facts.platform, facts.env)
    notes.push(`"${program}" is the batch file ${found.path}: Windows runs those only through cmd.exe, so the lab started it with ${description} and every argument quoted and escaped for cmd.exe, which reads it.`)
    return { file, args: shellArgs, windowsVerbatimArguments, text, argv: [file, ...shellArgs], shell: true, source: 'system', notes, literalShellSyntax }
  }
  if (found) return { file: program!, args, text, argv: [program!, ...args], shell: false, source: 'system', notes, literalShellSyntax }
  const builtin = builtinFor(program!, args)
  if (builtin) {
    notes.push(`"${program}" is not a program on this machine's PATH, so the lab ran its built-in stand-in (a tiny Node program that does the same).`)
    return { ...builtin, text, argv: [builtin.file, ...builtin.args], shell: false, source: 'builtin', notes, literalShellSyntax }
  }
  return { file: program!, args, text, argv: [program!, ...args], shell: false, source: 'system', notes, literalShellSyntax }
}

/** For benchmarks: a program that cannot be found makes measuring impossible, so say what to do. */
export async function requireProgram(command: ResolvedCommand, facts: ProgramLookupFacts = hostLookupFacts()): Promise<void> {
  if (command.shell || command.source === 'builtin') return
  if (await lookUpProgram(command.file, facts)) return
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
