#!/usr/bin/env python3
"""PyTorch peer of the engine's quality benchmark: trains the same variational (or convolutional) autoencoder on the
training images of one Fashion-MNIST class and prints its per-epoch mean training loss as one JSON line on stdout.

VAE: 784-256-(16 means, 16 log-variances) | 16-256-784, ReLU, sigmoid output, loss per row = summed binary cross-entropy
+ KL(q || N(0, I)), Adam 1e-3, batch 128, the same schedule as the engine. Progress goes to stderr.
"""

import argparse
import gzip
import json
import os
import struct
import sys

sys.stdout.flush()
_JSON_FD = os.dup(1)
os.dup2(2, 1)
sys.stdout = sys.stderr

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402


def read_idx(path):
    with open(path, "rb") as f:
        head = f.read(2)
    opener = gzip.open if head == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


class Vae(nn.Module):
    def __init__(self, inputs, hidden, latent):
        super().__init__()
        self.encoder = nn.Linear(inputs, hidden)
        self.head = nn.Linear(hidden, 2 * latent)
        self.decoder_hidden = nn.Linear(latent, hidden)
        self.decoder_out = nn.Linear(hidden, inputs)
        self.latent = latent

    def forward(self, x):
        h = torch.relu(self.encoder(x))
        head = self.head(h)
        mean, log_variance = head[:, :self.latent], head[:, self.latent:]
        z = mean + torch.exp(0.5 * log_variance) * torch.randn_like(mean)
        logits = self.decoder_out(torch.relu(self.decoder_hidden(z)))
        return logits, mean, log_variance


class ConvAutoencoder(nn.Module):
    """1x28x28 -> 32x14x14 -> 64x7x7 -> dense code -> 64x7x7 -> 32x14x14 -> 1x28x28, as the engine's benchmark layout."""

    def __init__(self, code):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 2, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 2, 1)
        self.code = nn.Linear(64 * 7 * 7, code)
        self.expand = nn.Linear(code, 64 * 7 * 7)
        self.deconv1 = nn.ConvTranspose2d(64, 32, 4, 2, 1)
        self.deconv2 = nn.ConvTranspose2d(32, 1, 4, 2, 1)
        # The engine's initialization: uniform, He's limit sqrt(6 / fan-in) for ReLU layers, Glorot's sqrt(6 / (fan-in + fan-out)) otherwise;
        # a transposed convolution's fan-in is in-channels * kernel^2 / stride^2, its fan-out kernel^2 * out-channels.
        limits = {
            self.conv1: (6 / 9) ** 0.5, self.conv2: (6 / (9 * 32)) ** 0.5, self.code: (6 / (3136 + code)) ** 0.5,
            self.expand: (6 / code) ** 0.5, self.deconv1: (6 / (64 * 16 / 4)) ** 0.5, self.deconv2: (6 / (32 * 16 / 4 + 16)) ** 0.5,
        }
        for layer, limit in limits.items():
            nn.init.uniform_(layer.weight, -limit, limit)
            nn.init.zeros_(layer.bias)

    def forward(self, x):
        h = torch.relu(self.conv2(torch.relu(self.conv1(x.view(-1, 1, 28, 28)))))
        # The engine's maps are channels-last; flattening order only permutes the dense weights, so it is irrelevant to the loss.
        code = self.code(h.flatten(1))
        h = torch.relu(self.expand(code)).view(-1, 64, 7, 7)
        return torch.sigmoid(self.deconv2(torch.relu(self.deconv1(h)))).view(-1, 784)


def train_conv(x, args):
    model = ConvAutoencoder(args.code)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    losses = []
    for epoch in range(args.epochs):
        order = torch.randperm(x.shape[0])
        total = 0.0
        for start in range(0, x.shape[0], args.batch):
            batch = x[order[start:start + args.batch]]
            loss = torch.mean((model(batch) - batch) ** 2)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * batch.shape[0]
        losses.append(total / x.shape[0])
        print(f"pytorch conv epoch {epoch + 1}: {losses[-1]:.5f}", file=sys.stderr, flush=True)
    return losses


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", required=True)
    parser.add_argument("--labels", required=True)
    parser.add_argument("--digit", type=int, default=0, help="the class whose training images are used")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--latent", type=int, default=16)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--member", choices=["vae", "conv"], default="vae")
    parser.add_argument("--code", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-3)
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(os.cpu_count() or 1)
    images = read_idx(args.images).reshape(-1, 784).astype(np.float32) / np.float32(255.0)
    labels = read_idx(args.labels)
    x = torch.from_numpy(np.ascontiguousarray(images[labels == args.digit]))
    if args.member == "conv":
        losses = train_conv(x, args)
        os.write(_JSON_FD, (json.dumps({"system": "pytorch", "member": "conv", "losses": losses}) + "\n").encode())
        return
    model = Vae(784, args.hidden, args.latent)
    for layer in (model.encoder, model.decoder_hidden):  # He uniform for ReLU layers, as the engine's Auto initialization
        nn.init.kaiming_uniform_(layer.weight, a=0, nonlinearity="relu")
        nn.init.zeros_(layer.bias)
    for layer in (model.head, model.decoder_out):  # Glorot uniform otherwise
        nn.init.xavier_uniform_(layer.weight)
        nn.init.zeros_(layer.bias)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    bce = nn.BCEWithLogitsLoss(reduction="sum")
    losses = []
    for epoch in range(args.epochs):
        order = torch.randperm(x.shape[0])
        total = 0.0
        for start in range(0, x.shape[0], args.batch):
            batch = x[order[start:start + args.batch]]
            logits, mean, log_variance = model(batch)
            kl = -0.5 * torch.sum(1 + log_variance - mean * mean - torch.exp(log_variance))
            loss = (bce(logits, batch) + kl) / batch.shape[0]
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * batch.shape[0]
        losses.append(total / x.shape[0])
        print(f"pytorch vae epoch {epoch + 1}: {losses[-1]:.3f}", file=sys.stderr, flush=True)

    os.write(_JSON_FD, (json.dumps({"system": "pytorch", "member": "vae", "losses": losses}) + "\n").encode())


if __name__ == "__main__":
    main()
