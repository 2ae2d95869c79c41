#!/usr/bin/env python3
"""PyTorch peer benchmark for the autoencoder library.

Trains a dense autoencoder on Fashion-MNIST training images and measures
training throughput (samples/s) and inference throughput (rows/s).

Human-readable progress goes to stderr; exactly one JSON line goes to stdout.
Intended to be launched by the C# benchmark as a subprocess, e.g.

    /usr/bin/python3 bench/peers/pytorch_autoencoder.py \
        --images /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
"""

import argparse
import ctypes
import gzip
import json
import os
import struct
import sys
import time

# Keep stdout clean: anything printed (by Python or native code) before the
# final JSON line goes to stderr. The real stdout is kept on a private fd.
sys.stdout.flush()
_JSON_FD = os.dup(1)
os.dup2(2, 1)
sys.stdout = sys.stderr

import numpy as np  # noqa: E402
import torch  # noqa: E402

IDX_IMAGES_MAGIC = 0x00000803  # unsigned byte, 3 dimensions
GZIP_MAGIC = b"\x1f\x8b"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def load_idx_images(path, limit=None):
    """Load an IDX3 unsigned-byte image file (gzip or raw, detected by magic)."""
    with open(path, "rb") as f:
        head = f.read(2)
    opener = gzip.open if head == GZIP_MAGIC else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 16:
        raise ValueError(f"{path}: too short for an IDX3 header")
    magic, n, rows, cols = struct.unpack(">IIII", data[:16])
    if magic != IDX_IMAGES_MAGIC:
        raise ValueError(f"{path}: bad IDX3 magic 0x{magic:08x} (expected 0x{IDX_IMAGES_MAGIC:08x})")
    pixels = rows * cols
    if len(data) < 16 + n * pixels:
        raise ValueError(f"{path}: truncated ({len(data) - 16} bytes of pixels, expected {n * pixels})")
    if limit is not None:
        n = min(n, limit)
    arr = np.frombuffer(data, dtype=np.uint8, count=n * pixels, offset=16).reshape(n, pixels)
    x = torch.from_numpy(arr.astype(np.float32) / np.float32(255.0))
    return x.contiguous()


def _loaded_openblas():
    """Return a ctypes handle to the OpenBLAS already mapped in this process, or None."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "openblas" in line and "/" in line}
    except OSError:
        return None
    # Prefer the real OpenBLAS library over Debian's libblas.so.3 shim.
    for p in sorted(paths, key=lambda q: ("libopenblas" not in os.path.basename(q), q)):
        try:
            lib = ctypes.CDLL(p)
            lib.openblas_get_config.restype = ctypes.c_char_p
            return lib, p
        except (OSError, AttributeError):
            continue
    return None


def blas_summary(openblas):
    """Cheap one-line BLAS description: torch's BLAS_INFO plus OpenBLAS config if loaded."""
    parts = []
    try:
        cfg = torch.__config__.show()
        for key in ("BLAS_INFO", "LAPACK_INFO"):
            i = cfg.find(key + "=")
            if i >= 0:
                parts.append(cfg[i:].split(",", 1)[0].strip())
    except Exception:
        pass
    if openblas is not None:
        lib, path = openblas
        try:
            parts.append("OpenBLAS: " + lib.openblas_get_config().decode().strip())
            if hasattr(lib, "openblas_get_corename"):
                lib.openblas_get_corename.restype = ctypes.c_char_p
                parts.append("core=" + lib.openblas_get_corename().decode())
            if hasattr(lib, "openblas_get_num_threads"):
                parts.append(f"blas_threads={lib.openblas_get_num_threads()}")
            parts.append(os.path.realpath(path))
        except Exception:
            pass
    return "; ".join(parts)


