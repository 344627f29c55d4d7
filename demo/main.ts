/**
 * The demo page: chooses the model (NeuralNet2 or the CNN), starts and pauses the training worker,
 * charts its progress live, and predicts the digit drawn on the canvas with its own copy of the
 * model (the worker's latest weights), so that predictions stay instant while the worker trains.
 */
import * as torch from '../src/index';
import { drawChart } from './chart';
import { decodeDigits, PIXELS } from './digits';
import { DEFAULT_MODEL, type DemoModel, MODEL_NAMES, MODELS, type ModelName, modelSpec, NUM_CLASSES } from './model';
import { SIZE, toMnist } from './preprocess';
import type { FromWorker, ToWorker, TrainPoint } from './protocol';

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
};

const ui = {
  choice: $<HTMLSelectElement>('model-choice'),
  model: $('model'),
  setup: $('setup'),
  train: $<HTMLButtonElement>('train'),
  reset: $<HTMLButtonElement>('reset'),
  epoch: $('epoch'),
  step: $('step'),
  loss: $('loss'),
  testAccuracy: $('test-accuracy'),
  samplesPerSec: $('samples-per-sec'),
  threads: $('threads'),
  status: $('status'),
  chart: $<HTMLCanvasElement>('chart'),
  draw: $<HTMLCanvasElement>('draw'),
  preview: $<HTMLCanvasElement>('preview'),
  clear: $<HTMLButtonElement>('clear'),
  sample: $<HTMLButtonElement>('sample'),
  prediction: $('prediction'),
  probs: $('probs'),
};

// ---- Training: the worker and its progress ----

const worker = new Worker('worker.js');
const send = (message: ToWorker): void => worker.postMessage(message);
let state: 'loading' | 'paused' | 'training' | 'done' = 'loading';
let epochs: number = MODELS[DEFAULT_MODEL].epochs;
let trainCurve: TrainPoint[] = [];
let testCurve: { epoch: number; loss: number; accuracy: number }[] = [];

function setState(next: typeof state): void {
  state = next;
  document.body.dataset.state = next;
  ui.train.disabled = next === 'loading' || next === 'done';
  ui.reset.disabled = next === 'loading';
  ui.choice.disabled = next === 'loading';
  ui.train.textContent = next === 'training' ? 'Pause' : next === 'paused' && trainCurve.length > 0 ? 'Resume' : 'Train';
  const last = testCurve[testCurve.length - 1];
  ui.status.textContent = {
    loading: 'Loading the digits…',
    paused: trainCurve.length > 0 ? 'Paused.' : 'Ready: press Train.',
    training: 'Training in a Web Worker: the page stays responsive. Draw a digit meanwhile.',
    done: `Done: ${epochs} epochs${last ? `, ${pct(last.accuracy)} of the test digits right` : ''}. Reset to train again.`,
  }[next];
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const m = event.data;
  switch (m.type) {
    case 'ready':
      if (m.name !== modelName) useModel(m.name);
      ui.choice.value = m.name;
      epochs = m.epochs;
      trainCurve = [];
      testCurve = [];
      ui.model.textContent = m.model;
      ui.setup.textContent =
        `${m.optimizer}, batch size ${m.batchSize}, ${m.epochs} epochs of ${m.stepsPerEpoch} steps. ` +
        `${m.trainSize.toLocaleString('en-US')} MNIST digits (all ten) to train on, ${m.testSize.toLocaleString('en-US')} held out to test.`;
      ui.epoch.textContent = `0 / ${m.epochs}`;
      ui.step.textContent = '0';
      ui.loss.textContent = '–';
      ui.samplesPerSec.textContent = '–';
      ui.threads.textContent = '–';
      scheduleChart();
      break;
    case 'state':
      setState(m.state);
      break;
    case 'progress':
      trainCurve.push(m.point);
      ui.epoch.textContent = `${m.epoch.toFixed(2)} / ${epochs}`;
      ui.step.textContent = m.step.toLocaleString('en-US');
      ui.loss.textContent = m.point.loss.toFixed(4);
      ui.samplesPerSec.textContent = Math.round(m.samplesPerSec).toLocaleString('en-US');
      ui.threads.textContent = `${m.threads} of ${navigator.hardwareConcurrency} (${m.simd})`;
      ui.threads.dataset.value = String(m.threads);
      scheduleChart();
      break;
    case 'eval':
      testCurve.push(m);
      ui.testAccuracy.textContent = `${pct(m.accuracy)} (${m.correct} / ${m.total})`;
      ui.testAccuracy.dataset.value = String(m.accuracy);
      scheduleChart();
      break;
    case 'weights':
      model.loadStateDict(Object.fromEntries(Object.entries(m.tensors).map(([k, t]) => [k, new torch.Tensor(t.data, t.shape, 'float32')])));
      predict();
      break;
    case 'error':
      ui.status.textContent = `Error: ${m.message.split('\n')[0]}`;
      console.error(`training worker: ${m.message}`);
      break;
    default: {
      const message = `the page got an unknown message from the training worker: ${JSON.stringify(m satisfies never)}`;
      ui.status.textContent = `Error: ${message}`;
      console.error(message);
    }
  }
};
worker.onerror = (event) => {
  ui.status.textContent = `Error: ${event.message}`;
  console.error(`training worker: ${event.message}`);
};

