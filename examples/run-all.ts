/**
 * Runs the examples one after another with their defaults (`npm run examples`): the softmax and
 * cross-entropy tutorial, NeuralNet1 and NeuralNet2 trained on real MNIST digits, a physics-informed
 * net that solves an ODE with second-order gradients, and pytorch/examples' MNIST CNN.
 */
import { Cli, stdout } from './lib/cli';
import { main as binary } from './neuralnet1-binary';
import { main as cnn } from './mnist-cnn';
import { main as multiclass } from './neuralnet2-multiclass';
import { main as physics } from './physics-ode';
import { main as softmax } from './softmax-cross-entropy';

const cli = new Cli('npm run examples --', 'Runs the softmax tutorial and the training examples with their default flags.', {});

const examples: [string, (argv: string[]) => unknown][] = [
  ['example:softmax', softmax],
  ['example:binary', binary],
  ['example:multiclass', multiclass],
  ['example:physics', physics],
  ['example:cnn', cnn],
];

async function main(argv: string[]): Promise<void> {
  cli.parse(argv);
  for (const [i, [name, run]] of examples.entries()) {
    stdout.write(`${i > 0 ? '\n' : ''}===== npm run ${name} =====\n`);
    await run([]);
  }
}

if (require.main === module) cli.run(main);
