/** Colours by meaning, so a variant looks the same on every chart. */
export const palette = {
  serial: '#8a6d3b',
  parallel: '#2b7bb9',
  spawning: '#a9cbe6',
  ideal: '#7a7a7a',
  measured: '#d9480f',
  failed: '#c92a2a',
  killed: '#862e9c',
  marker: '#5c940d',
  series: ['#2b7bb9', '#d9480f', '#5c940d', '#862e9c', '#e67700', '#0b7285', '#c2255c', '#495057'],
}

export const seriesColor = (index: number): string => palette.series[index % palette.series.length]!

/** The panel colour of the theme in use (the theme setting or the system's), for exported images. */
export function chartBackground(): string {
  const panel = typeof getComputedStyle === 'function' ? getComputedStyle(document.documentElement).getPropertyValue('--panel').trim() : ''
  return panel || (window.matchMedia?.('(prefers-color-scheme: dark)').matches ? '#1e1f22' : '#ffffff')
}
