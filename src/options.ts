/**
 * Checking what callers pass. Options objects: every key is checked, so a misspelt or unsupported
 * option is an Error, not silence. Arguments: errors name the argument, what it got and what it
 * expects (`describe` writes the "what it got").
 */

/** snake_case to camelCase: PyTorch's spelling of an option to tsgrad's. */
function camel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Levenshtein distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/**
 * PyTorch options that tsgrad does not implement, by tsgrad's (camelCase) name: why not, or the why
 * and the values that ask for what tsgrad does anyway (`numWorkers: 0`), which are accepted.
 */
export type Unsupported = Readonly<Record<string, string | { why: string; accepts: readonly unknown[] }>>;

/**
 * Throws when `options` is not a plain object (undefined is allowed) or has a key outside
 * `allowed`, naming the closest allowed spelling: `grad: unknown option 'create_graph'; did you
 * mean 'createGraph'? (allowed: ...)`. A key of `unsupported` (in either spelling) says so and why:
 * `DataLoader: numWorkers is not supported: tsgrad loads batches on the calling thread`.
 */
export function checkOptions(options: unknown, allowed: readonly string[], where: string, unsupported: Unsupported = {}): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options) || ArrayBuffer.isView(options)) {
    throw new Error(`${where}: options must be an object like { ${allowed[0]}: ... }, got ${describe(options)}`);
  }
  for (const [key, value] of Object.entries(options)) {
    if (allowed.includes(key)) continue;
    const wanted = camel(key);
    const known = Object.hasOwn(unsupported, key) ? unsupported[key] : Object.hasOwn(unsupported, wanted) ? unsupported[wanted] : undefined;
    if (known !== undefined) {
      if (typeof known === 'object' && known.accepts.some((v) => Object.is(v, value))) continue;
      const spelling = key === wanted ? '' : ` (PyTorch's ${key})`;
      throw new Error(`${where}: ${wanted}${spelling} is not supported: ${typeof known === 'string' ? known : known.why}`);
    }
    let best = allowed.includes(wanted) ? wanted : '';
    if (!best) {
      let bestDistance = Infinity;
      for (const name of allowed) {
        const d = distance(key.toLowerCase(), name.toLowerCase());
        if (d < bestDistance && d <= Math.max(2, name.length / 3)) [best, bestDistance] = [name, d];
      }
    }
    const hint = best ? `; did you mean '${best}'?` : '';
    throw new Error(`${where}: unknown option '${key}'${hint} (allowed: ${allowed.join(', ')})`);
  }
}

/** A value as error messages show what they got: `null`, `5`, `string "a"`, `an array of 2`, `a Float64Array`, `Tensor of shape [2]`. */
export function describe(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (Array.isArray(x)) return `an array of ${x.length}`;
  if (ArrayBuffer.isView(x)) return article(x.constructor.name);
  if (typeof x === 'string') return `string ${JSON.stringify(x)}`;
  if (typeof x === 'function') return 'a function';
  if (typeof x === 'number' || typeof x === 'boolean') return String(x);
  if (typeof x !== 'object') return `${typeof x} ${String(x)}`;
  const name = (x as object).constructor?.name ?? 'Object';
  const shape = (x as { shape?: unknown }).shape;
  if (Array.isArray(shape)) return `${name} of shape [${shape.join(', ')}]`;
  return name === 'Object' ? 'an object' : article(name);
}

function article(name: string): string {
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
}

/** `x` when it is a number (NaN included), else an Error naming `what` (`lr`, `dim`...). */
export function checkNumber(x: unknown, where: string, what: string): number {
  if (typeof x !== 'number') throw new Error(`${where}: ${what} must be a number, got ${describe(x)}`);
  return x;
}

/** `x` when it is a whole number, else an Error naming `what`. */
export function checkInteger(x: unknown, where: string, what: string): number {
  if (typeof x !== 'number' || !Number.isInteger(x)) throw new Error(`${where}: ${what} must be a whole number, got ${describe(x)}`);
  return x;
}

/** `x` when it is true or false, else an Error naming `what`. */
export function checkBoolean(x: unknown, where: string, what: string): boolean {
  if (typeof x !== 'boolean') throw new Error(`${where}: ${what} must be true or false, got ${describe(x)}`);
  return x;
}
