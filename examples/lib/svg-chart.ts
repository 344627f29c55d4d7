/** A small SVG line chart: panels side by side, each with axes, grid, lines and a legend. */

/** One line of a panel. */
export interface Series {
  name: string;
  /** [x, y] pairs, drawn in order. */
  points: readonly (readonly [number, number])[];
  color: string;
  /** Draw a dot at every point (for sparse series such as one value per epoch). */
  markers?: boolean;
}

/** One plot: its axes and its lines. */
export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  /** Tick label text; two decimals unless given. */
  yFormat?: (v: number) => string;
  /** Where the legend goes, so it stays clear of the lines: top right unless given. */
  legend?: 'top' | 'bottom';
}

const PANEL_W = 440;
const PANEL_H = 320;
const MARGIN = { left: 58, right: 16, top: 34, bottom: 46 };
const TITLE_H = 30;

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (v: number): string => String(Math.round(v * 10) / 10);

/** Round tick values (steps of 1, 2 or 5 times a power of ten) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5, minStep = 0): { lo: number; hi: number; ticks: number[] } {
  if (!(hi > lo)) {
    const pad = Math.abs(lo) * 0.05 || 1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const r = raw / mag;
  const step = Math.max(minStep, (r >= 7.5 ? 10 : r >= 3.5 ? 5 : r >= 1.5 ? 2 : 1) * mag);
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toPrecision(12)));
  return { lo: ticks[0], hi: ticks[ticks.length - 1], ticks };
}

function panelSvg(panel: Panel, x0: number, y0: number): string[] {
  const w = PANEL_W - MARGIN.left - MARGIN.right;
  const h = PANEL_H - MARGIN.top - MARGIN.bottom;
  const all = panel.series.flatMap((s) => s.points);
  const wholeXs = all.every((p) => Number.isInteger(p[0]));
  const xs = niceTicks(Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0])), 6, wholeXs ? 1 : 0);
  const ys = niceTicks(Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1])), 5);
  const sx = (x: number): number => MARGIN.left + ((x - xs.lo) / (xs.hi - xs.lo)) * w;
  const sy = (y: number): number => MARGIN.top + h - ((y - ys.lo) / (ys.hi - ys.lo)) * h;
  const yFormat = panel.yFormat ?? ((v: number) => v.toFixed(2));
  const out = [`<g class="panel" transform="translate(${x0},${y0})">`];
  out.push(`<text class="panel-title" x="${num(MARGIN.left + w / 2)}" y="20" text-anchor="middle" font-weight="bold">${esc(panel.title)}</text>`);
  for (const t of ys.ticks) {
    out.push(`<line class="grid" x1="${MARGIN.left}" x2="${MARGIN.left + w}" y1="${num(sy(t))}" y2="${num(sy(t))}" stroke="#e5e5e5"/>`);
    out.push(`<text class="tick" x="${MARGIN.left - 6}" y="${num(sy(t) + 4)}" text-anchor="end">${esc(yFormat(t))}</text>`);
  }
  for (const t of xs.ticks) {
    out.push(`<line class="grid" x1="${num(sx(t))}" x2="${num(sx(t))}" y1="${MARGIN.top}" y2="${MARGIN.top + h}" stroke="#e5e5e5"/>`);
    out.push(`<text class="tick" x="${num(sx(t))}" y="${MARGIN.top + h + 16}" text-anchor="middle">${esc(String(t))}</text>`);
  }
  out.push(`<rect class="frame" x="${MARGIN.left}" y="${MARGIN.top}" width="${w}" height="${h}" fill="none" stroke="#333"/>`);
  out.push(`<text class="axis-label" x="${num(MARGIN.left + w / 2)}" y="${PANEL_H - 8}" text-anchor="middle">${esc(panel.xLabel)}</text>`);
  out.push(`<text class="axis-label" transform="translate(14,${num(MARGIN.top + h / 2)}) rotate(-90)" text-anchor="middle">${esc(panel.yLabel)}</text>`);
  for (const s of panel.series) {
    const points = s.points.map(([x, y]) => `${num(sx(x))},${num(sy(y))}`).join(' ');
    out.push(`<polyline class="series" data-name="${esc(s.name)}" points="${points}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    if (s.markers) for (const [x, y] of s.points) out.push(`<circle cx="${num(sx(x))}" cy="${num(sy(y))}" r="3" fill="${s.color}"/>`);
  }
  out.push('<g class="legend">');
  panel.series.forEach((s, i) => {
    const top = panel.legend === 'bottom' ? MARGIN.top + h - 8 - 18 * panel.series.length : MARGIN.top;
    const ly = top + 14 + i * 18;
    const lx = MARGIN.left + w - 150;
    out.push(`<line x1="${lx}" x2="${lx + 22}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"/>`);
    out.push(`<text x="${lx + 28}" y="${ly}">${esc(s.name)}</text>`);
  });
  out.push('</g>', '</g>');
  return out;
}

/** The SVG document of `panels` laid out left to right under `title`. */
export function lineChart(title: string, panels: readonly Panel[]): string {
  for (const p of panels) {
    if (p.series.length === 0 || p.series.some((s) => s.points.length === 0)) throw new Error(`lineChart: panel '${p.title}' has a series without points`);
    if (p.series.some((s) => s.points.some(([x, y]) => !Number.isFinite(x) || !Number.isFinite(y)))) {
      throw new Error(`lineChart: panel '${p.title}' has a point that is not a finite number`);
    }
  }
  const width = PANEL_W * panels.length;
  const height = PANEL_H + TITLE_H;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`,
    ...panels.flatMap((p, i) => panelSvg(p, i * PANEL_W, TITLE_H)),
    '</svg>',
    '',
  ].join('\n');
}
