/** Display glue for the command panel: exit codes as badges, throughput as text. */

/** "code 0: 19 runs", "SIGTERM: 1 run", most frequent first; ok marks a clean exit. */
export function exitCodeEntries(exitCodes: Record<string, number>): { label: string; count: number; ok: boolean; text: string }[] {
  return Object.entries(exitCodes)
    .map(([code, count]) => {
      const label = /^-?\d+$/.test(code) ? `code ${code}` : code
      return { label, count, ok: code === '0', text: `${label}: ${count} ${count === 1 ? 'run' : 'runs'}` }
    })
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label))
}

export const formatThroughput = (perSecond: number): string => (Number.isFinite(perSecond) ? `${perSecond >= 100 ? perSecond.toFixed(0) : perSecond.toFixed(1)} runs/s` : '—')
