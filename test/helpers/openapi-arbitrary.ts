// fast-check arbitraries for the values an OpenAPI 3.1 schema (JSON Schema 2020-12) allows:
// what a schemathesis-style run sends. Sizes are kept small; names the test knows (a real
// flow_ns, user_ns…) are mixed in so requests reach past "not found".
import fc from "fast-check";

export type Schema = Record<string, any>;

export interface ArbitraryContext {
  /** The whole document, for $ref. */
  document: Schema;
  /** Values that exist, by property or parameter name. */
  known: Record<string, readonly unknown[]>;
  /** Whether a value is one the schema allows (known values are offered only where they are). */
  allows: (schema: Schema, value: unknown) => boolean;
}

const MAX_STRING = 24;
const MAX_ITEMS = 3;

function resolve(document: Schema, ref: string): Schema {
  return ref.replace(/^#\//, "").split("/").reduce((node, key) => node[key.replaceAll("~1", "/").replaceAll("~0", "~")], document as any);
}

const smallJson = fc.jsonValue({ maxDepth: 2 });

function stringFor(schema: Schema): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? MAX_STRING, MAX_STRING));
  if (schema.format === "date-time") return fc.date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((date) => date.toISOString());
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter((text) => text.length >= minLength && text.length <= (schema.maxLength ?? Infinity));
  return fc.string({ minLength, maxLength, unit: "binary" });
}

function numberFor(schema: Schema, integer: boolean): fc.Arbitrary<number> {
  const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1_000_000);
  const max = Math.min(schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 1_000_000), Number.MAX_SAFE_INTEGER);
  if (integer || schema.multipleOf === 1) return fc.oneof(fc.integer({ min: Math.ceil(min), max: Math.floor(Math.min(max, min + 1000)) }), fc.integer({ min: Math.ceil(min), max: Math.floor(max) }));
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

function objectFor(schema: Schema, context: ArbitraryContext): fc.Arbitrary<Record<string, unknown>> {
  const properties: Record<string, Schema> = schema.properties ?? {};
  const required: string[] = schema.required ?? [];
  if (Object.keys(properties).length === 0) {
    const values = schema.patternProperties ? arbitraryFor(Object.values(schema.patternProperties)[0] as Schema, context) : smallJson;
    return fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), values, { maxKeys: MAX_ITEMS });
  }
  const fields = Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, valueFor(name, property, context)]));
  return recordOf(fields, required);
}

const ABSENT = Symbol("absent");

/** An object with every required key and each optional one a third of the time (so requests often get past checks of what they leave out). */
export function recordOf(fields: Record<string, fc.Arbitrary<unknown>>, required: string[]): fc.Arbitrary<Record<string, unknown>> {
  const entries = Object.entries(fields).map(([name, arbitrary]) => [name, required.includes(name) ? arbitrary : fc.oneof({ arbitrary: fc.constant(ABSENT), weight: 2 }, { arbitrary, weight: 1 })] as const);
  return fc.record(Object.fromEntries(entries)).map((record) => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== ABSENT)));
}

/** A value for the schema of something named `name`: sometimes a known one. */
export function valueFor(name: string, schema: Schema, context: ArbitraryContext): fc.Arbitrary<unknown> {
  const generated = arbitraryFor(schema, context);
  const known = context.known[name]?.filter((value) => context.allows(schema, value));
  return known && known.length > 0 ? fc.oneof({ arbitrary: fc.constantFrom(...known), weight: 3 }, { arbitrary: generated, weight: 1 }) : generated;
}

export function arbitraryFor(schema: Schema, context: ArbitraryContext): fc.Arbitrary<unknown> {
  if (schema.$ref) return arbitraryFor({ ...resolve(context.document, schema.$ref), ...schema, $ref: undefined }, context);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  const options = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(options)) return fc.oneof(...options.map((option: Schema) => arbitraryFor(option, context)));
  const types: string[] | null = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : schema.properties ? ["object"] : null;
  if (!types) return smallJson;
  if (types.length > 1) return fc.oneof(...types.map((type) => arbitraryFor({ ...schema, type }, context)));
  switch (types[0]) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer":
      return numberFor(schema, true);
    case "number":
      return numberFor(schema, false);
    case "string":
      return stringFor(schema);
    case "array": {
      const minLength = schema.minItems ?? 0;
      return fc.array(arbitraryFor(schema.items ?? {}, context), { minLength, maxLength: Math.max(minLength, Math.min(schema.maxItems ?? MAX_ITEMS, MAX_ITEMS)) });
    }
    case "object":
      return objectFor(schema, context);
    default:
      return smallJson;
  }
}