def build_model(layers):
    mods = []
    for i in range(len(layers) - 1):
        mods.append(torch.nn.Linear(layers[i], layers[i + 1]))
        last = i == len(layers) - 2
        mods.append(torch.nn.Sigmoid() if last else torch.nn.ReLU())
    return torch.nn.Sequential(*mods)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="PyTorch autoencoder peer benchmark")
    p.add_argument("--images", required=True, help="Fashion-MNIST train images IDX3 file (.gz or raw)")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--infer-batch", type=int, default=1024)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--limit", type=int, default=None, help="use only the first N images")
    p.add_argument("--layers", default="784,256,64,256,784", help="comma-separated layer sizes")
    a = p.parse_args(argv)
    a.layers = [int(s) for s in a.layers.split(",") if s.strip()]
    if len(a.layers) < 2 or any(s <= 0 for s in a.layers):
        p.error("--layers needs at least two positive sizes")
    for name in ("epochs", "batch_size", "infer_batch", "threads"):
        if getattr(a, name) <= 0:
            p.error(f"--{name.replace('_', '-')} must be positive")
    if a.limit is not None and a.limit <= 0:
        p.error("--limit must be positive")
    return a


def main(argv=None):
    args = parse_args(argv)

    torch.set_num_threads(args.threads)
    openblas = _loaded_openblas()
    if openblas is not None and hasattr(openblas[0], "openblas_set_num_threads"):
        # torch.set_num_threads does not reach a generic (OpenBLAS) BLAS; align it.
        openblas[0].openblas_set_num_threads(ctypes.c_int(args.threads))
    torch.manual_seed(args.seed)

    t0 = time.perf_counter()
    x = load_idx_images(args.images, args.limit)
    n, dim = x.shape
    log(f"loaded {n} images x {dim} from {args.images} in {time.perf_counter() - t0:.2f}s")
    if args.layers[0] != dim or args.layers[-1] != dim:
        raise SystemExit(f"--layers must start and end with {dim} (got {args.layers})")

    blas = blas_summary(openblas)
    log(f"torch {torch.__version__}, threads={torch.get_num_threads()}, "
        f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '<unset>')}")
    log(f"blas: {blas}")

    model = build_model(args.layers)
    log(f"model: {args.layers}, params={sum(p.numel() for p in model.parameters())}")
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = torch.nn.MSELoss(reduction="mean")

    # ---- training ----
    epochs = []
    total_train_s = 0.0
    total_samples = 0
    model.train()
    for ep in range(1, args.epochs + 1):
        t_ep = time.perf_counter()
        perm = torch.randperm(n)
        loss_sum = 0.0
        for start in range(0, n, args.batch_size):
            idx = perm[start:start + args.batch_size]
            xb = x[idx]
            opt.zero_grad()
            out = model(xb)
            loss = loss_fn(out, xb)
            loss.backward()
            opt.step()
            loss_sum += loss.item() * xb.shape[0]
        secs = time.perf_counter() - t_ep
        total_train_s += secs
        total_samples += n
        ep_loss = loss_sum / n
        epochs.append({"epoch": ep, "loss": ep_loss, "seconds": secs})
        log(f"epoch {ep}: loss={ep_loss:.6f} time={secs:.3f}s ({n / secs:.0f} samples/s)")
    train_sps = total_samples / total_train_s if total_train_s > 0 else 0.0
    log(f"training: {train_sps:.0f} samples/s over {total_samples} samples in {total_train_s:.3f}s")

    # ---- inference ----
    model.eval()

    def forward_all():
        for start in range(0, n, args.infer_batch):
            model(x[start:start + args.infer_batch])

    with torch.no_grad():
        forward_all()  # warm-up
        best = float("inf")
        for rep in range(3):
            t = time.perf_counter()
            forward_all()
            dt = time.perf_counter() - t
            best = min(best, dt)
            log(f"inference rep {rep + 1}: {dt:.4f}s ({n / dt:.0f} rows/s)")
    infer_rps = n / best
    log(f"inference: best {best:.4f}s -> {infer_rps:.0f} rows/s")

    result = {
        "system": "pytorch",
        "torch_version": torch.__version__,
        "threads": args.threads,
        "samples": n,
        "epochs": epochs,
        "train_samples_per_s": train_sps,
        "infer_rows_per_s": infer_rps,
        "blas": blas,
    }
    sys.stderr.flush()
    os.write(_JSON_FD, (json.dumps(result) + "\n").encode())
    os.close(_JSON_FD)
    return 0


if __name__ == "__main__":
    sys.exit(main())
