import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { dispatch } from '../../src/main/lab/dispatch'
import { excerptOf } from '../../src/main/lab/lessons/excerpt'
import { lessonCode, lessonSources } from '../../src/main/lab/lessons/lesson-code'
import { lessons } from '../../src/shared/experiments/lessons'
import { testLab } from './helpers/lab'

/** Each lesson shows the code the lab runs: cut from the real files, never a copy that could drift. */

describe('lesson code', () => {
  it('every file a lesson names is bundled exactly as it is on disk', () => {
    const named = new Set(lessons.flatMap((l) => l.code.map((c) => c.file)))
    expect(Object.keys(lessonSources).sort()).toEqual([...named].sort())
    for (const file of named) expect(lessonSources[file], file).toBe(readFileSync(file, 'utf8'))
  })

  it('every excerpt is found in its file, starts at its definition and is the file text at that line', () => {
    for (const lesson of lessonCode()) {
      const anchors = lessons.find((l) => l.id === lesson.lessonId)!.code
      expect(lesson.excerpts.map((e) => e.symbol)).toEqual(anchors.map((a) => a.symbol))
      expect(lesson.excerpts.some((e) => e.runtime === 'python') && lesson.excerpts.some((e) => e.runtime === 'node'), lesson.lessonId).toBe(true)
      for (const excerpt of lesson.excerpts) {
        const fileLines = readFileSync(excerpt.file, 'utf8').split('\n')
        const excerptLines = excerpt.text.split('\n')
        expect(excerpt.text).toMatch(new RegExp(`(def|class|function) ${excerpt.symbol}\\b`))
        // the excerpt is the file's own lines (without their common indentation), from its start line on
        excerptLines.forEach((line, i) => expect(fileLines[excerpt.startLine - 1 + i]!.trim(), `${excerpt.file}:${excerpt.startLine + i}`).toBe(line.trim()))
      }
    }
  })

  it('the lesson code holds what each lesson is about', () => {
    const text = (id: string): string => lessonCode().find((l) => l.lessonId === id)!.excerpts.map((e) => e.text).join('\n')
    expect(text('processes')).toContain('subprocess.Popen(')
    expect(text('threads')).toContain('number % i == 0')
    expect(text('threads')).toContain('n % i === 0')
    expect(text('races')).toContain('with self.lock:')
    expect(text('races')).toContain('Atomics.add(cells, COUNTER_CELL, 1)')
  })

  it('cuts a Python method at its end and a TypeScript function at its closing brace, with the comments above', () => {
    const python = 'class A:\n    def one(self):\n        """Doc."""\n        return 1\n\n    # the second\n    def two(self):\n        if True:\n            return 2\n\n\nprint(1)\n'
    expect(excerptOf(python, 'one', 'a.py')).toEqual({ startLine: 2, text: 'def one(self):\n    """Doc."""\n    return 1' })
    expect(excerptOf(python, 'two', 'a.py')).toEqual({ startLine: 6, text: '# the second\ndef two(self):\n    if True:\n        return 2' })
    const ts = 'const x = 1\n/** Adds. */\nexport async function add(a: number): Promise<number> {\n  if (a) {\n    return a\n  }\n  return 0\n}\nfunction other() {}\n'
    expect(excerptOf(ts, 'add', 'a.ts')).toEqual({ startLine: 2, text: '/** Adds. */\nexport async function add(a: number): Promise<number> {\n  if (a) {\n    return a\n  }\n  return 0\n}' })
    expect(() => excerptOf(ts, 'missing', 'a.ts')).toThrow('a.ts defines no missing, which the lesson shows')
  })

  it('the engine serves the excerpts through the typed channel', async () => {
    const reply = await dispatch(testLab().handlers, 'getLessonCode', undefined)
    expect(reply).toEqual({ ok: true, value: { lessons: lessonCode() } })
  })
})
