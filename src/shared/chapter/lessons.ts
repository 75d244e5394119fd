import type { ExperimentId } from '../experiments/catalog'

export type LessonId = 'processes' | 'threads' | 'races'

export interface Lesson {
  id: LessonId
  title: string
  /** The classic answer, as the chapter states it. */
  claim: string
  /** The experiments that answer it; the first gives the verdict's key figure. */
  experimentIds: readonly ExperimentId[]
}

/** The chapter's three lessons, in the order it teaches them. */
export const lessons: readonly Lesson[] = [
  {
    id: 'processes',
    title: 'Child processes run in parallel',
    claim: 'N children started at once finish in about the time of the longest one, not the sum of them all.',
    experimentIds: ['fanout', 'pipeline', 'timeout', 'capture', 'command'],
  },
  {
    id: 'threads',
    title: 'Threads help blocking I/O, not CPU work under one lock',
    claim: 'Threads that wait overlap their waits; threads that compute under one lock (the GIL, one event loop) take turns, and only separate processes or lock-free threads compute in parallel.',
    experimentIds: ['blocking-io', 'factorize'],
  },
  {
    id: 'races',
    title: 'Data races need locks',
    claim: 'Threads that read, add and write a shared counter without a lock lose updates; a lock or an atomic add keeps it exact, at a cost.',
    experimentIds: ['race'],
  },
]

export const lessonOf = (experimentId: string): Lesson | undefined => lessons.find((lesson) => (lesson.experimentIds as readonly string[]).includes(experimentId))
