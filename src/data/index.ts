/** `tsgrad.data`: datasets and batched, seeded loading (`torch.utils.data`). */
export { Dataset, TensorDataset, Subset, randomSplit, type Collated } from './dataset';
export { DataLoader, defaultCollate, type DataLoaderOptions } from './dataloader';
export * as transforms from './transforms';
