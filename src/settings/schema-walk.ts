import { z } from 'zod';

/**
 * Navigation of the zod schema tree by config path. Used to find the valid keys next to an unknown one
 * (for "did you mean") and to map case-insensitive environment variable names onto camelCase keys.
 */

/** Strips the wrappers that do not change the shape of a value: default, prefault, optional, nullable, pipes. */
export function unwrapSchema(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (let depth = 0; depth < 16; depth++) {
    if (
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault ||
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable
    ) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else {
      return current;
    }
  }
  return current;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The union member selected by the discriminator value in `data`, if any. */
function selectUnionOption(union: z.ZodDiscriminatedUnion, data: unknown): z.ZodType | undefined {
  if (!isRecord(data)) return undefined;
  const discriminator = union.def.discriminator;
  const wanted = data[discriminator];
  return union.options.find((option) => {
    const inner = unwrapSchema(option as z.ZodType);
    if (!(inner instanceof z.ZodObject)) return false;
    const tag = inner.shape[discriminator] as z.ZodType | undefined;
    return tag instanceof z.ZodLiteral && tag.values.has(wanted as never);
  }) as z.ZodType | undefined;
}

/** Resolves unions against the data so the object schema actually applying to `data` is returned. */
function resolveSchema(schema: z.ZodType, data: unknown): z.ZodType | undefined {
  const inner = unwrapSchema(schema);
  if (inner instanceof z.ZodDiscriminatedUnion) {
    const option = selectUnionOption(inner, data);
    return option === undefined ? undefined : unwrapSchema(option);
  }
  return inner;
}

/** Keys of the object schema that applies at `path` (given the data found there), or undefined. */
export function objectKeysAt(root: z.ZodType, path: readonly PropertyKey[], rootData: unknown): string[] | undefined {
  const schema = schemaAt(root, path, rootData);
  if (schema === undefined) return undefined;
  const resolved = resolveSchema(schema, dataAt(rootData, path));
  return resolved instanceof z.ZodObject ? Object.keys(resolved.shape) : undefined;
}

/** The schema describing the value at `path`, or undefined when the path leaves the schema. */
export function schemaAt(root: z.ZodType, path: readonly PropertyKey[], rootData: unknown): z.ZodType | undefined {
  let schema: z.ZodType | undefined = root;
  let data: unknown = rootData;
  for (const segment of path) {
    if (schema === undefined) return undefined;
    const resolved = resolveSchema(schema, data);
    if (resolved instanceof z.ZodObject && typeof segment === 'string') {
      schema = resolved.shape[segment] as z.ZodType | undefined;
    } else if (resolved instanceof z.ZodArray && typeof segment === 'number') {
      schema = resolved.element as z.ZodType;
    } else {
      return undefined;
    }
    data = isRecord(data) || Array.isArray(data) ? (data as Record<PropertyKey, unknown>)[segment] : undefined;
  }
  return schema;
}

export function dataAt(rootData: unknown, path: readonly PropertyKey[]): unknown {
  let data = rootData;
  for (const segment of path) {
    if (!(isRecord(data) || Array.isArray(data))) return undefined;
    data = (data as Record<PropertyKey, unknown>)[segment];
  }
  return data;
}

/** True when the leaf expects text, so an environment value like "0660" or "123" must stay a string. */
export function expectsString(schema: z.ZodType): boolean {
  const inner = unwrapSchema(schema);
  return inner instanceof z.ZodString || inner instanceof z.ZodEnum;
}

export { isRecord };
