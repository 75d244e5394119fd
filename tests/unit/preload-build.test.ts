import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

/*
 * A sandboxed renderer loads a preload as one CommonJS script that may require electron and
 * nothing else: the shared contract it is built from must end up inside that one file.
 * Checked on the build the unit tests start from (tests/unit/global-setup.ts).
 */
const preloadDir = resolve(process.env.CONCURRENCY_LAB_OUT ?? 'out', 'preload')

describe('the built preload', () => {
  it('is a single CommonJS file', () => {
    expect(readdirSync(preloadDir)).toEqual(['index.cjs'])
  })

  it('requires electron only, has no import or export statements, and exposes window.lab', () => {
    const code = readFileSync(join(preloadDir, 'index.cjs'), 'utf8')
    const required = [...code.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((match) => match[1])
    expect(new Set(required)).toEqual(new Set(['electron']))
    expect(code).not.toMatch(/^\s*(import|export)\b[\s{*"']/m)
    expect(code).not.toMatch(/\bimport\(/)
    expect(code).toMatch(/exposeInMainWorld\(\s*["']lab["']/)
  })
})
