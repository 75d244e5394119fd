// piscina's worker for the no-op round trip: returns its input, like the compute worker's noop task.
export default function noop(input) {
  return input
}
