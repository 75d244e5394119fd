import type { z } from 'zod'
import { isRequestName, requestChannels, type LabHandlers } from '../../shared/contract/contract'
import { LabError, toErrorData, type Envelope } from '../../shared/errors'
import { parseOrThrow } from '../../shared/validation'

/**
 * The one door into the engine for every face: checks the channel and validates the
 * payload against the contract, then answers with an envelope (never a thrown error).
 */
export async function dispatch(handlers: LabHandlers, name: string, rawArgs: unknown): Promise<Envelope<unknown>> {
  try {
    if (!isRequestName(name)) throw new LabError('unknown-channel', `There is no request called "${String(name).slice(0, 64)}".`)
    const schema: z.ZodType = requestChannels[name].args
    const args = parseOrThrow(schema, rawArgs, `request ${name}`)
    const handler = handlers[name] as (args: unknown) => Promise<unknown>
    return { ok: true, value: await handler(args) }
  } catch (error) {
    return { ok: false, error: toErrorData(error) }
  }
}

