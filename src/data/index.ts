/** `tsgrad.data`: datasets and batched, seeded loading (`torch.utils.data`). */
export { Dataset, TensorDataset, Subset, randomSplit, type Collated } from './dataset';
export { DataLoader, defaultCollate, type DataLoaderOptions, type DataLoaderState } from './dataloader';
export * as transforms from './transforms';
