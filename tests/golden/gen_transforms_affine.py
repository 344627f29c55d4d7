"""Generates tests/golden/transforms-affine.json: torchvision's tensor path of
torchvision.transforms.functional.affine and .rotate, in plain PyTorch, for
tests/data/transforms-affine.test.ts (the test itself never needs Python).

    python tests/golden/gen_transforms_affine.py

torchvision is not installable beside torch 2.13 here, so its code is reproduced below, line for
line, from torchvision/transforms/functional.py (affine, rotate, _get_inverse_affine_matrix) and
torchvision/transforms/_functional_tensor.py (affine, rotate, _gen_affine_grid,
_compute_affine_output_size, _apply_grid_transform): the inverse matrix, a base grid of pixel
centres from torch.linspace, bmm with the rescaled theta, and
torch.nn.functional.grid_sample(padding_mode="zeros", align_corners=False), with a mask channel of
ones when `fill` is given (nearest: pixels whose mask is < 0.5 take the fill; bilinear:
img * mask + (1 - mask) * fill).

`cases`: one call each, `fn` "affine" or "rotate", `options` in tsgrad's spelling (fill as
torchvision's tensor path receives it: None or a list), the input and output tensors by name,
in float32 and float64. `nearTies` counts output pixels of nearest cases whose unnormalised source
coordinate lies within 1e-4 of a half-way point between pixels, where rounding in the last bit
decides the pixel. Tensors are stored once by name, flat and row-major; float32 values as the
doubles they are, so each round-trips exactly.
"""

import json
import math
import os

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "transforms-affine.json")

torch.manual_seed(20240705)
tensors = {}
counter = [0]
DTYPES = {"float32": torch.float32, "float64": torch.float64}


def store(t):
    counter[0] += 1
    name = f"t{counter[0]}"
    t = t.detach()
    tensors[name] = {
        "shape": list(t.shape),
        "dtype": {torch.float32: "float32", torch.float64: "float64"}[t.dtype],
        "data": [float(v) for v in t.reshape(-1).tolist()],
    }
    return name


# --- torchvision/transforms/functional.py -------------------------------------------------------


def _get_inverse_affine_matrix(center, angle, translate, scale, shear, inverted=True):
    rot = math.radians(angle)
    sx = math.radians(shear[0])
    sy = math.radians(shear[1])

    cx, cy = center
    tx, ty = translate

    # RSS without scaling
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)

    assert inverted
    # Inverted rotation matrix with scale and shear
    # det([[a, b], [c, d]]) == 1, since det(rotation) = 1 and det(shear) = 1
    matrix = [d, -b, 0.0, -c, a, 0.0]
    matrix = [x / scale for x in matrix]
    # Apply inverse of translation and of center translation: RSS^-1 * C^-1 * T^-1
    matrix[2] += matrix[0] * (-cx - tx) + matrix[1] * (-cy - ty)
    matrix[5] += matrix[3] * (-cx - tx) + matrix[4] * (-cy - ty)
    # Apply center translation: C * RSS^-1 * C^-1 * T^-1
    matrix[2] += cx
    matrix[5] += cy
    return matrix


def tv_affine(img, angle, translate, scale, shear, interpolation="nearest", fill=None, center=None):
    if isinstance(shear, (int, float)):
        shear = [shear, 0.0]
    shear = list(shear)
    if len(shear) == 1:
        shear = [shear[0], shear[0]]
    height, width = img.shape[-2:]
    center_f = [0.0, 0.0]
    if center is not None:
        center_f = [1.0 * (c - s * 0.5) for c, s in zip(center, [width, height])]
    translate_f = [1.0 * t for t in translate]
    matrix = _get_inverse_affine_matrix(center_f, float(angle), translate_f, scale, shear)
    return ft_affine(img, matrix, interpolation, fill)


