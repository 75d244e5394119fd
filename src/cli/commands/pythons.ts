import { interpreterGilText, interpreterLabel } from '../../shared/model/interpreter-label'
import type { InterpreterList } from '../../shared/model/machine'
import { formatDurationMs } from '../../shared/units'

/** `concurrency-lab pythons`: every interpreter found, one block each, the unusable ones with their reason. */
export function pythonsText(list: InterpreterList): string {
  const lines: string[] = []
  for (const interpreter of list.interpreters) {
    if (interpreter.found) {
      lines.push(`${interpreterLabel(interpreter)}  ${interpreter.executable ?? interpreter.command}`)
      lines.push(`    GIL ${interpreterGilText(interpreter)}${interpreter.switchIntervalS === undefined ? '' : `; switch interval ${formatDurationMs(interpreter.switchIntervalS * 1000)}`}`)
    } else {
      lines.push(`not usable  ${interpreter.command}`)
      lines.push(`    ${interpreter.reason ?? 'did not answer the probe'}`)
    }
    lines.push(`    found in ${(interpreter.foundAt ?? []).map((at) => `${at.source} (${at.path})`).join(', ')}`)
  }
  if (list.interpreters.length === 0) lines.push('No Python was found. Install Python 3 (python.org, your package manager, pyenv or uv), or name one with --python.')
  lines.push(`Looked in ${list.searched.length} places in ${formatDurationMs(list.tookMs)}: ${list.searched.join('; ')}.`)
  return `${lines.join('\n')}\n`
}
