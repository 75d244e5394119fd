import type { ExperimentId, ScreenId } from './catalog'

/** Where a lesson's code lives: a function, method or class, found by its name in a file of the lab. */
export interface CodeAnchor {
  runtime: 'python' | 'node'
  /** The file, from the root of the project (resources/python/race.py). */
  file: string
  /** The name of the function, method or class the excerpt shows. */
  symbol: string
}

export type LessonId = 'processes' | 'threads' | 'races'

export interface Lesson {
  id: LessonId
  /** The screen that holds the lesson's experiments. */
  screen: Extract<ScreenId, LessonId>
  title: string
  /** The lesson's claim in one sentence. */
  claim: string
  /** The experiment that answers the claim, run with its defaults. */
  experimentId: ExperimentId
  /** Every experiment of the lesson, the one that answers it first (the chapter's report groups them so). */
  experimentIds: readonly ExperimentId[]
  /** The Python original as the lab runs it, then the Node code that does the same. */
  code: CodeAnchor[]
}

/** The three lessons of the chapter, in the order they are taught. */
export const lessons: readonly Lesson[] = [
  {
    id: 'processes',
    screen: 'processes',
    title: 'Processes run in parallel',
    claim: 'A child process runs in parallel with the app: the operating system schedules it on any free core, and the app only waits for its exit.',
    experimentId: 'fanout',
    experimentIds: ['fanout', 'pipeline', 'timeout', 'capture', 'command'],
    code: [
      { runtime: 'python', file: 'resources/python/launcher.py', symbol: 'start' },
      { runtime: 'node', file: 'src/main/lab/processes/limit.ts', symbol: 'mapLimited' },
    ],
  },
  {
    id: 'threads',
    screen: 'threads',
    title: 'Threads help blocking I/O, not CPU work',
    claim: 'Threads help while they wait (blocking I/O); CPU work only speeds up when threads really run at the same time on different cores.',
    experimentId: 'factorize',
    experimentIds: ['factorize', 'blocking-io'],
    code: [
      { runtime: 'python', file: 'resources/python/threads.py', symbol: 'factorize' },
      { runtime: 'node', file: 'src/shared/factorize.ts', symbol: 'collectDivisors' },
      { runtime: 'node', file: 'src/main/lab/workers/compute-tasks.ts', symbol: 'factorizeList' },
    ],
  },
  {
    id: 'races',
    screen: 'races',
    title: 'Data races need locks',
    claim: 'Two threads doing read–add–write on one counter lose updates unless a lock or an atomic operation makes the step indivisible.',
    experimentId: 'race',
    experimentIds: ['race'],
    code: [
      { runtime: 'python', file: 'resources/python/race.py', symbol: 'Counter' },
      { runtime: 'python', file: 'resources/python/race.py', symbol: 'LockingCounter' },
      { runtime: 'node', file: 'src/main/lab/races/increment.ts', symbol: 'readAddWrite' },
      { runtime: 'node', file: 'src/main/lab/races/increment.ts', symbol: 'incrementAtomic' },
      { runtime: 'node', file: 'src/main/lab/races/increment.ts', symbol: 'incrementWithMutex' },
    ],
  },
]

export const lessonOn = (screen: string): Lesson | undefined => lessons.find((l) => l.screen === screen)

export const lessonOf = (experimentId: string): Lesson | undefined => lessons.find((lesson) => (lesson.experimentIds as readonly string[]).includes(experimentId))

/** One excerpt of a lesson's code, cut from the file the lab runs. */
export interface CodeExcerpt extends CodeAnchor {
  /** The excerpt's first line in its file, from 1. */
  startLine: number
  text: string
}

export interface LessonCode {
  lessonId: LessonId
  excerpts: CodeExcerpt[]
}
