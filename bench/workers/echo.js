// The bare baseline's worker: answers every message with itself.
import { parentPort } from 'node:worker_threads'

parentPort.on('message', (message) => parentPort.postMessage(message))
parentPort.postMessage('ready')
