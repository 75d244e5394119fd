#!/usr/bin/env node
// Runs Electronegativity (pinned, offline) over the built app. A high or medium finding fails the
// scan unless the source carries a written justification: a comment `electronegativity-justified: CHECK_ID`.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const target = join(root, process.env.CONCURRENCY_LAB_OUT ?? 'out')
const report = join(mkdtempSync(join(tmpdir(), 'electronegativity-')), 'findings.csv')
const bin = join(root, 'node_modules', '@doyensec', 'electronegativity', 'dist', 'index.js')
const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version

try {
  execFileSync(process.execPath, [bin, '-i', target, '-r', '-v', 'false', '-e', electronVersion, '-o', report], { stdio: 'ignore', timeout: 120_000 })
} catch (error) {
  console.error(`Electronegativity did not run: ${error.message}`)
  process.exit(2)
}

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.(ts|vue|html)$/.test(name) ? [path] : []
  })
}
const justified = new Map()
for (const file of sourceFiles(join(root, 'src'))) {
  for (const match of readFileSync(file, 'utf8').matchAll(/electronegativity-justified: ([A-Z_]+)/g)) justified.set(match[1], file.slice(root.length + 1))
}

const rows = readFileSync(report, 'utf8').trim().split('\n').slice(1)
const findings = rows.map((row) => {
  const [check, severity, confidence, file, location] = row.split(',').map((cell) => cell.replace(/^"|"$/g, ''))
  return { check, severity, confidence, file, location }
})
let unjustified = 0
for (const f of findings) {
  const serious = f.severity === 'HIGH' || f.severity === 'MEDIUM'
  const reason = justified.get(f.check)
  const verdict = !serious ? 'low, noted' : reason ? `justified in ${reason}` : 'UNJUSTIFIED'
  if (serious && !reason) unjustified++
  console.log(`${f.severity.padEnd(8)} ${f.check.padEnd(28)} ${`${f.file}:${f.location}`.padEnd(28)} ${verdict}`)
}
console.log(`electronegativity ${electronVersion ? `(Electron ${electronVersion})` : ''}: ${findings.length} findings, ${unjustified} high or medium without a justification`)
process.exit(unjustified > 0 ? 1 : 0)
