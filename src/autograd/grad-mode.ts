/** The grad mode: the one piece of global state autograd has, changed only through these functions. */
import { describe } from '../options';

let enabled = true;

/** Whether ops record a graph for backward now (`torch.is_grad_enabled`). */
export function isGradEnabled(): boolean {
  return enabled;
}

function withGradMode<T>(mode: boolean, fn: () => T): T {
  if (typeof fn !== 'function') {
    throw new Error(`${mode ? 'enableGrad' : 'noGrad'}: expected a function to run, as in ${mode ? 'enableGrad' : 'noGrad'}(() => ...), got ${describe(fn)}`);
  }
  const previous = enabled;
  enabled = mode;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}

/** Runs `fn` without recording a graph and returns its value (`with torch.no_grad():`). */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs `fn` with graph recording on, even inside `noGrad` (`with torch.enable_grad():`). */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

/** Sets the grad mode for code that cannot be wrapped in a callback; prefer `noGrad`. */
export function setGradEnabled(mode: boolean): void {
  if (typeof mode !== 'boolean') throw new Error(`setGradEnabled: mode must be true or false, got ${describe(mode)}`);
  enabled = mode;
}
