import { serveTasks } from '../pool/serve-tasks'
import { computeHandlers, type ComputeTasks } from './compute-tasks'

/** The compute worker of the Threads lab: factorize, blocking calls, no-op round trips. */
serveTasks<ComputeTasks>(computeHandlers)
