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
/**
 * A list of values that each follow one rule: whole numbers (`--numbers 12,35`) or choices
 * (`--strategies serial,threads`). The command line takes it comma-separated; a form shows
 * a text field for numbers and a checkbox per option for choices.
 */
export interface ListParam<Item extends IntParam | EnumParam = IntParam | EnumParam> extends ParamBase {
  kind: 'list'
  item: Item
  minItems: number
  maxItems: number
  default: readonly ScalarValueOf<Item>[]
}
/**
 * Free text, bounded: at most maxLength characters and, when given, matching `pattern` as a whole
 * (a RegExp source, a string so the spec stays plain data); patternHelp says in words what it allows.
 */
export interface TextParam extends ParamBase { kind: 'text'; default: string; minLength?: number; maxLength: number; pattern?: string; patternHelp?: string; /** Many lines (source code): a text area. */ multiline?: boolean; /** The form fills it with a text per choice of other (enum) parameters (their values joined by "/") when a choice changes, and when it is empty; `texts` names the set (fill-texts.ts). */ fillFrom?: { params: string[]; texts: string }; /** An "Open a file…" button beside it: the file's text fills it, its name goes to `nameParam`, and its extension may choose another parameter's value. */ openFile?: { accept: string; nameParam?: string; byExtension?: { param: string; values: Record<string, string> } } }
export type ParamSpec = IntParam | NumberParam | EnumParam | BooleanParam | ListParam | TextParam
export type ParamSpecs = Record<string, ParamSpec>

type ScalarValueOf<S extends ParamSpec> = S extends EnumParam<infer T> ? T : S extends BooleanParam ? boolean : S extends TextParam ? string : number
type ValueOf<S extends ParamSpec> = S extends ListParam<infer Item> ? ScalarValueOf<Item>[] : ScalarValueOf<S>
export type ParamValues<P extends ParamSpecs> = { [K in keyof P]: ValueOf<P[K]> }

export const intParam = (p: Omit<IntParam, 'kind'>): IntParam => ({ kind: 'int', ...p })
export const numberParam = (p: Omit<NumberParam, 'kind'>): NumberParam => ({ kind: 'number', ...p })
export const enumParam = <T extends string>(p: Omit<EnumParam<T>, 'kind'>): EnumParam<T> => ({ kind: 'enum', ...p })
export const booleanParam = (p: Omit<BooleanParam, 'kind'>): BooleanParam => ({ kind: 'boolean', ...p })
export const textParam = (p: Omit<TextParam, 'kind'>): TextParam => ({ kind: 'text', ...p })
export const listParam = <Item extends IntParam | EnumParam>(p: Omit<ListParam<Item>, 'kind'>): ListParam<Item> => ({ kind: 'list', ...p })

function rangeMessage(name: string, spec: IntParam | NumberParam): string {
  const what = spec.kind === 'int' ? 'a whole number' : 'a number'
  const unit = spec.unit ? ` ${spec.unit}` : ''
  return `${name} must be ${what} from ${spec.min} to ${spec.max}${unit}`
}

/** The rule for one value, without its default. */
function valueSchema(name: string, spec: ParamSpec): z.ZodType {
  switch (spec.kind) {
    case 'int':
    case 'number': {
      const message = rangeMessage(name, spec)
      let schema = z.number({ error: message }).min(spec.min, { error: message }).max(spec.max, { error: message })
      if (spec.kind === 'int') schema = schema.int({ error: message })
      return schema
    }
    case 'enum':
      return z.enum(spec.options as [string, ...string[]], { error: `${name} must be one of ${spec.options.join(', ')}` })
    case 'boolean':
      return z.boolean({ error: `${name} must be true or false` })
    case 'list': {
      const count = `${name} must list from ${spec.minItems} to ${spec.maxItems} values`
      return z
        .array(valueSchema(`each of ${name}`, spec.item), { error: `${name} must be a list` })
        .min(spec.minItems, { error: count })
        .max(spec.maxItems, { error: count })
    }
    case 'text': {
      const minLength = spec.minLength ?? 0
      const lengthMessage = `${name} must be text of ${minLength > 0 ? `${minLength} to ` : 'at most '}${spec.maxLength} characters`
      const schema = z.string({ error: `${name} must be text` }).min(minLength, { error: lengthMessage }).max(spec.maxLength, { error: lengthMessage })
      return spec.pattern === undefined ? schema : schema.regex(new RegExp(spec.pattern, 'u'), { error: `${name} ${spec.patternHelp ?? `must match ${spec.pattern}`}` })
    }
  }
}

function schemaFor(name: string, spec: ParamSpec): z.ZodType {
  const schema = valueSchema(name, spec)
  return spec.kind === 'list' ? schema.default(() => [...spec.default]) : schema.default(spec.default)
}

export function paramsSchema<P extends ParamSpecs>(specs: P): z.ZodType<ParamValues<P>> {
  const shape: Record<string, z.ZodType> = {}
  for (const [name, spec] of Object.entries(specs)) shape[name] = schemaFor(name, spec)
  return z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown parameter ${issue.keys.map((k) => `"${k}"`).join(', ')}` : 'parameters must be an object') }) as unknown as z.ZodType<ParamValues<P>>
}

/** Adds a check across parameters, run only once every parameter passed its own check; its sentence becomes the error. */
export function withCheck<T>(schema: z.ZodType<T>, check?: (params: T) => string | undefined): z.ZodType<T> {
  if (!check) return schema
  return schema.superRefine(
    (params, context) => {
      const problem = check(params)
      if (problem) context.addIssue({ code: 'custom', message: problem, input: params })
    },
    { when: (payload) => payload.issues.length === 0 },
  )
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
    case 'text':
      return raw
    case 'list':
      return raw.trim() === '' ? [] : raw.split(',').map((piece) => coerceParam(spec.item, piece.trim()))
  }
}

/** A run's parameters as one line of JSON, a long text (a module's source) cut to its start and its length. */
export function paramsLine(params: Record<string, unknown>, maxChars = 60): string {
  const cut = Object.fromEntries(Object.entries(params).map(([name, value]) => [name, typeof value === 'string' && value.length > maxChars ? `${value.slice(0, maxChars).replace(/\s+/g, ' ')}… (${value.length} characters)` : value]))
  return JSON.stringify(cut)
}
