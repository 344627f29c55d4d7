/**
 * Command-line flags for the examples: `--name value` or `--name=value`, typed defaults, `--help`,
 * and a usage message with a non-zero exit for anything else.
 */

/** One flag: its default, its help line, and how its text becomes a value. */
export interface Flag<V> {
  readonly default: V;
  readonly help: string;
  /** Shown after the flag in the usage, e.g. `N`; empty for a switch that takes no value. */
  readonly meta: string;
  /** The default as the usage shows it, when that differs from `String(default)`. */
  readonly shownDefault?: string;
  parse(text: string, name: string): V;
}

/** Raised for bad command lines; the runner prints it with the usage and exits with status 2. */
export class UsageError extends Error {}

/** Raised by `--help`; the runner prints the usage and exits with status 0. */
export class HelpRequested extends Error {}

function number(text: string, name: string, integer: boolean, min: number): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new UsageError(`--${name} expects ${integer ? 'a whole number' : 'a number'}, got '${text}'`);
  }
  if (v < min) throw new UsageError(`--${name} must be at least ${min}, got ${v}`);
  return v;
}

/** Flag makers: `flag.int(5, 'help', 1)` is a whole number >= 1 that defaults to 5. */
export const flag = {
  int: (def: number, help: string, min = 0): Flag<number> => ({ default: def, help, meta: 'N', parse: (t, n) => number(t, n, true, min) }),
  float: (def: number, help: string, min = 0): Flag<number> => ({ default: def, help, meta: 'X', parse: (t, n) => number(t, n, false, min) }),
  string: (def: string, help: string, meta = 'TEXT', shownDefault?: string): Flag<string> => ({ default: def, help, meta, shownDefault, parse: (t) => t }),
  switch: (help: string): Flag<boolean> => ({ default: false, help, meta: '', parse: () => true }),
  /** One of a fixed set of words, e.g. `flag.choice(['sgd', 'adamw'], 'sgd', 'the optimizer')`. */
  choice: <C extends string>(choices: readonly C[], def: C, help: string): Flag<C> => ({
    default: def,
    help: `${help} (${choices.join(', ')})`,
    meta: 'NAME',
    parse: (t, n) => {
      if (!(choices as readonly string[]).includes(t)) throw new UsageError(`--${n} must be one of ${choices.join(', ')}, got '${t}'`);
      return t as C;
    },
  }),
};

type Values<S> = { [K in keyof S]: S[K] extends Flag<infer V> ? V : never };

/** `batchSize` is written `--batch-size` on the command line. */
const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** A program's flags, its usage text, and a runner that turns errors into exit codes. */
export class Cli<S extends Record<string, Flag<unknown>>> {
  constructor(
    readonly command: string,
    readonly description: string,
    readonly flags: S,
  ) {}

  usage(): string {
    const rows = Object.entries(this.flags).map(([key, f]) => {
      const left = `--${kebab(key)}${f.meta ? ` ${f.meta}` : ''}`;
      const def = f.meta && f.default !== '' ? ` (default: ${f.shownDefault ?? String(f.default)})` : '';
      return [left, `${f.help}${def}`];
    });
    rows.push(['-h, --help', 'show this message']);
    const width = Math.max(...rows.map(([l]) => l.length)) + 2;
    return [`Usage: ${this.command} [flags]`, '', this.description, '', 'Flags:', ...rows.map(([l, r]) => `  ${l.padEnd(width)}${r}`), ''].join('\n');
  }

  /** The flag values given in `argv`, defaults for the rest. Throws UsageError or HelpRequested. */
  parse(argv: readonly string[]): Values<S> {
    const byName = new Map(Object.keys(this.flags).map((key) => [kebab(key), key]));
    const values: Record<string, unknown> = {};
    for (const [key, f] of Object.entries(this.flags)) values[key] = f.default;
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i];
      if (arg === '-h' || arg === '--help') throw new HelpRequested();
      if (!arg.startsWith('--')) throw new UsageError(`unexpected argument '${arg}'`);
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const key = byName.get(name);
      if (key === undefined) throw new UsageError(`unknown flag --${name}`);
      const f = this.flags[key];
      let text: string;
      if (!f.meta) {
        if (eq >= 0) throw new UsageError(`--${name} takes no value`);
        text = '';
      } else if (eq >= 0) {
        text = arg.slice(eq + 1);
      } else {
        if (i + 1 >= argv.length) throw new UsageError(`--${name} needs a value (${f.meta})`);
        text = argv[++i];
      }
      values[key] = f.parse(text, name);
    }
    return values as Values<S>;
  }

  /** Runs `main` with the process's arguments: usage errors exit 2, other errors 1. */
  run(main: (argv: string[]) => Promise<unknown> | unknown): void {
    Promise.resolve()
      .then(() => main(process.argv.slice(2)))
      .catch((e: unknown) => {
        if (e instanceof HelpRequested) {
          process.stdout.write(this.usage());
        } else if (e instanceof UsageError) {
          process.stderr.write(`error: ${e.message}\n\n${this.usage()}`);
          process.exitCode = 2;
        } else {
          process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
          process.exitCode = 1;
        }
      });
  }
}

/** Where an example prints: the process's stdout, or a buffer in tests. */
export interface Output {
  write(text: string): void;
  readonly isTTY: boolean;
}

/** The process's stdout as an Output. */
export const stdout: Output = {
  write: (text) => void process.stdout.write(text),
  get isTTY() {
    return process.stdout.isTTY === true;
  },
};
