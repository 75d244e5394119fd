import { lessons, type LessonCode } from '../../../shared/experiments/lessons'
import { excerptOf } from './excerpt'
// The files as they are, bundled when the engine is built: the packaged app has no sources to read.
import launcherPy from '../../../../resources/python/launcher.py?raw'
import racePy from '../../../../resources/python/race.py?raw'
import threadsPy from '../../../../resources/python/threads.py?raw'
import factorizeTs from '../../../shared/factorize.ts?raw'
import limitTs from '../processes/limit.ts?raw'
import incrementTs from '../races/increment.ts?raw'
import computeTasksTs from '../workers/compute-tasks.ts?raw'

/** Every file a lesson shows code from, by its path from the project's root. */
export const lessonSources: Readonly<Record<string, string>> = {
  'resources/python/launcher.py': launcherPy,
  'resources/python/race.py': racePy,
  'resources/python/threads.py': threadsPy,
  'src/shared/factorize.ts': factorizeTs,
  'src/main/lab/processes/limit.ts': limitTs,
  'src/main/lab/races/increment.ts': incrementTs,
  'src/main/lab/workers/compute-tasks.ts': computeTasksTs,
}

/** Each lesson's code: the Python original and its Node counterpart, cut from the files the lab runs. */
export function lessonCode(sources: Readonly<Record<string, string>> = lessonSources): LessonCode[] {
  return lessons.map((lesson) => ({
    lessonId: lesson.id,
    excerpts: lesson.code.map((anchor) => ({ ...anchor, ...excerptOf(sources[anchor.file] ?? '', anchor.symbol, anchor.file) })),
  }))
}
