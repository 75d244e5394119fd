/** Text into HTML element content or a quoted attribute. */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break; quotes doubled. */
export const csvField = (value: string | number | boolean): string => {
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** Text that Markdown must show as written: its punctuation escaped, line breaks as spaces. */
export const escapeMarkdown = (text: string): string => text.replace(/\r?\n/g, ' ').replace(/([\\`*_[\]<>|#~])/g, '\\$1')

/** As code in a table cell when it can be (hyperfine's style), else as escaped text. */
export const markdownCode = (text: string): string => (/[`|\r\n]/.test(text) ? escapeMarkdown(text) : `\`${text}\``)
