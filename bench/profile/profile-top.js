/**
 * Summarises a V8 CPU profile (node --cpu-prof): self time by function and, for a few named
 * areas, the share of the profile spent inside them (inclusive).
 *   node bench/profile/profile-top.js <file.cpuprofile> [top=25] [--within execa --except ChildProcess.spawn]
 * --within/--except: the time with a frame of that package (or function) on the stack, but not
 * under the excepted function: e.g. execa's own JavaScript, apart from the spawn() it calls.
 * --long-tasks 20: every stretch of at least 20 ms without an idle sample (the event loop busy),
 * with the functions it spent its time in (self time) and the deepest frames of the lab's own code.
 */
import { readFileSync } from 'node:fs'

const flag = (name) => {
  const index = process.argv.indexOf(`--${name}`)
  return index >= 0 ? process.argv[index + 1] : undefined
}
const [file, topText = '25'] = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !(i > 0 && all[i - 1].startsWith('--')))
const profile = JSON.parse(readFileSync(file, 'utf8'))
const byId = new Map(profile.nodes.map((node) => [node.id, node]))
const parentOf = new Map()
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id)
const deltas = profile.timeDeltas
const selfUs = new Map()
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i] ?? 0)))
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0)
const label = (node) => {
  const f = node.callFrame
  const where = f.url ? `${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(out[^/]*\/)/, '$1')}:${f.lineNumber + 1}` : ''
  return `${f.functionName || '(anonymous)'} ${where}`.trim()
}
const byLabel = new Map()
for (const [id, us] of selfUs) {
  const key = label(byId.get(id))
  byLabel.set(key, (byLabel.get(key) ?? 0) + us)
}
console.log(`total sampled ${(totalUs / 1000).toFixed(0)} ms`)
for (const [key, us] of [...byLabel].sort((a, b) => b[1] - a[1]).slice(0, Number(topText))) {
  console.log(`${((us / totalUs) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(1).padStart(8)} ms  ${key}`)
}
// inclusive time by package/file: a sample counts once for every distinct file on its stack
const inclusive = new Map()
profile.samples.forEach((id, i) => {
  const seen = new Set()
  for (let at = id; at !== undefined; at = parentOf.get(at)) {
    const url = byId.get(at).callFrame.url
    const area = url.includes('node_modules/') ? url.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+).*$/, '$1') : url.startsWith('node:') ? url : url ? url.replace(/^.*\//, '') : '(native)'
    seen.add(area)
  }
  for (const area of seen) inclusive.set(area, (inclusive.get(area) ?? 0) + (deltas[i] ?? 0))
})
console.log('\ninclusive by file or package')
for (const [area, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${((us / totalUs) * 100).toFixed(1).padStart(5)}%  ${area}`)

const within = flag('within')
if (within) {
  const except = flag('except')
  const matches = (node, name) => node.callFrame.functionName === name || node.callFrame.url.includes(`node_modules/${name}/`) || node.callFrame.url.endsWith(`/${name}`)
  let insideUs = 0
  profile.samples.forEach((id, i) => {
    let inside = false
    let excluded = false
    for (let at = id; at !== undefined; at = parentOf.get(at)) {
      const node = byId.get(at)
      if (except && matches(node, except) && !inside) excluded = true
      if (matches(node, within)) inside = true
    }
    if (inside && !excluded) insideUs += deltas[i] ?? 0
  })
  console.log(`\nwithin ${within}${except ? `, not under ${except}` : ''}: ${(insideUs / 1000).toFixed(1)} ms (${((insideUs / totalUs) * 100).toFixed(1)}%)`)
}

const longTaskMs = Number(flag('long-tasks') ?? 0)
if (longTaskMs > 0) {
  const isIdle = (id) => ['(idle)', '(program)'].includes(byId.get(id).callFrame.functionName) && byId.get(id).callFrame.url === ''
  const ownFrame = (id) => {
    for (let at = id; at !== undefined; at = parentOf.get(at)) {
      const url = byId.get(at).callFrame.url
      if (/\/(out[^/]*|src|bench|concurrency-lab-bench)\//.test(url) && !url.includes('node_modules/execa')) return label(byId.get(at))
    }
    return '(none)'
  }
  let runStart = -1
  let runUs = 0
  let atUs = profile.startTime
  const tasks = []
  const flush = (end) => {
    if (runStart >= 0 && runUs / 1000 >= longTaskMs) tasks.push({ from: runStart, to: end, us: runUs, atMs: (atUs - profile.startTime) / 1000 })
    runStart = -1
    runUs = 0
  }
  profile.samples.forEach((id, i) => {
    atUs += deltas[i] ?? 0
    if (isIdle(id)) return flush(i)
    if (runStart < 0) runStart = i
    runUs += deltas[i + 1] ?? 0
  })
  flush(profile.samples.length)
  console.log(`\n${tasks.length} stretches of ≥ ${longTaskMs} ms without idling`)
  for (const task of tasks) {
    const self = new Map()
    const own = new Map()
    for (let i = task.from; i < task.to; i++) {
      const key = label(byId.get(profile.samples[i]))
      self.set(key, (self.get(key) ?? 0) + (deltas[i + 1] ?? 0))
      const mine = ownFrame(profile.samples[i])
      own.set(mine, (own.get(mine) ?? 0) + (deltas[i + 1] ?? 0))
    }
    const top = (map) => [...map].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([k, us]) => `${(us / 1000).toFixed(1)} ms ${k}`).join('; ')
    console.log(`- ${(task.us / 1000).toFixed(1)} ms at ${task.atMs.toFixed(0)} ms: ${top(self)}\n    lab code: ${top(own)}`)
  }
}
