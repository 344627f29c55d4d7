/** Options objects: every key is checked, so a misspelt or unsupported option is an Error, not silence. */

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
 * Throws when `options` is not a plain object (undefined is allowed) or has a key outside
 * `allowed`, naming the closest allowed spelling: `grad: unknown option 'create_graph'; did you
 * mean 'createGraph'? (allowed: ...)`.
 */
export function checkOptions(options: unknown, allowed: readonly string[], where: string): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    const got = options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options;
    throw new Error(`${where}: options must be an object like { ${allowed[0]}: ... }, got ${got}`);
  }
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const wanted = camel(key);
    let best = allowed.includes(wanted) ? wanted : '';
    if (!best) {
      let bestDistance = Infinity;
      for (const name of allowed) {
        const d = distance(key.toLowerCase(), name.toLowerCase());
        if (d < bestDistance && d <= Math.max(2, name.length / 3)) [best, bestDistance] = [name, d];
      }
    }
    const hint = best ? ` did you mean '${best}'?` : '';
    throw new Error(`${where}: unknown option '${key}';${hint} (allowed: ${allowed.join(', ')})`);
  }
}
