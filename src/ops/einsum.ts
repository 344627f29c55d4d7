/**
 * `einsum`: Einstein summation, as PyTorch computes it (aten/src/ATen/native/Linear.cpp): take
 * diagonals for repeated labels, align every operand to [output dims, contracted dims] by unsqueeze
 * and permute, then contract operands left to right, each pair by permute + reshape + one batched
 * matrix product (`sumproductPair`), summing dims as soon as a single operand holds them. Built from
 * differentiable ops only, so it needs no backward, and its result prints PyTorch's grad_fn.
 */
import { describe } from '../options';
import { fmt } from '../shape';
import type { Tensor } from '../tensor';
import { checkTensor } from './helpers';
import { mul } from './binary';
import { permute, reshape, unsqueeze } from './layout';
import { bmm } from './matmul';
import { sum } from './reduce';
import { diagonal, movedim } from './shape';

const LETTERS = 26;
const ELLIPSIS = 2 * LETTERS;

/** [A-Z] to 0..25 and [a-z] to 26..51, as PyTorch numbers its subscripts. */
const subscript = (c: string): number => (c >= 'A' && c <= 'Z' ? c.charCodeAt(0) - 65 : c.charCodeAt(0) - 97 + LETTERS);
const label = (s: number): string => String.fromCharCode(s < LETTERS ? s + 65 : s - LETTERS + 97);
const isLetter = (c: string): boolean => /^[A-Za-z]$/.test(c);

/**
 * Sums products of the operands' elements over the labels the equation leaves out of its output
 * (`torch.einsum`): `einsum('ij,jk->ik', a, b)` is a matrix product, `'ii->i'` a diagonal, `'...ij->...ji'`
 * a batched transpose. Without `->` the output is the ellipsis dims, then the labels used once, in
 * alphabetical order (upper case first). Operands come as arguments or as one array.
 */
