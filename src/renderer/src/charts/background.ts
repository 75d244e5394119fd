/** The panel colour of the theme in use (the theme setting or the system's), for exported images. */
export function chartBackground(): string {
  const panel = typeof getComputedStyle === 'function' ? getComputedStyle(document.documentElement).getPropertyValue('--panel').trim() : ''
  return panel || (window.matchMedia?.('(prefers-color-scheme: dark)').matches ? '#1e1f22' : '#ffffff')
}