def tv_rotate(img, angle, interpolation="nearest", expand=False, center=None, fill=None):
    height, width = img.shape[-2:]
    center_f = [0.0, 0.0]
    if center is not None:
        center_f = [1.0 * (c - s * 0.5) for c, s in zip(center, [width, height])]
    # due to current incoherence of rotation angle direction between affine and rotate implementations
    # we need to set -angle.
    matrix = _get_inverse_affine_matrix(center_f, -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    return ft_rotate(img, matrix, interpolation, expand, fill)


# --- torchvision/transforms/_functional_tensor.py -----------------------------------------------

last_grid = [None]


def _apply_grid_transform(img, grid, mode, fill):
    need_squeeze = False
    if img.ndim < 4:
        img = img.unsqueeze(dim=0)
        need_squeeze = True
    assert img.dtype == grid.dtype
    if img.shape[0] > 1:
        grid = grid.expand(img.shape[0], grid.shape[1], grid.shape[2], grid.shape[3])
    if fill is not None:
        mask = torch.ones((img.shape[0], 1, img.shape[2], img.shape[3]), dtype=img.dtype)
        img = torch.cat((img, mask), dim=1)
    img = F.grid_sample(img, grid, mode=mode, padding_mode="zeros", align_corners=False)
    if fill is not None:
        mask = img[:, -1:, :, :]
        img = img[:, :-1, :, :]
        mask = mask.expand_as(img)
        fill_list, len_fill = (fill, len(fill)) if isinstance(fill, (tuple, list)) else ([float(fill)], 1)
        fill_img = torch.tensor(fill_list, dtype=img.dtype).view(1, len_fill, 1, 1).expand_as(img)
        if mode == "nearest":
            mask = mask < 0.5
            img[mask] = fill_img[mask]
        else:  # 'bilinear'
            img = img * mask + (1.0 - mask) * fill_img
    if need_squeeze:
        img = img.squeeze(dim=0)
    return img


def _gen_affine_grid(theta, w, h, ow, oh):
    d = 0.5
    base_grid = torch.empty(1, oh, ow, 3, dtype=theta.dtype)
    x_grid = torch.linspace(-ow * 0.5 + d, ow * 0.5 + d - 1, steps=ow)
    base_grid[..., 0].copy_(x_grid)
    y_grid = torch.linspace(-oh * 0.5 + d, oh * 0.5 + d - 1, steps=oh).unsqueeze_(-1)
    base_grid[..., 1].copy_(y_grid)
    base_grid[..., 2].fill_(1)

    rescaled_theta = theta.transpose(1, 2) / torch.tensor([0.5 * w, 0.5 * h], dtype=theta.dtype)
    output_grid = base_grid.view(1, oh * ow, 3).bmm(rescaled_theta)
    return output_grid.view(1, oh, ow, 2)


def ft_affine(img, matrix, interpolation="nearest", fill=None):
    theta = torch.tensor(matrix, dtype=img.dtype).reshape(1, 2, 3)
    shape = img.shape
    grid = _gen_affine_grid(theta, w=shape[-1], h=shape[-2], ow=shape[-1], oh=shape[-2])
    last_grid[0] = (grid, shape[-1], shape[-2])
    return _apply_grid_transform(img, grid, interpolation, fill=fill)


def _compute_affine_output_size(matrix, w, h):
    pts = torch.tensor(
        [
            [-0.5 * w, -0.5 * h, 1.0],
            [-0.5 * w, 0.5 * h, 1.0],
            [0.5 * w, 0.5 * h, 1.0],
            [0.5 * w, -0.5 * h, 1.0],
        ]
    )
    theta = torch.tensor(matrix, dtype=torch.float).view(2, 3)
    new_pts = torch.matmul(pts, theta.T)
    min_vals, _ = new_pts.min(dim=0)
    max_vals, _ = new_pts.max(dim=0)

    # shift points to [0, w] and [0, h] interval to match PIL results
    min_vals += torch.tensor((w * 0.5, h * 0.5))
    max_vals += torch.tensor((w * 0.5, h * 0.5))

    # Truncate precision to 1e-4 to avoid ceil of Xe-15 to 1.0
    tol = 1e-4
    cmax = torch.ceil((max_vals / tol).trunc_() * tol)
    cmin = torch.floor((min_vals / tol).trunc_() * tol)
    size = cmax - cmin
    return int(size[0]), int(size[1])  # w, h


def ft_rotate(img, matrix, interpolation="nearest", expand=False, fill=None):
    w, h = img.shape[-1], img.shape[-2]
    ow, oh = _compute_affine_output_size(matrix, w, h) if expand else (w, h)
    theta = torch.tensor(matrix, dtype=img.dtype).reshape(1, 2, 3)
    grid = _gen_affine_grid(theta, w=w, h=h, ow=ow, oh=oh)
    last_grid[0] = (grid, w, h)
    return _apply_grid_transform(img, grid, interpolation, fill=fill)


# --- cases --------------------------------------------------------------------------------------


def near_ties():
    grid, w, h = last_grid[0]
    g = grid.double()
    ix = ((g[..., 0] + 1) * w - 1) / 2
    iy = ((g[..., 1] + 1) * h - 1) / 2
    tie = lambda v: ((v - v.floor() - 0.5).abs() < 1e-4)  # noqa: E731
    return int((tie(ix) | tie(iy)).sum())


cases = []


def case(name, fn, shape, options, dtypes=("float32", "float64")):
    base = torch.rand(shape, dtype=torch.float64)
    for dt in dtypes:
        x = base.to(DTYPES[dt])
        o = dict(options)
        if fn == "affine":
            y = tv_affine(
                x,
                o["angle"],
                o["translate"],
                o["scale"],
                o["shear"],
                interpolation=o.get("interpolation", "nearest"),
                fill=o.get("fill"),
                center=o.get("center"),
            )
        else:
            y = tv_rotate(
                x,
                o["angle"],
                interpolation=o.get("interpolation", "nearest"),
                expand=o.get("expand", False),
                center=o.get("center"),
                fill=o.get("fill"),
            )
        c = {"name": name, "fn": fn, "dtype": dt, "options": o, "input": store(x), "output": store(y)}
        if o.get("interpolation", "nearest") == "nearest":
            c["nearTies"] = near_ties()
        cases.append(c)


A = "affine"
case("identity (angle 0)", A, [1, 7, 9], {"angle": 0, "translate": [0, 0], "scale": 1.0, "shear": 0})
case("angle 90, square", A, [1, 6, 6], {"angle": 90, "translate": [0, 0], "scale": 1.0, "shear": 0})
case("angle 90, non-square", A, [1, 5, 8], {"angle": 90, "translate": [0, 0], "scale": 1.0, "shear": 0})
case("angle 37.5, bilinear, 3 channels", A, [3, 6, 5], {"angle": 37.5, "translate": [0, 0], "scale": 1.0, "shear": 0, "interpolation": "bilinear"})
case("angle 37.5, nearest, fill per channel", A, [3, 6, 5], {"angle": 37.5, "translate": [0, 0], "scale": 1.0, "shear": 0, "fill": [0.5, 0.25, 1.0]})
case("angle -20, translate, scale 1.2, shear 10 (x only), bilinear, fill 0", A, [1, 9, 7], {"angle": -20, "translate": [2, -1], "scale": 1.2, "shear": 10, "interpolation": "bilinear", "fill": [0.0]})
case("translate only, nearest, fill 0", A, [1, 6, 7], {"angle": 0, "translate": [-2, 3], "scale": 1.0, "shear": 0, "fill": [0.0]})
case("shear [5, -8], nearest, fill 1", A, [1, 8, 10], {"angle": 0, "translate": [0, 0], "scale": 1.0, "shear": [5, -8], "fill": [1.0]})
case("shear [15] (both axes), bilinear, fill 0.5", A, [1, 7, 7], {"angle": 10, "translate": [0, 0], "scale": 1.0, "shear": [15], "interpolation": "bilinear", "fill": [0.5]})
case("scale 0.5, nearest (half-way source points)", A, [1, 8, 8], {"angle": 0, "translate": [0, 0], "scale": 0.5, "shear": 0})
case("scale 0.7, translate, center, bilinear, fill 0.3", A, [3, 7, 6], {"angle": 25, "translate": [1, 3], "scale": 0.7, "shear": 0, "center": [2, 3], "interpolation": "bilinear", "fill": [0.3]})
case("center, nearest", A, [1, 9, 6], {"angle": -65, "translate": [0, 0], "scale": 1.1, "shear": [3, 4], "center": [1.5, 7]})
case("MNIST size, bilinear, fill 0", A, [1, 28, 28], {"angle": 12.3, "translate": [-2, 3], "scale": 0.93, "shear": [4.2, -3.1], "interpolation": "bilinear", "fill": [0.0]})
case("MNIST size, nearest, fill 0", A, [1, 28, 28], {"angle": -8.7, "translate": [1, -2], "scale": 1.07, "shear": [-2.5, 1.5], "fill": [0.0]})
case("batch [2, 3, H, W], bilinear, fill per channel", A, [2, 3, 5, 6], {"angle": 45, "translate": [0, 1], "scale": 1.0, "shear": 0, "interpolation": "bilinear", "fill": [0.1, 0.2, 0.3]})
case("angle 180, bilinear, no fill", A, [1, 4, 5], {"angle": 180, "translate": [0, 0], "scale": 1.0, "shear": 0, "interpolation": "bilinear"})

R = "rotate"
case("rotate 90, square", R, [1, 6, 6], {"angle": 90})
case("rotate 37.5, bilinear, 3 channels", R, [3, 6, 5], {"angle": 37.5, "interpolation": "bilinear"})
case("rotate 37.5, nearest, fill 0", R, [1, 6, 5], {"angle": 37.5, "fill": [0.0]})
case("rotate 30 about a center, fill 1", R, [1, 6, 7], {"angle": 30, "center": [1, 2], "fill": [1.0]})
case("rotate -50, bilinear, fill per channel", R, [3, 5, 5], {"angle": -50, "interpolation": "bilinear", "fill": [0.2, 0.4, 0.6]})
case("rotate 45, expand, bilinear, fill 0", R, [1, 5, 8], {"angle": 45, "expand": True, "interpolation": "bilinear", "fill": [0.0]})
case("rotate 90, expand, nearest", R, [1, 5, 8], {"angle": 90, "expand": True})
case("rotate -17, expand, center, nearest, fill 0.5", R, [2, 6, 4], {"angle": -17, "expand": True, "center": [1, 1], "fill": [0.5]})

with open(OUT, "w") as f:
    json.dump({"torch": torch.__version__, "tensors": tensors, "cases": cases}, f, separators=(",", ":"))
print(f"wrote {len(cases)} cases to {OUT}")
for c in cases:
    if c.get("nearTies"):
        print(f"  {c['name']} ({c['dtype']}): {c['nearTies']} near-tie pixels")
