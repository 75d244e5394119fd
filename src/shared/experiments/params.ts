import { z } from 'zod'

/**
 * One description of an experiment's parameters drives the schema that validates them,
 * the form in the renderer, and the `--name value` flags and help of the command line.
 */
interface ParamBase {
  label: string
  help: string
}
export interface IntParam extends ParamBase { kind: 'int'; min: number; max: number; default: number; unit?: string }
export interface NumberParam extends ParamBase { kind: 'number'; min: number; max: number; default: number; step?: number; unit?: string }
export interface EnumParam<T extends string = string> extends ParamBase { kind: 'enum'; options: readonly T[]; default: T }
export interface BooleanParam extends ParamBase { kind: 'boolean'; default: boolean }
export type ParamSpec = IntParam | NumberParam | EnumParam | BooleanParam
export type ParamSpecs = Record<string, ParamSpec>

type ValueOf<S extends ParamSpec> = S extends EnumParam<infer T> ? T : S extends BooleanParam ? boolean : number
export type ParamValues<P extends ParamSpecs> = { [K in keyof P]: ValueOf<P[K]> }

export const intParam = (p: Omit<IntParam, 'kind'>): IntParam => ({ kind: 'int', ...p })
export const numberParam = (p: Omit<NumberParam, 'kind'>): NumberParam => ({ kind: 'number', ...p })
export const enumParam = <T extends string>(p: Omit<EnumParam<T>, 'kind'>): EnumParam<T> => ({ kind: 'enum', ...p })
export const booleanParam = (p: Omit<BooleanParam, 'kind'>): BooleanParam => ({ kind: 'boolean', ...p })

function rangeMessage(name: string, spec: IntParam | NumberParam): string {
  const what = spec.kind === 'int' ? 'a whole number' : 'a number'
  const unit = spec.unit ? ` ${spec.unit}` : ''
  return `${name} must be ${what} from ${spec.min} to ${spec.max}${unit}`
}

function schemaFor(name: string, spec: ParamSpec): z.ZodType {
  switch (spec.kind) {
    case 'int':
    case 'number': {
      const message = rangeMessage(name, spec)
      let schema = z.number({ error: message }).min(spec.min, { error: message }).max(spec.max, { error: message })
      if (spec.kind === 'int') schema = schema.int({ error: message })
      return schema.default(spec.default)
    }
    case 'enum':
      return z
        .enum(spec.options as [string, ...string[]], { error: `${name} must be one of ${spec.options.join(', ')}` })
        .default(spec.default)
    case 'boolean':
      return z.boolean({ error: `${name} must be true or false` }).default(spec.default)
  }
}

export function paramsSchema<P extends ParamSpecs>(specs: P): z.ZodType<ParamValues<P>> {
  const shape: Record<string, z.ZodType> = {}
  for (const [name, spec] of Object.entries(specs)) shape[name] = schemaFor(name, spec)
  return z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown parameter ${issue.keys.map((k) => `"${k}"`).join(', ')}` : 'parameters must be an object') }) as unknown as z.ZodType<ParamValues<P>>
}

export function defaultParams<P extends ParamSpecs>(specs: P): ParamValues<P> {
  return Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, s.default])) as ParamValues<P>
}

/** Reads a command-line string as the parameter's kind; the schema then checks the range. */
export function coerceParam(spec: ParamSpec, raw: string): unknown {
  switch (spec.kind) {
    case 'int':
    case 'number':
      return raw.trim() === '' ? raw : Number(raw)
    case 'boolean':
      return raw === 'true' || raw === '1' || raw === 'yes' ? true : raw === 'false' || raw === '0' || raw === 'no' ? false : raw
    case 'enum':
      return raw
  }
}
