/** Display glue shared by the Processes screen's panels. */

/** An argv as one line a reader could paste into a shell: words with spaces or quotes are quoted. */
export function argvText(argv: readonly string[]): string {
  return argv.map(quoteWord).join(' ')
}

function quoteWord(word: string): string {
  if (word === '') return "''"
  if (!/[\s'"\\$`*?;&|<>()#~]/.test(word)) return word
  // double quotes read best, where nothing inside them is special to a shell
  if (!/["\\$`]/.test(word)) return `"${word}"`
  return `'${word.replace(/'/g, `'\\''`)}'`
}

export const pythonStatusText = (status: number | null): string => (status === null ? '—' : String(status))
