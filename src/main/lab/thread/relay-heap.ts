import { setFlagsFromString } from 'node:v8'

/**
 * Imported first by the processes whose main thread is a face (the desktop app's main process,
 * the command line, whose `serve` relays to an engine thread): V8's memory reducer for small heaps
 * off. Armed by a young heap's first growth, it compacts the heap about 8 s later, once the thread
 * looks idle, with one or two full mark-compacts; on a thread that only relays and holds 8–15 MB,
 * they held the event loop 9–24 ms each while a run was going (docs/benchmarks.md). Set at run
 * time it counts only from then on, hence first. Heaps past their first full collection are
 * shrunk as before.
 */
setFlagsFromString('--no-memory-reducer-for-small-heaps')
