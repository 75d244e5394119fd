// First, and alone: V8's memory reducer for small heaps goes off before the engine's modules load
// and grow the heap (relay-heap.ts says why); the command line is imported after it.
import '../main/lab/thread/relay-heap'

const { main } = await import('./main')
process.exitCode = await main(process.argv.slice(2), import.meta.url)