export function einsum(equation: string, ...operands: (Tensor | readonly Tensor[])[]): Tensor {
  if (typeof equation !== 'string') throw new Error(`einsum: equation must be a string such as 'ij,jk->ik', got ${describe(equation)}`);
  const list: unknown[] = operands.length === 1 && Array.isArray(operands[0]) ? [...operands[0]] : operands;
  if (list.length === 0) throw new Error('einsum: must provide at least one operand');
  const ops = list.map((t, i) => checkTensor(t, 'einsum', `operands[${i}]`));
  const n = ops.length;

  const arrow = equation.indexOf('->');
  const lhs = arrow < 0 ? equation : equation.slice(0, arrow);
  const opLabels: number[][] = ops.map(() => []);
  let current = 0;
  let ellipsisSeen = false;
  for (let i = 0; i < lhs.length; i++) {
    const c = lhs[i];
    if (c === ' ') continue;
    if (c === '.') {
      if (ellipsisSeen) throw new Error(`einsum: found '.' for operand ${current} for which an ellipsis was already found`);
      if (!(i + 2 < lhs.length && lhs[i + 1] === '.' && lhs[i + 2] === '.'))
        throw new Error(`einsum: found '.' for operand ${current} that is not part of any ellipsis`);
      i += 2;
      opLabels[current].push(ELLIPSIS);
      ellipsisSeen = true;
    } else if (c === ',') {
      current++;
      if (current >= n) throw new Error(`einsum: fewer operands were provided (${n}) than the equation '${equation}' specifies`);
      ellipsisSeen = false;
    } else if (isLetter(c)) {
      opLabels[current].push(subscript(c));
    } else {
      throw new Error(`einsum: invalid subscript '${c}' at index ${i} of the equation '${equation}'; subscripts must be in [a-zA-Z]`);
    }
  }
  if (current !== n - 1) throw new Error(`einsum: more operands were provided (${n}) than the equation '${equation}' specifies (${current + 1})`);

  const labelCount = new Array<number>(ELLIPSIS).fill(0);
  let ellDims = 0;
  ops.forEach((op, i) => {
    let labels = 0;
    let hasEllipsis = false;
    for (const s of opLabels[i]) {
      if (s === ELLIPSIS) hasEllipsis = true;
      else {
        labels++;
        labelCount[s]++;
      }
    }
    if (hasEllipsis) ellDims = Math.max(ellDims, op.ndim - labels);
    if (hasEllipsis ? labels > op.ndim : labels !== op.ndim) {
      throw new Error(
        `einsum: the number of subscripts in the equation (${labels}) ${hasEllipsis ? 'is more than' : 'does not match'} the number of dims (${op.ndim}) of operand ${i} of shape ${fmt(op.shape)}` +
          (hasEllipsis ? '' : ' and no ellipsis was given'),
      );
    }
  });

  // where each label goes in the aligned shape: output dims first, then the contracted ones
  const permIndex = new Array<number>(ELLIPSIS).fill(-1);
  let perm = 0;
  let ellIndex = 0;
  let ellInOutput = false;
  if (arrow < 0) {
    perm = ellDims;
    ellInOutput = true;
    for (let s = 0; s < ELLIPSIS; s++) if (labelCount[s] === 1) permIndex[s] = perm++;
  } else {
    const rhs = equation.slice(arrow + 2);
    for (let i = 0; i < rhs.length; i++) {
      const c = rhs[i];
      if (c === ' ') continue;
      if (c === '.') {
        if (ellInOutput) throw new Error("einsum: found '.' for the output but an ellipsis (...) was already found");
        if (!(i + 2 < rhs.length && rhs[i + 1] === '.' && rhs[i + 2] === '.'))
          throw new Error("einsum: found '.' for the output that is not part of any ellipsis (...)");
        i += 2;
        ellIndex = perm;
        perm += ellDims;
        ellInOutput = true;
      } else if (isLetter(c)) {
        const s = subscript(c);
        if (labelCount[s] === 0) throw new Error(`einsum: output subscript ${c} does not appear in the equation for any input operand`);
        if (permIndex[s] !== -1) throw new Error(`einsum: output subscript ${c} appears more than once in the output`);
        permIndex[s] = perm++;
      } else {
        throw new Error(`einsum: invalid subscript '${c}' at index ${lhs.length + 2 + i} of the equation '${equation}'; subscripts must be in [a-zA-Z]`);
      }
    }
  }
  const outDims = perm;
  if (!ellInOutput) {
    ellIndex = perm;
    perm += ellDims;
  }
  for (let s = 0; s < ELLIPSIS; s++) if (labelCount[s] > 0 && permIndex[s] === -1) permIndex[s] = perm++;

  // align: diagonals for repeated labels, unsqueeze missing dims, permute to the aligned order
  const labelSize = new Array<number>(ELLIPSIS).fill(1);
  const ellSizes = new Array<number>(ellDims).fill(1);
  const dimCounts = new Array<number>(perm).fill(0);
  let aligned: Tensor[] = ops.map((operand, i) => {
    let op = operand;
    const permutation = new Array<number>(perm).fill(-1);
    let dim = 0;
    for (const s of opLabels[i]) {
      if (s === ELLIPSIS) {
        const covered = operand.ndim - (opLabels[i].length - 1);
        for (let j = ellDims - covered; j < ellDims; j++) {
          if (op.shape[dim] !== 1) {
            if (ellSizes[j] !== 1 && ellSizes[j] !== op.shape[dim]) {
              throw new Error(
                `einsum: dimension ${dim} covered by the ellipsis in operand ${i} has size ${op.shape[dim]}, which does not broadcast with the size ${ellSizes[j]} seen before`,
              );
            }
            ellSizes[j] = op.shape[dim];
            dimCounts[ellIndex + j]++;
          }
          permutation[ellIndex + j] = dim++;
        }
      } else if (permutation[permIndex[s]] === -1) {
        if (op.shape[dim] !== 1) {
          if (labelSize[s] !== 1 && labelSize[s] !== op.shape[dim]) {
            throw new Error(
              `einsum: subscript ${label(s)} has size ${op.shape[dim]} for operand ${i}, which does not broadcast with the size ${labelSize[s]} seen before`,
            );
          }
          labelSize[s] = op.shape[dim];
          dimCounts[permIndex[s]]++;
        }
        permutation[permIndex[s]] = dim++;
      } else {
        const prev = permutation[permIndex[s]];
        if (op.shape[dim] !== op.shape[prev]) {
          throw new Error(`einsum: subscript ${label(s)} is repeated for operand ${i} but the sizes don't match, ${op.shape[dim]} != ${op.shape[prev]}`);
        }
        op = movedim(diagonal(op, 0, prev, dim), -1, prev);
      }
    }
    for (let p = 0; p < permutation.length; p++) {
      if (permutation[p] === -1) {
        op = unsqueeze(op, dim);
        permutation[p] = dim++;
      }
    }
    return permute(op, permutation);
  });

  // contract left to right
  while (aligned.length > 1) {
    let [a, b] = aligned;
    const sumDims: number[] = [];
    const aSum: number[] = [];
    const bSum: number[] = [];
    for (let d = outDims; d < perm; d++) {
      if (a.shape[d] !== 1 && b.shape[d] !== 1) {
        if (--dimCounts[d] === 1) {
          sumDims.push(d);
          dimCounts[d] = 0;
        }
      } else if (dimCounts[d] === 1) {
        if (a.shape[d] !== 1) {
          aSum.push(d);
          dimCounts[d] = 0;
        } else if (b.shape[d] !== 1) {
          bSum.push(d);
          dimCounts[d] = 0;
        }
      }
    }
    if (aSum.length > 0) a = sum(a, aSum, true);
    if (bSum.length > 0) b = sum(b, bSum, true);
    aligned = [sumproductPair(a, b, sumDims), ...aligned.slice(2)];
  }

  const result = aligned[0];
  if (perm - outDims > 0) {
    if (n > 1) return reshape(result, result.shape.slice(0, outDims));
    return sum(
      result,
      Array.from({ length: perm - outDims }, (_, i) => outDims + i),
    );
  }
  return result;
}

