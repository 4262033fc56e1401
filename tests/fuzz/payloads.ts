/**
 * Generators of hostile request bodies, shared by every route: random JSON shapes, values of the
 * wrong type, huge strings, deep nesting, awkward unicode, bytes that are not UTF-8, bodies that
 * are not JSON, prototype-pollution keys, numbers where ids go, nulls — and structure-aware
 * mutations of a real payload, which get past the first checks and reach the parsers behind them.
 */
import fc from 'fast-check';

export interface Body {
  contentType: string;
  bytes: Buffer;
}

/** Keys that pollute Object.prototype when a parser or a merge copies them naively. */
export const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Strings that have broken text handling elsewhere: controls, bidi, joiners, surrogates, escapes. */
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\u202e\u2066evil\u2069',
  '\u200b\u200d\ufeff',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  '\ud800',
  '\udfff\ud800',
  '\u2028\u2029',
  '%00%ff%',
  '../../etc/passwd',
  '<!channel> <@U0BOTUSER1> <script>alert(1)</script>',
  '{{#x}}{{/x}}{{{y}}}',
  '$(rm -rf /)',
  'null',
  'undefined',
  '1e309',
  '-0',
  '中文客服问题？',
];

export const nastyString = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  // Lone surrogates included: they survive JSON.stringify as escapes and break naive encoders.
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
);

/** Kept occasional: each costs real time, and the size limits are what they probe. */
export const hugeString = fc
  .tuple(fc.integer({ min: 10_000, max: 1_200_000 }), fc.constantFrom('a', '字', '😀', ' ', '\\'))
  .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)));

const wrongType = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.constantFrom(0, -1, Number.MAX_SAFE_INTEGER, 2 ** 64, 1e308, -1e-308),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  nastyString,
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
  fc.dictionary(nastyString, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
);

/** An object holding prototype-pollution keys as own properties, as JSON.parse makes them. */
export const pollutingObject = fc
  .tuple(fc.constantFrom(...POLLUTION_KEYS), fc.dictionary(fc.string({ maxLength: 10 }), wrongType))
  .map(([key, extra]) =>
    Object.fromEntries([
      [key, key === 'constructor' ? { prototype: { polluted: 'yes' } } : { polluted: 'yes' }],
      ...Object.entries(extra),
    ]),
  );

/** Junk that stays small: for headers, which node caps at 16 KB in all (past it node answers 431 itself). */
export const smallJunk: fc.Arbitrary<unknown> = fc.oneof(wrongType, pollutingObject);

/** Any JSON value a hostile client might send where a field's value goes. */
export const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: wrongType, weight: 6 },
  { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 2 },
  { arbitrary: pollutingObject, weight: 2 },
  { arbitrary: hugeString, weight: 1 },
);

export const JSON_TYPE = 'application/json';

const contentType = fc.oneof(
  { arbitrary: fc.constant(JSON_TYPE), weight: 6 },
  {
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'application/json; charset=',
      'application/vnd.api+json',
      'text/plain',
      'text/html',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=----x',
      'application/xml',
      'application/octet-stream',
      '*/*',
      '',
    ),
    weight: 3,
  },
);

const json = (value: unknown) => Buffer.from(JSON.stringify(value) ?? 'null');

/** Text nested `depth` levels deep, built as text: the generator must not recurse that far itself. */
const deepNesting = fc
  .tuple(fc.integer({ min: 20, max: 20_000 }), fc.boolean())
  .map(([depth, arrays]) =>
    arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
  );

/** Bytes that are JSON-ish but not valid: truncated, not UTF-8, or not JSON at all. */
const brokenBytes = fc.oneof(
  fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes)),
  fc.tuple(fc.jsonValue({ maxDepth: 3 }), fc.nat()).map(([value, cut]) => {
    const text = JSON.stringify(value);
    return Buffer.from(text.slice(0, cut % Math.max(1, text.length)));
  }),
  fc
    .uint8Array({ minLength: 1, maxLength: 20 })
    .map((bytes) =>
      Buffer.concat([Buffer.from('{"text":"'), Buffer.from([0xff, 0xfe, ...bytes]), Buffer.from('"}')]),
    ),
  nastyString.map((text) => Buffer.from(text)),
  fc.constant(Buffer.alloc(0)),
);

/** A whole body: junk in the shape of `shaped` when given, otherwise any of the hostile kinds. */
export function hostileBody(shaped?: fc.Arbitrary<unknown>): fc.Arbitrary<Body> {
  const values = shaped ? fc.oneof({ arbitrary: shaped, weight: 3 }, junkValue) : junkValue;
  return fc.oneof(
    { arbitrary: fc.record({ contentType, bytes: values.map(json) }), weight: 6 },
    { arbitrary: fc.record({ contentType, bytes: brokenBytes }), weight: 2 },
    {
      arbitrary: fc.record({ contentType, bytes: deepNesting.map((text) => Buffer.from(text)) }),
      weight: 1,
    },
  );
}

type Path = (string | number)[];

/**
 * A real payload with one to three of its fields replaced by junk, deleted, or joined by a
 * polluting key: past the envelope checks, into the parsing of each field.
 */
export function mutated(base: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(base);
  const edit = fc.record({
    path: fc.constantFrom(...paths),
    action: fc.constantFrom('replace', 'replace', 'delete', 'pollute'),
    value: junkValue,
    key: fc.constantFrom(...POLLUTION_KEYS),
  });
  return fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) => {
    const copy = structuredClone(base);
    for (const { path, action, value, key } of edits) {
      if (action === 'pollute') setAt(copy, [...path, key], { polluted: 'yes' });
      else setAt(copy, path, action === 'delete' ? undefined : value);
    }
    return copy;
  });
}

function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [];
  const own = Object.entries(value).map(([key]) => [...prefix, Array.isArray(value) ? Number(key) : key]);
  return [
    ...own,
    ...Object.entries(value).flatMap(([key, child]) =>
      pathsOf(child, [...prefix, Array.isArray(value) ? Number(key) : key]),
    ),
  ];
}

function setAt(root: unknown, path: Path, value: unknown): void {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) return; // an earlier edit replaced the parent
    node = next as Record<string | number, unknown>;
  }
  const last = path[path.length - 1] as string | number;
  // defineProperty, so `__proto__` becomes an own key (as in parsed JSON), not the prototype.
  if (value === undefined) delete node[last];
  else Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
}
