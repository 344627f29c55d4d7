/** A small live line chart on a canvas: panels side by side, each with axes, grid, lines and a legend. */

export interface ChartSeries {
  name: string;
  color: string;
  /** [x, y] pairs, drawn in order. */
  points: readonly (readonly [number, number])[];
  /** Dots at the points (for sparse series such as the test evaluations). */
  markers?: boolean;
}

export interface ChartPanel {
  title: string;
  yLabel: string;
  series: readonly ChartSeries[];
  /** Fixed y range; from the data unless given. */
  yMin?: number;
  yMax?: number;
  yFormat?: (v: number) => string;
}

const MARGIN = { left: 48, right: 12, top: 28, bottom: 36 };
const FONT = '12px system-ui, sans-serif';

/** Round tick values (steps of 1, 2 or 5 times a power of ten) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) hi = lo + 1;
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const r = raw / mag;
  const step = (r >= 7.5 ? 10 : r >= 3.5 ? 5 : r >= 1.5 ? 2 : 1) * mag;
  const ticks: number[] = [];
  for (let i = Math.floor(lo / step + 1e-9); i <= Math.ceil(hi / step - 1e-9); i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/** Redraws the whole chart: `panels` side by side over x in [0, xMax]. */
export function drawChart(canvas: HTMLCanvasElement, panels: readonly ChartPanel[], xMax: number, xLabel: string): void {
  const dpr = window.devicePixelRatio || 1;
  const cssWidth = canvas.clientWidth;
  const cssHeight = canvas.clientHeight;
  if (canvas.width !== Math.round(cssWidth * dpr) || canvas.height !== Math.round(cssHeight * dpr)) {
    canvas.width = Math.round(cssWidth * dpr);
    canvas.height = Math.round(cssHeight * dpr);
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, cssWidth, cssHeight);
  const panelWidth = cssWidth / panels.length;
  panels.forEach((panel, i) => drawPanel(ctx, panel, i * panelWidth, panelWidth, cssHeight, xMax, xLabel));
}

function drawPanel(ctx: CanvasRenderingContext2D, panel: ChartPanel, left: number, width: number, height: number, xMax: number, xLabel: string): void {
  const x0 = left + MARGIN.left;
  const w = width - MARGIN.left - MARGIN.right;
  const y0 = MARGIN.top;
  const h = height - MARGIN.top - MARGIN.bottom;
  const ys = panel.series.flatMap((s) => s.points.map((p) => p[1]));
  const yTicks = niceTicks(panel.yMin ?? Math.min(0, ...ys), panel.yMax ?? Math.max(...ys, 0.1));
  const yLo = yTicks[0];
  const yHi = yTicks[yTicks.length - 1];
  const xTicks = niceTicks(0, xMax, Math.min(xMax, 6));
  const xHi = xTicks[xTicks.length - 1];
  const sx = (x: number): number => x0 + (x / xHi) * w;
  const sy = (y: number): number => y0 + h - ((y - yLo) / (yHi - yLo)) * h;
  const yFormat = panel.yFormat ?? ((v: number) => String(v));

  ctx.font = FONT;
  ctx.lineWidth = 1;
  ctx.strokeStyle = '#e3e6ea';
  ctx.fillStyle = '#5b6470';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of yTicks) {
    ctx.beginPath();
    ctx.moveTo(x0, sy(t));
    ctx.lineTo(x0 + w, sy(t));
    ctx.stroke();
    ctx.fillText(yFormat(t), x0 - 6, sy(t));
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of xTicks) {
    ctx.beginPath();
    ctx.moveTo(sx(t), y0);
    ctx.lineTo(sx(t), y0 + h);
    ctx.stroke();
    ctx.fillText(String(t), sx(t), y0 + h + 5);
  }
  ctx.fillText(xLabel, x0 + w / 2, y0 + h + 20);
  ctx.strokeStyle = '#8a939e';
  ctx.strokeRect(x0, y0, w, h);
  ctx.fillStyle = '#1d2530';
  ctx.font = `bold ${FONT}`;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  ctx.fillText(`${panel.title} (${panel.yLabel})`, x0, y0 - 10);

  ctx.save();
  ctx.beginPath();
  ctx.rect(x0, y0, w, h);
  ctx.clip();
  for (const s of panel.series) {
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    s.points.forEach(([x, y], j) => (j === 0 ? ctx.moveTo(sx(x), sy(y)) : ctx.lineTo(sx(x), sy(y))));
    ctx.stroke();
    if (s.markers) {
      for (const [x, y] of s.points) {
        ctx.beginPath();
        ctx.arc(sx(x), sy(y), 3, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
  }
  ctx.restore();

  // Legend: right-aligned above the frame, on the title's line.
  ctx.font = FONT;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  let right = x0 + w;
  for (const s of [...panel.series].reverse()) {
    const text = s.name;
    const tw = ctx.measureText(text).width;
    ctx.fillStyle = '#1d2530';
    ctx.fillText(text, right, y0 - 14);
    ctx.fillStyle = s.color;
    ctx.fillRect(right - tw - 18, y0 - 16, 12, 4);
    right -= tw + 30;
  }
}
