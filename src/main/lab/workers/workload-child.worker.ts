import { deserialize, serialize } from 'node:v8'
import { runOne } from '../workload/user-module'
import { lowerThisProcessPriority } from './priority'

/**
 * A child process of the workload experiment: reads v8-serialised { file, inputs: [{ index, input }] }
 * on stdin, runs work(input) for each in turn, and prints v8.serialize([{ value, ms }]) as one base64
 * line, so results cross as they do between threads (a Map stays a Map), not as JSON.
 */
lowerThisProcessPriority()
const chunks: Buffer[] = []
process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk))
process.stdin.on('end', () => {
  void (async () => {
    try {
      const { file, inputs } = deserialize(Buffer.concat(chunks)) as { file: string; inputs: { index: number; input: unknown }[] }
      const results = []
      for (const { index, input } of inputs) results.push(await runOne(file, index, input))
      process.stdout.write(`${serialize(results).toString('base64')}\n`)
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`)
      process.exitCode = 1
    }
  })()
})
