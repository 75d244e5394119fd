/**
 * Colours by meaning, so a variant looks the same on every chart. Built on Okabe and Ito's
 * palette for colour-vision deficiencies: tests/unit/palette-colour-vision.test.ts simulates
 * protanopia, deuteranopia and tritanopia and keeps every pair apart.
 */
export const palette = {
  serial: '#e69f00',
  parallel: '#0072b2',
  /** a light tint of parallel: the starting part of the same bar */
  spawning: '#a9cbe6',
  ideal: '#7a7a7a',
  measured: '#d55e00',
  failed: '#c92a2a',
  killed: '#cc79a7',
  marker: '#009e73',
  series: ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#6f6f6f'],
}

export const seriesColor = (index: number): string => palette.series[index % palette.series.length]!

/** The background of a chart drawn away from the page (a report written by the command line). */
export const reportChartBackground = '#ffffff'
