import { analysisHandlers, type AnalysisTasks } from '../analysis/analysis-tasks'
import { serveTasks } from '../pool/serve-tasks'

/** A run's analysis thread: reads what the run recorded, off the main thread (see analysis-thread.ts). */
serveTasks<AnalysisTasks>(analysisHandlers)
