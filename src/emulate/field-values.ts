// Extracts a field reference (with its argument and transformers) from a synthetic event, the way
// Falco's filterchecks would: values, absent (the check is false, as when Falco cannot extract it) or
// unknown (Falco would know the value; the synthesis does not). Pure.
import { fieldWithArg, type FieldRef } from '../falco/condition/ast.js';
import { lookupField, type FieldInfo } from '../falco/field-catalog.js';
import type { Scalar, SyntheticEvent } from './event.js';
import { isListType, valueTypeOf, type ValueType } from './operators.js';

export type Extracted =
  | { kind: 'values'; values: Scalar[]; type: ValueType; isList: boolean }
  | { kind: 'absent' }
  | { kind: 'unknown'; field: string };

const ABSENT: Extracted = { kind: 'absent' };
/** evt.arg.NAME, evt.rawarg.NAME, evt.arg[NAME]: the prefix replaced by '' leaves NAME. */
const EVENT_ARG = /^evt\.(raw)?arg(\.|$)/;

/** proc.a* fields: the same attribute of an ancestor; [0] is the process itself. */
const ANCESTOR_FIELDS: Record<string, { own: string; key: 'name' | 'exe' | 'exepath' | 'cmdline' | 'pid' }> = {
  'proc.aname': { own: 'proc.name', key: 'name' },
  'proc.aexe': { own: 'proc.exe', key: 'exe' },
  'proc.aexepath': { own: 'proc.exepath', key: 'exepath' },
  'proc.acmdline': { own: 'proc.cmdline', key: 'cmdline' },
  'proc.apid': { own: 'proc.pid', key: 'pid' },
};

export interface FieldContext {
  /** The source's fields from the catalogue (for types). */
  fields: Map<string, FieldInfo>;
  /** Event name → its parameter names in order (what evt.arg.<name> and evt.arg[N] may name). */
  eventParams: Map<string, string[]>;
}


function plain(event: SyntheticEvent, key: string, hasFdClass: boolean): Extracted | Scalar {
  const value = event.fields[key];
  if (value !== undefined) return value;
  if (event.absent.some((p) => key.startsWith(p))) return ABSENT;
  if (hasFdClass && !event.hasFd) return ABSENT;
  return { kind: 'unknown', field: key };
}

function ancestorValues(ref: FieldRef, event: SyntheticEvent): Extracted | Scalar[] {
  const spec = ANCESTOR_FIELDS[ref.name]!;
  if (ref.arg === undefined) return event.ancestors.map((a) => a[spec.key]);
  const depth = Number(ref.arg);
  if (depth === 0) {
    const own = plain(event, spec.own, false);
    return typeof own === 'object' ? own : [own];
  }
  const ancestor = event.ancestors[depth - 1];
  return ancestor ? [ancestor[spec.key]] : ABSENT;
}

function eventArg(ref: FieldRef, event: SyntheticEvent, context: FieldContext): Extracted | Scalar {
  // An event without a type (String(undefined)) has no parameters either.
  const params = context.eventParams.get(String(event.fields['evt.type']));
  const written = ref.arg ?? ref.name.replace(EVENT_ARG, '');
  // evt.arg[1] is the event's second parameter (execve's exe): by number, by position.
  const key = /^\d+$/.test(written) ? params?.[Number(written)] : written;
  if (key === undefined) return ABSENT;
  const value = event.fields[`evt.arg.${key}`];
  if (value !== undefined) return value;
  return params?.includes(key) ? { kind: 'unknown', field: `evt.arg.${key}` } : ABSENT;
}

function envValues(ref: FieldRef, event: SyntheticEvent): Extracted | Scalar[] {
  if (ref.arg === undefined) return [Object.entries(event.env).map(([k, v]) => `${k}=${v}`).join(' ')];
  return ref.arg in event.env ? [event.env[ref.arg]!] : ABSENT;
}

/** What reads the field's raw values from an event, chosen once per field reference. */
function rawExtractor(ref: FieldRef, context: FieldContext): (event: SyntheticEvent) => Extracted | Scalar[] {
  if (ANCESTOR_FIELDS[ref.name]) return (event) => ancestorValues(ref, event);
  if (ref.name === 'proc.env') return (event) => envValues(ref, event);
  // Falco 0.42+ drops enter events: every event it evaluates is an exit event (evt.dir = < is always true).
  if (ref.name === 'evt.dir') return () => ['<'];
  const key = fieldWithArg(ref);
  const isFdClass = ref.name.startsWith('fd.');
  const one = EVENT_ARG.test(ref.name) ? (event: SyntheticEvent) => eventArg(ref, event, context) : (event: SyntheticEvent) => plain(event, key, isFdClass);
  return (event) => {
    const value = one(event);
    return typeof value === 'object' ? value : [value];
  };
}

function transform(name: string, values: Scalar[]): Scalar[] | undefined {
  switch (name) {
    case 'tolower':
      return values.map((v) => String(v).toLowerCase());
    case 'toupper':
      return values.map((v) => String(v).toUpperCase());
    case 'basename':
      return values.map((v) => String(v).slice(String(v).lastIndexOf('/') + 1));
    case 'b64': {
      const decoded = values.map((v) => decodeBase64(String(v)));
      return decoded.every((v) => v !== undefined) ? decoded : undefined;
    }
    case 'len':
      return values.length === 1 ? [String(values[0]).length] : [values.length];
    default:
      return values;
  }
}

/** Base64 as libsinsp's b64 transformer decodes it (base64.h decodeWithoutPadding): up to two `=` at the end are
 * dropped, so padding is optional; a length of 1 mod 4 and bits left over in the last character are refused. */
export function decodeBase64(text: string): string | undefined {
  const body = /^([A-Za-z0-9+/]*)={0,2}$/.exec(text)?.[1];
  if (body === undefined || body.length % 4 === 1) return undefined;
  const last = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.indexOf(body.at(-1) ?? 'A');
  // Two characters carry 12 bits for one byte (4 left over), three carry 18 for two (2 left over): those must be 0.
  if ((body.length % 4 === 2 && (last & 0xf) !== 0) || (body.length % 4 === 3 && (last & 0x3) !== 0)) return undefined;
  return Buffer.from(body, 'base64').toString('utf8');
}

/** A function extracting the field's values from an event, after its transformers (innermost first). */
export function fieldExtractor(ref: FieldRef, context: FieldContext, info: FieldInfo | undefined): (event: SyntheticEvent) => Extracted {
  // A field Falco does not have (an invented evt.argv) is never extracted: its checks are false.
  if (!info) return () => ABSENT;
  const transformers = [...ref.transformers].reverse();
  let type = valueTypeOf(info.type);
  for (const name of transformers) if (name === 'len') type = 'number';
  else if (name !== 'val') type = 'string';
  const isList = isListType(info.type) && !ref.transformers.includes('len');
  const extract = rawExtractor(ref, context);
  return (event) => {
    const raw = extract(event);
    if (!Array.isArray(raw)) return raw;
    let values: Scalar[] | undefined = raw;
    for (const name of transformers) {
      values = transform(name, values);
      // A transformer that cannot apply (b64 of text that is not base64) fails the extraction, as in Falco.
      if (!values) return ABSENT;
    }
    if (values.length === 0) return ABSENT;
    return { kind: 'values', values, type, isList };
  };
}

/** The catalogue entry of a field reference (for its type), if the catalogue knows it. */
export function fieldInfo(ref: FieldRef, context: FieldContext): FieldInfo | undefined {
  const found = lookupField(context.fields, ref);
  return 'info' in found ? found.info : undefined;
}
