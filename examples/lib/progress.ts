/**
 * A status line that redraws in place in a terminal (`\r`) and, when output is piped to a file or
 * another program, prints only the finished lines.
 */
import type { Output } from './cli';

/** `[=======>            ]` for a fraction in [0, 1]. */
export function bar(fraction: number, width = 24): string {
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  const head = filled > 0 && filled < width ? '>' : '';
  return `[${'='.repeat(Math.max(0, filled - head.length))}${head}${' '.repeat(width - filled)}]`;
}

/** One live status line (see the top of this file). */
export class ProgressLine {
  private lastDraw = 0;
  constructor(
    private readonly out: Output,
    private readonly minIntervalMs = 80,
  ) {}

  /** Shows `text` as the live line (terminal only, at most every minIntervalMs). */
  update(text: string): void {
    if (!this.out.isTTY) return;
    const now = Date.now();
    if (now - this.lastDraw < this.minIntervalMs) return;
    this.lastDraw = now;
    this.out.write(`\r${text}\x1b[K`);
  }

  /** Prints `text` as a finished line, replacing the live one in a terminal. */
  done(text: string): void {
    this.out.write(this.out.isTTY ? `\r${text}\x1b[K\n` : `${text}\n`);
    this.lastDraw = 0;
  }
}
