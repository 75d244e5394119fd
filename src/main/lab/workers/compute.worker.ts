import { serveTasks } from '../pool/serve-tasks'
import { computeHandlers, type ComputeTasks } from './compute-tasks'
import { lowerThisThreadPriority } from './priority'

/** The compute worker of the Threads lab: factorize, blocking calls, no-op round trips. */
lowerThisThreadPriority()
serveTasks<ComputeTasks>(computeHandlers)
