"""Kernels beyond GEMM written the way upstream TileLang's examples write them (element-wise add,
GEMM with a ReLU epilogue, softmax, RMSNorm, LayerNorm, row quantization, activations), in this
repository's own code. They exercise the frontend: lets of Python and kernel values, 1-D buffers,
T.Parallel bodies, reductions, T.alloc_var and scalar math. Shared by the tests."""

import tilelang_tt.language as T


def elementwise_add(M, N, block_M, block_N, in_dtype="float32", out_dtype="float32", threads=128):
    """C = A + B, one block_M x block_N tile per block; indices through lets as TileLang writes them."""

    @T.prim_func
    def add(A: T.Tensor((M, N), in_dtype), B: T.Tensor((M, N), in_dtype), C: T.Tensor((M, N), out_dtype)):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=threads) as (bx, by):
            row0 = by * block_M
            col0 = bx * block_N
            for (r, c) in T.Parallel(block_M, block_N):
                row = row0 + r
                col = col0 + c
                C[row, col] = A[row, col] + B[row, col]

    return add


def gemm_relu(M, N, K, block_M, block_N, block_K, dtype="float16", accum_dtype="float"):
    """C = max(A @ B, 0): the ReLU is applied to the accumulator before it leaves the core."""

    @T.prim_func
    def gemm(A: T.Tensor((M, K), dtype), B: T.Tensor((K, N), dtype), C: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            A_tile = T.alloc_shared((block_M, block_K), dtype)
            B_tile = T.alloc_shared((block_K, block_N), dtype)
            acc = T.alloc_fragment((block_M, block_N), accum_dtype)
            T.clear(acc)
            for ko in T.Pipelined(T.ceildiv(K, block_K), num_stages=2):
                T.copy(A[by * block_M, ko * block_K], A_tile)
                T.copy(B[ko * block_K, bx * block_N], B_tile)
                T.gemm(A_tile, B_tile, acc)
            for i, j in T.Parallel(block_M, block_N):
                acc[i, j] = T.max(acc[i, j], 0)
            T.copy(acc, C[by * block_M, bx * block_N])

    return gemm


def softmax(M, N, block_M=1, block_N=1024, dtype="float16", accum_dtype="float32"):
    """Row softmax in two sweeps: a running log-sum-exp in base 2, then exp2(x * log2(e) - lse)."""
    log2e = 1.44269504

    @T.prim_func
    def softmax_rows(X: T.Tensor((M, N), dtype), Y: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(M, block_M), threads=128) as bm:
            x = T.alloc_fragment((block_M, block_N), dtype)
            y = T.alloc_fragment((block_M, block_N), dtype)
            e = T.alloc_fragment((block_M, block_N), accum_dtype)
            row_max = T.alloc_fragment((block_M,), dtype)
            row_sum = T.alloc_fragment((block_M,), accum_dtype)
            lse = T.alloc_fragment((block_M,), accum_dtype)
            T.fill(lse, -T.infinity(accum_dtype))
            steps = T.ceildiv(N, block_N)
            for s in T.Pipelined(steps):
                T.copy(X[bm * block_M, s * block_N], x)
                T.reduce_max(x, row_max, dim=1, clear=True)
                for i, j in T.Parallel(block_M, block_N):
                    e[i, j] = T.exp2(x[i, j] * log2e - row_max[i] * log2e)
                T.reduce_sum(e, row_sum, dim=1, clear=True)
                for i in T.Parallel(block_M):
                    lse[i] = row_max[i] * log2e + T.log2(T.exp2(lse[i] - row_max[i] * log2e) + row_sum[i])
            for s in T.Pipelined(steps):
                T.copy(X[bm * block_M, s * block_N], x)
                for i, j in T.Parallel(block_M, block_N):
                    y[i, j] = T.exp2(x[i, j] * log2e - lse[i])
                T.copy(y, Y[bm * block_M, s * block_N])

    return softmax_rows


def softmax_whole_row(M, N, block_M=32, dtype="bfloat16"):
    """Row softmax with whole rows on chip: one read of the input, one write of the output."""

    @T.prim_func
    def softmax_rows(X: T.Tensor((M, N), dtype), Y: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(M, block_M)) as bm:
            x = T.alloc_shared((block_M, N), dtype)
            e = T.alloc_fragment((block_M, N), dtype)
            y = T.alloc_fragment((block_M, N), dtype)
            row_max = T.alloc_fragment((block_M,), "float32")
            row_sum = T.alloc_fragment((block_M,), "float32")
            T.copy(X[bm * block_M, 0], x)
            T.reduce_max(x, row_max, dim=1)
            for i, j in T.Parallel(block_M, N):
                e[i, j] = T.exp(x[i, j] - row_max[i])
            T.reduce_sum(e, row_sum, dim=1)
            for i, j in T.Parallel(block_M, N):
                y[i, j] = e[i, j] / row_sum[i]
            T.copy(y, Y[bm * block_M, 0])

    return softmax_rows


def rms_norm(M, N, block_M, dtype="float"):
    """Y = X * rsqrt(mean(X^2) + eps) with whole rows on chip."""

    @T.prim_func
    def rms(X: T.Tensor((M, N), dtype), Y: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(M, block_M), threads=128) as bm:
            rows = T.alloc_shared((block_M, N), dtype)
            vals = T.alloc_fragment((block_M, N), dtype)
            squares = T.alloc_fragment((block_M, N), dtype)
            sum_sq = T.alloc_fragment((block_M,), dtype)
            T.copy(X[bm * block_M:(bm + 1) * block_M, :], rows)
            T.copy(rows, vals)
            for i, j in T.Parallel(block_M, N):
                squares[i, j] = vals[i, j] * vals[i, j]
            T.reduce_sum(squares, sum_sq, dim=1)
            for i in T.Parallel(block_M):
                sum_sq[i] = T.rsqrt(sum_sq[i] / N + 1e-12)
            for i, j in T.Parallel(block_M, N):
                vals[i, j] *= sum_sq[i]
            T.copy(vals, Y[bm * block_M:(bm + 1) * block_M, :])

    return rms


def rms_norm_chunked(M, N, block_M, block_K, dtype="float"):
    """RMSNorm over rows too long for one tile: squares accumulate chunk by chunk, then a second
    sweep scales each chunk (last chunk first)."""

    @T.prim_func
    def rms(X: T.Tensor((M, N), dtype), Y: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(M, block_M), threads=128) as bm:
            chunk = T.alloc_shared((block_M, block_K), dtype)
            acc = T.alloc_fragment((block_M, block_K), dtype)
            scale = T.alloc_fragment((block_M,), dtype)
            chunks = T.ceildiv(N, block_K)
            T.clear(acc)
            for k in range(chunks):
                T.copy(X[bm * block_M, k * block_K], chunk)
                for i, j in T.Parallel(block_M, block_K):
                    acc[i, j] += chunk[i, j] * chunk[i, j]
            T.reduce_sum(acc, scale, dim=1)
            for i in T.Parallel(block_M):
                scale[i] = T.rsqrt(scale[i] / N + 1e-12)
            for k in range(chunks):
                last_first = chunks - 1 - k
                T.copy(X[bm * block_M, last_first * block_K], chunk)
                for i, j in T.Parallel(block_M, block_K):
                    chunk[i, j] *= scale[i]
                T.copy(chunk, Y[bm * block_M, last_first * block_K])

    return rms


def layer_norm(N, D, block_M=1, eps=1e-5, in_dtype="bfloat16", out_dtype="bfloat16"):
    """LayerNorm forward with affine gamma/beta (1-D) and the per-row Mean and Rstd as outputs."""
    accum_dtype = "float"

    @T.prim_func
    def layer_norm_fwd(
        X: T.Tensor((N, D), in_dtype),
        gamma: T.Tensor((D,), in_dtype),
        beta: T.Tensor((D,), in_dtype),
        Y: T.Tensor((N, D), out_dtype),
        Mean: T.Tensor((N,), accum_dtype),
        Rstd: T.Tensor((N,), accum_dtype),
    ):
        with T.Kernel(T.ceildiv(N, block_M), threads=256) as bm:
            x_tile = T.alloc_shared((block_M, D), in_dtype)
            g_vec = T.alloc_shared((D,), in_dtype)
            b_vec = T.alloc_shared((D,), in_dtype)
            xf = T.alloc_fragment((block_M, D), accum_dtype)
            xsq = T.alloc_fragment((block_M, D), accum_dtype)
            row_sum = T.alloc_fragment((block_M,), accum_dtype)
            row_sumsq = T.alloc_fragment((block_M,), accum_dtype)
            mean = T.alloc_fragment((block_M,), accum_dtype)
            rstd = T.alloc_fragment((block_M,), accum_dtype)
            T.copy(X[bm * block_M, 0], x_tile)
            T.copy(gamma, g_vec)
            T.copy(beta, b_vec)
            for i, j in T.Parallel(block_M, D):
                xf[i, j] = T.Cast(accum_dtype, x_tile[i, j])
            for i, j in T.Parallel(block_M, D):
                xsq[i, j] = xf[i, j] * xf[i, j]
            T.reduce_sum(xf, row_sum, dim=1)
            T.reduce_sum(xsq, row_sumsq, dim=1)
            inv_d = T.float32(1.0) / T.Cast(accum_dtype, D)
            for i in T.Parallel(block_M):
                mean[i] = row_sum[i] * inv_d
                rstd[i] = T.rsqrt(row_sumsq[i] * inv_d - mean[i] * mean[i] + T.Cast(accum_dtype, eps))
                Mean[bm * block_M + i] = mean[i]
                Rstd[bm * block_M + i] = rstd[i]
            for i, j in T.Parallel(block_M, D):
                centered = (xf[i, j] - mean[i]) * rstd[i]
                x_tile[i, j] = T.Cast(out_dtype, centered * T.Cast(accum_dtype, g_vec[j]) + T.Cast(accum_dtype, b_vec[j]))
            T.copy(x_tile, Y[bm * block_M, 0])

    return layer_norm_fwd


def row_quantize(M, N, block_M, group, qmax=127.0, dtype="float32"):
    """Per-row, per-group scaling to [-qmax, qmax] (TileLang's per-token cast, in a Tenstorrent
    format): absmax reduction, clamp, and a T.alloc_var row offset summed from group sizes."""

    @T.prim_func
    def quantize(X: T.Tensor((M, N), dtype), Q: T.Tensor((M, N), dtype), S: T.Tensor((M, N // group), dtype),
                 Sizes: T.Tensor((4,), "int32")):
        with T.Kernel(T.ceildiv(M, block_M), T.ceildiv(N, group), threads=128) as (bm, bg):
            x = T.alloc_fragment((block_M, group), dtype)
            amax = T.alloc_fragment((block_M,), dtype)
            scale = T.alloc_fragment((block_M,), dtype)
            offset = T.alloc_var(T.int32)
            offset = 0
            for g in T.serial(bg % 4):
                offset += Sizes[g]
            T.copy(X[bm * block_M, bg * group], x)
            T.reduce_absmax(x, amax, dim=1)
            for i in T.Parallel(block_M):
                amax[i] = T.max(amax[i], 1e-4)
                scale[i] = T.if_then_else((bm * block_M + i < offset) | (offset == 0), amax[i] / qmax, 1.0)
            for i, j in T.Parallel(block_M, group):
                x[i, j] = T.clamp(x[i, j] / scale[i], -qmax, qmax)
            for i in T.Parallel(block_M):
                S[bm * block_M + i, bg] = scale[i]
            T.copy(x, Q[bm * block_M, bg * group])

    return quantize


def activations(M, N, block_M, block_N, dtype="bfloat16", accum_dtype="float32"):
    """GELU (tanh and erf forms), SiLU and a sigmoid gate, computed in accum_dtype with .astype casts."""
    sqrt_2_over_pi = 0.7978845608

    @T.prim_func
    def act(X: T.Tensor((M, N), dtype), Y: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M)) as (bx, by):
            tile = T.alloc_fragment((block_M, block_N), dtype)
            T.copy(X[by * block_M, bx * block_N], tile)
            for i, j in T.Parallel(block_M, block_N):
                v = tile[i, j].astype(accum_dtype)
                gelu_tanh = 0.5 * v * (1.0 + T.tanh(sqrt_2_over_pi * (v + 0.044715 * v * v * v)))
                gelu_erf = 0.5 * v * (1.0 + T.erf(v * 0.7071067811865476))
                silu = v * T.sigmoid(v)
                tile[i, j] = (gelu_tanh + gelu_erf + silu).astype(dtype)
            T.copy(tile, Y[by * block_M, bx * block_N])

    return act


def sum_relu_then_scale(M, N, block):
    """A chain of two kernels as two launches: Y = relu(A + B) into a global scratch tensor (which a
    layout request may keep sharded in L1), then Z = Y * C."""

    @T.prim_func
    def chain(A: T.Tensor((M, N), "bfloat16"), B: T.Tensor((M, N), "bfloat16"), C: T.Tensor((M, N), "bfloat16"),
              Z: T.Tensor((M, N), "bfloat16")):
        Y = T.alloc_global((M, N), "bfloat16")
        with T.Kernel(N // block, M // block) as (bx, by):
            a = T.alloc_shared((block, block), "bfloat16")
            b = T.alloc_shared((block, block), "bfloat16")
            T.copy(A[by * block, bx * block], a)
            T.copy(B[by * block, bx * block], b)
            for i, j in T.Parallel(block, block):
                a[i, j] = T.max(a[i, j] + b[i, j], 0.0)
            T.copy(a, Y[by * block, bx * block])
        with T.Kernel(N // block, M // block) as (bx, by):
            y = T.alloc_shared((block, block), "bfloat16")
            c = T.alloc_shared((block, block), "bfloat16")
            T.copy(Y[by * block, bx * block], y)
            T.copy(C[by * block, bx * block], c)
            for i, j in T.Parallel(block, block):
                y[i, j] = y[i, j] * c[i, j]
            T.copy(y, Z[by * block, bx * block])

    return chain


def moe_shared_mlp(num_tokens, d_hidden, d_expert, block_token=64, block_dhidden=64, block_dexpert=64, dtype="bfloat16"):
    """The shared experts of a fused MoE layer as TileLang's fused-MoE example writes them: launch 1
    computes the gate and up projections in one K loop (two GEMMs on one input block), SiLU of the
    gate (with exp2 and log2(e)) times up, into up_logits; launch 2 is the down projection."""
    scale = 1.44269504  # log2(e)
    @T.prim_func
    def kernel_shared(x: T.Tensor((num_tokens, d_hidden), dtype), w_gate: T.Tensor((d_expert, d_hidden), dtype),
                      w_up: T.Tensor((d_expert, d_hidden), dtype), w_down: T.Tensor((d_hidden, d_expert), dtype),
                      up_logits: T.Tensor((num_tokens, d_expert), dtype), output: T.Tensor((num_tokens, d_hidden), dtype)):
        with T.Kernel(T.ceildiv(num_tokens, block_token), T.ceildiv(d_expert, block_dexpert), threads=256) as (bx, by):
            x_frag = T.alloc_fragment((block_token, block_dhidden), dtype=dtype)
            wg = T.alloc_shared((block_dexpert, block_dhidden), dtype=dtype)
            wu = T.alloc_shared((block_dexpert, block_dhidden), dtype=dtype)
            gate = T.alloc_fragment((block_token, block_dexpert), dtype="float32")
            up = T.alloc_fragment((block_token, block_dexpert), dtype="float32")
            T.use_swizzle(10)
            T.clear(gate)
            T.clear(up)
            for k in T.Pipelined(T.ceildiv(d_hidden, block_dhidden), num_stages=1):
                T.copy(x[bx * block_token, k * block_dhidden], x_frag)
                T.copy(w_gate[by * block_dexpert, k * block_dhidden], wg)
                T.copy(w_up[by * block_dexpert, k * block_dhidden], wu)
                T.gemm(x_frag, wg, gate, transpose_B=True)
                T.gemm(x_frag, wu, up, transpose_B=True)
            for i, j in T.Parallel(block_token, block_dexpert):
                gate[i, j] = gate[i, j] * (1.0 / (1.0 + T.exp2(-gate[i, j] * scale)))
                up[i, j] = up[i, j] * gate[i, j]
            T.copy(up, up_logits[bx * block_token, by * block_dexpert])
        with T.Kernel(T.ceildiv(num_tokens, block_token), T.ceildiv(d_hidden, block_dhidden), threads=256) as (bx, by):
            u = T.alloc_fragment((block_token, block_dexpert), dtype=dtype)
            wd = T.alloc_shared((block_dhidden, block_dexpert), dtype=dtype)
            out = T.alloc_fragment((block_token, block_dhidden), dtype="float32")
            T.use_swizzle(10)
            T.clear(out)
            for k in T.Pipelined(T.ceildiv(d_expert, block_dexpert), num_stages=1):
                T.copy(up_logits[bx * block_token, k * block_dexpert], u)
                T.copy(w_down[by * block_dhidden, k * block_dexpert], wd)
                T.gemm(u, wd, out, transpose_B=True)
            T.copy(out, output[bx * block_token, by * block_dhidden])
    return kernel_shared