ui.train.onclick = () => send({ type: state === 'training' ? 'pause' : 'start' });
ui.reset.onclick = () => send({ type: 'reset' });
for (const name of MODEL_NAMES) ui.choice.add(new Option(MODELS[name].label, name, name === DEFAULT_MODEL, name === DEFAULT_MODEL));
// Another model starts a new run of it; the worker checks the name (and says so when it knows no such model).
ui.choice.onchange = () => send({ type: 'reset', model: ui.choice.value as ModelName });

let chartQueued = false;
function scheduleChart(): void {
  if (chartQueued) return;
  chartQueued = true;
  requestAnimationFrame(() => {
    chartQueued = false;
    drawChart(
      ui.chart,
      [
        {
          title: 'Loss',
          yLabel: 'cross-entropy',
          yFormat: (v) => v.toFixed(1),
          series: [
            { name: 'train', color: '#1f77b4', points: trainCurve.map((p) => [p.epoch, p.loss]) },
            { name: 'test', color: '#ff7f0e', points: testCurve.map((p) => [p.epoch, p.loss]), markers: true },
          ],
        },
        {
          title: 'Accuracy',
          yLabel: '%',
          yMin: 0,
          yMax: 100,
          series: [
            { name: 'train', color: '#1f77b4', points: trainCurve.map((p) => [p.epoch, 100 * p.accuracy]) },
            { name: 'test', color: '#ff7f0e', points: testCurve.map((p) => [p.epoch, 100 * p.accuracy]), markers: true },
          ],
        },
      ],
      epochs,
      'epoch',
    );
  });
}
window.addEventListener('resize', scheduleChart);

// ---- Drawing and predicting ----

let modelName: ModelName = DEFAULT_MODEL;
let model: DemoModel = MODELS[DEFAULT_MODEL].create();
model.eval();

/** Replaces the page's copy of the model by a fresh one of `name` (the worker's weights follow). */
function useModel(name: ModelName): void {
  model = modelSpec(name).create();
  model.eval();
  modelName = name;
  document.body.dataset.model = name;
}
const pen = ui.draw.getContext('2d', { willReadFrequently: true })!;
const LINE_WIDTH = 22;

function clearCanvas(): void {
  pen.fillStyle = '#000';
  pen.fillRect(0, 0, ui.draw.width, ui.draw.height);
  ui.draw.dataset.empty = 'true';
  predict();
}

/** The pointer's position in canvas pixels (the canvas may be shown at another size). */
function at(event: PointerEvent): [number, number] {
  const r = ui.draw.getBoundingClientRect();
  return [((event.clientX - r.left) * ui.draw.width) / r.width, ((event.clientY - r.top) * ui.draw.height) / r.height];
}

let last: [number, number] | null = null;
ui.draw.addEventListener('pointerdown', (event) => {
  ui.draw.setPointerCapture(event.pointerId);
  last = at(event);
  stroke(last, last);
});
ui.draw.addEventListener('pointermove', (event) => {
  if (!last) return;
  const next = at(event);
  stroke(last, next);
  last = next;
});
const penUp = (): void => {
  last = null;
};
ui.draw.addEventListener('pointerup', penUp);
ui.draw.addEventListener('pointercancel', penUp);

