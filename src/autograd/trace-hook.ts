/**
 * The hook `jit.trace` records through. There is no central op dispatch in tsgrad, so each traced op
 * ends with one line, `if (tracer !== null) tracer.op(...)`, after its output exists: when nothing is
 * being traced that is one load and one comparison per op. The tracer itself lives in `src/jit/`.
 */
import type { Tensor } from '../tensor';

/** An op attribute as the trace keeps it: numbers, flags, names, lists of numbers, or null for "none". */
export type TraceAttr = number | boolean | string | null | readonly (number | null)[] | readonly string[];

/** What a traced op reports. Implemented by `src/jit/trace.ts`; ops only call it. */
export interface Tracer {
  /**
   * Records one op: its name in tsgrad's (PyTorch's) words, its tensor inputs in order (null for an
   * absent optional one, e.g. linear's bias), every option resolved (no defaults left implicit), and
   * its output(s). Called after the op computed its output. An op built from other traced ops calls
   * this last, and its record replaces theirs (they become dead code in the graph).
   */
  op(name: string, inputs: readonly (Tensor | null)[], attrs: Readonly<Record<string, TraceAttr>>, output: Tensor | readonly Tensor[]): void;
  /** A tensor's values were read into JavaScript (`item()`, `toArray()`): the trace cannot follow what the forward does with them. */
  read(t: Tensor, how: string): void;
}

/** The active tracer, or null (always, except inside `jit.trace`). */
export let tracer: Tracer | null = null;

/** @internal Installs `t` (or none) and returns the tracer it replaces; `jit.trace` restores that one in a finally block. */
export function setTracer(t: Tracer | null): Tracer | null {
  const previous = tracer;
  tracer = t;
  return previous;
}