/** `(left * right).sum(sumDims, keepdim=true)` for aligned operands, by permute, reshape and bmm (PyTorch's sumproduct_pair). */
function sumproductPair(left: Tensor, right: Tensor, sumDims: readonly number[]): Tensor {
  if (sumDims.length === 0) return mul(left, right);
  const dim = left.ndim;
  const lro: number[] = [];
  const lo: number[] = [];
  const ro: number[] = [];
  let lroSize = 1;
  let loSize = 1;
  let roSize = 1;
  let sumSize = 1;
  for (let i = 0; i < dim; i++) {
    const sl = left.shape[i] !== 1;
    const sr = right.shape[i] !== 1;
    if (sumDims.includes(i)) {
      if (sl && sr) {
        if (left.shape[i] !== right.shape[i]) throw new Error('einsum: non-broadcast dimensions must match');
        sumSize *= left.shape[i];
      } else if (sl) left = sum(left, i, true);
      else if (sr) right = sum(right, i, true);
    } else if (sl && sr) {
      if (left.shape[i] !== right.shape[i]) throw new Error('einsum: non-broadcast dimensions must match');
      lro.push(i);
      lroSize *= left.shape[i];
    } else if (sl) {
      lo.push(i);
      loSize *= left.shape[i];
    } else {
      ro.push(i);
      roSize *= right.shape[i];
    }
  }
  const outSize = [...lro.map((d) => left.shape[d]), ...lo.map((d) => left.shape[d]), ...sumDims.map(() => 1), ...ro.map((d) => right.shape[d])];
  const lperm = [...lro, ...lo, ...sumDims, ...ro];
  const rperm = [...lro, ...sumDims, ...ro, ...lo];
  const operm = new Array<number>(outSize.length);
  [...lro, ...lo, ...sumDims, ...ro].forEach((d, i) => (operm[d] = i));
  const l = reshape(permute(left, lperm), [lroSize, loSize, sumSize]);
  const r = reshape(permute(right, rperm), [lroSize, sumSize, roSize]);
  return permute(reshape(bmm(l, r), outSize), operm);
}