function stroke(from: [number, number], to: [number, number]): void {
  pen.strokeStyle = '#fff';
  pen.lineWidth = LINE_WIDTH;
  pen.lineCap = 'round';
  pen.lineJoin = 'round';
  pen.beginPath();
  pen.moveTo(...from);
  pen.lineTo(...to);
  pen.stroke();
  ui.draw.dataset.empty = 'false';
  schedulePredict();
}

let predictQueued = false;
function schedulePredict(): void {
  if (predictQueued) return;
  predictQueued = true;
  requestAnimationFrame(() => {
    predictQueued = false;
    predict();
  });
}

const bars = Array.from({ length: NUM_CLASSES }, (_, digit) => {
  const row = document.createElement('li');
  row.innerHTML = `<span class="digit">${digit}</span><span class="bar"><span class="fill"></span></span><span class="pct">–</span>`;
  ui.probs.appendChild(row);
  return { row, fill: row.querySelector<HTMLElement>('.fill')!, pct: row.querySelector<HTMLElement>('.pct')! };
});

/** Runs the drawing through the MNIST preprocessing and the model; shows the softmax probabilities. */
function predict(): void {
  const { width, height } = ui.draw;
  const rgba = pen.getImageData(0, 0, width, height).data;
  const ink = new Float32Array(width * height);
  for (let i = 0; i < ink.length; i++) ink[i] = rgba[4 * i] / 255;
  const image = toMnist(ink, width, height);
  showPreview(image);
  if (!image) {
    for (const b of bars) {
      b.fill.style.width = '0%';
      b.pct.textContent = '–';
      b.row.classList.remove('top');
    }
    ui.prediction.textContent = '–';
    ui.prediction.dataset.digit = '';
    return;
  }
  // [1, 784] for NeuralNet2, [1, 1, 28, 28] for the CNN
  const input = new torch.Tensor(image, [1, ...MODELS[modelName].inputShape], 'float32');
  const probs = torch.noGrad(() => torch.softmax(model(input), 1)).data;
  let best = 0;
  for (let d = 1; d < probs.length; d++) if (probs[d] > probs[best]) best = d;
  bars.forEach((b, d) => {
    b.fill.style.width = `${(100 * probs[d]).toFixed(1)}%`;
    b.pct.textContent = `${(100 * probs[d]).toFixed(1)}%`;
    b.row.classList.toggle('top', d === best);
  });
  ui.prediction.textContent = String(best);
  ui.prediction.dataset.digit = String(best);
  ui.probs.dataset.sum = String(Array.from(probs).reduce((a, b) => a + b, 0));
}

const previewCtx = ui.preview.getContext('2d')!;
function showPreview(image: Float32Array | null): void {
  const pixels = previewCtx.createImageData(SIZE, SIZE);
  for (let i = 0; i < SIZE * SIZE; i++) {
    const v = image ? Math.round(255 * image[i]) : 0;
    pixels.data.set([v, v, v, 255], 4 * i);
  }
  previewCtx.putImageData(pixels, 0, 0);
}

/** Draws a random MNIST digit, scaled up, onto the canvas: what the model was trained on. */
let mnist: Promise<ReturnType<typeof decodeDigits>> | null = null;
async function drawSample(): Promise<void> {
  mnist ??= fetch('digits.bin').then(async (r) => decodeDigits(new Uint8Array(await r.arrayBuffer())));
  const { count, pixels } = await mnist;
  const i = Math.floor(Math.random() * count);
  const small = document.createElement('canvas');
  small.width = small.height = SIZE;
  const data = small.getContext('2d')!.createImageData(SIZE, SIZE);
  for (let p = 0; p < PIXELS; p++) {
    const v = pixels[i * PIXELS + p];
    data.data.set([v, v, v, 255], 4 * p);
  }
  small.getContext('2d')!.putImageData(data, 0, 0);
  pen.imageSmoothingEnabled = true;
  pen.drawImage(small, 0, 0, ui.draw.width, ui.draw.height);
  ui.draw.dataset.empty = 'false';
  predict();
}

ui.clear.onclick = clearCanvas;
ui.sample.onclick = () => {
  drawSample().catch((e: unknown) => console.error(e));
};

document.body.dataset.model = modelName;
clearCanvas();
setState('loading');
