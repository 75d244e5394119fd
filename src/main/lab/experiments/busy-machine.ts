import type { RunWarning } from '../../../shared/model/result'

/**
 * Warns when other programs kept the cores busy during a CPU-bound run: the OS shares a core
 * per thread, not per program, so a variant with more threads also wins more of the other
 * programs' turns, and speedups can even look better than ideal. `load` is the highest 1-minute
 * load average seen over the run (at its start and at its end).
 */
export function busyMachineWarning(load: number, cores: number): RunWarning | undefined {
  if (load <= cores * 0.75) return undefined
  return {
    code: 'busy-machine',
    message: `The machine was busy during the run (load average ${load.toFixed(1)} on ${cores} logical cores): other programs took turns on the cores, and a variant with more threads gets more of those turns, so speedups may look better or worse than the work alone would give. Close other programs and run again to trust the numbers.`,
  }
}
