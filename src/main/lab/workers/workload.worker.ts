import type { TasksOf } from '../pool/protocol'
import { serveTasks } from '../pool/serve-tasks'
import { moduleInputs, runOne } from '../workload/user-module'
import { lowerThisThreadPriority } from './priority'

/** The worker thread of the workload experiment: loads the user's module once and runs its work(input). */
const workloadHandlers = {
  describe: ({ file }: { file: string }) => moduleInputs(file),
  one: ({ file, index, input }: { file: string; index: number; input: unknown }) => runOne(file, index, input),
  /** Every input at once as async tasks on this one thread: concurrent, not parallel. */
  all: async ({ file, inputs }: { file: string; inputs: { index: number; input: unknown }[] }) => Promise.all(inputs.map(({ index, input }) => runOne(file, index, input))),
}

export type WorkloadTasks = TasksOf<typeof workloadHandlers>

lowerThisThreadPriority()
serveTasks<WorkloadTasks>(workloadHandlers)
