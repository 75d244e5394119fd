import { parentPort, workerData } from 'node:worker_threads'
import { serveLab } from '../thread/serve-lab'
import type { LabThreadSetup } from '../thread/thread-protocol'

/** The engine's own thread: the whole lab, off the thread that draws windows and answers the user (see lab-thread.ts). */
if (!parentPort) throw new Error('engine.worker.js runs as a worker thread.')
serveLab(parentPort, workerData as LabThreadSetup)
