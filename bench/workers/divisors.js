// The hardware ceiling's worker: the lesson's trial division (as src/shared/factorize.ts), no pool protocol.
import { parentPort } from 'node:worker_threads'

function divisorsOf(n) {
  const out = []
  for (let i = 1; i <= n; i++) if (n % i === 0) out.push(i)
  return out
}

parentPort.on('message', (numbers) => parentPort.postMessage(numbers.map(divisorsOf).length))
parentPort.postMessage('ready')
