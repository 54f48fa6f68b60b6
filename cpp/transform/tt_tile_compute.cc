// Compute-kernel emitters of LowerTTTileIntrinsics (see tt_tile_compute.h).
#include "transform/tt_tile_compute.h"

#include <algorithm>
#include <tuple>

#include "ir/arith.h"

namespace tt::transform {

using namespace ir;

namespace {

Expr cb_of(const CircularBuffer &cb) {
    return make_int(cb.config.cb_index);
}

Expr linear(const Expr &outer, int64_t stride, const Expr &inner) {
    return fold_constants(AddNode::make(MulNode::make(outer, make_int(stride)), inner));
}

// The statements as one, or none when there are none.
Stmt seq_or_none(std::vector<Stmt> stmts) {
    return stmts.empty() ? Stmt() : seq(std::move(stmts));
}

// For each DST slot t < count: body(t).
Stmt for_each_dst_tile(int64_t count, const std::function<Stmt(const Expr &)> &body) {
    return tile_loop("dst_index", count, body);
}

}  // namespace

std::vector<Stmt> emit_pack(const CircularBuffer &out, int64_t count, int64_t stride, const Expr &accumulate) {
    std::vector<Stmt> body{tt_call("tile_regs_commit", {}),
                           tt_call("cb_reserve_back", {cb_of(out), make_int(count)}),
                           tt_call("tile_regs_wait", {}),
                           tt_call("pack_reconfig_data_format", {cb_of(out)})};
    if (accumulate.defined()) body.push_back(tt_call("pack_reconfig_l1_acc", {accumulate}));
    body.push_back(for_each_dst_tile(count, [&](const Expr &t) {
        return tt_call("pack_tile", {fold_constants(MulNode::make(t, make_int(stride))), cb_of(out)});
    }));
    // Every other pack of the kernel overwrites its pages.
    if (accumulate.defined()) body.push_back(tt_call("pack_reconfig_l1_acc", {make_int(0)}));
    body.push_back(tt_call("tile_regs_release", {}));
    body.push_back(tt_call("cb_push_back", {cb_of(out), make_int(count)}));
    return body;
}

namespace {

// DST[0..count) = the next `count` tiles at the front of `in`, which are then popped.
std::vector<Stmt> copy_into_dst(const CircularBuffer &in, int64_t count) {
    return {tt_call("cb_wait_front", {cb_of(in), make_int(count)}),
            tt_call("reconfig_data_format_srca", {cb_of(in)}),
            tt_call("copy_tile_to_dst_init_short", {cb_of(in)}),
            for_each_dst_tile(count, [&](const Expr &t) { return tt_call("copy_tile", {cb_of(in), t, t}); }),
            tt_call("cb_pop_front", {cb_of(in), make_int(count)})};
}

// Fills DST[0..count) with `value`; DST is zero after tile_regs_acquire, so zero needs nothing.
std::vector<Stmt> fill_dst(double value, int64_t count) {
    if (value == 0.0) return {};
    return {tt_call("fill_tile_init", {}), for_each_dst_tile(count, [&](const Expr &t) {
                return tt_call("fill_tile", {t, FloatImmNode::make(DataType::float32(), value)});
            })};
}

// DST[0..count) = the accumulator's value `c` before this K step: its constant, or its partial
// sums reloaded from its CB (unless c.constant_if says it is still the constant).
std::vector<Stmt> start_accumulator(const CircularBuffer &acc, const TileValue &c, int64_t count) {
    std::vector<Stmt> fill = fill_dst(c.constant, count);
    if (c.kind != TileValue::Full) return fill;
    Stmt reload = seq(copy_into_dst(acc, count));
    if (!c.constant_if) return {reload};
    return {IfThenElseNode::make(NotNode::make(c.constant_if), reload, seq_or_none(fill))};
}

// Before a K step that adds onto C's partial sums in L1: their pages are popped, so the packer's
// reservation after the matmul is the same pages (not on the step that starts C from a constant,
// which fills DST instead and packs plainly).
std::vector<Stmt> release_partials(const CircularBuffer &acc, const TileValue &c, int64_t count) {
    Stmt pop = seq({tt_call("cb_wait_front", {cb_of(acc), make_int(count)}),
                    tt_call("cb_pop_front", {cb_of(acc), make_int(count)})});
    if (!c.constant_if) return {pop};
    std::vector<Stmt> fill = fill_dst(c.constant, count);
    return {IfThenElseNode::make(NotNode::make(c.constant_if), pop, seq_or_none(fill))};
}

// DST[i * w + j] += sum over the K block of A[row, kt] x op(B)[kt, col] for the h x w tiles of
// the subblock at tile (sm * h, sn * w) of C. One matmul_block per K tile unpacks each A tile once
// per row of the subblock; its B tiles of one K row must be adjacent, so a transposed B (stored
// N x K) takes one matmul_tiles per product.
Stmt matmul_subblock(const GemmTiles &g, const Expr &sm, const Expr &sn, int64_t h, int64_t w) {
    Expr a = cb_of(*g.a), b = cb_of(*g.b);
    Stmt reconfig = tt_call("reconfig_data_format", {b, a});  // matmul unpacks in1 to srcA, in0 to srcB
    if (!g.transpose_b) {
        Expr ct = make_int(w), rt = make_int(h), kt_dim = make_int(g.k);
        return seq({reconfig, tt_call("mm_block_init_short", {a, b, make_int(0), ct, rt, kt_dim}),
                    tile_loop("kt", g.k, [&](const Expr &kt) {
                        Expr a_tile = linear(linear(sm, h, make_int(0)), g.k, kt);
                        Expr b_tile = linear(kt, g.n, linear(sn, w, make_int(0)));
                        return tt_call("matmul_block", {a, b, a_tile, b_tile, make_int(0), make_int(0), ct, rt, kt_dim});
                    })});
    }
    return seq({reconfig, tt_call("mm_init_short", {a, b, make_int(1)}),
                tile_loop("kt", g.k, [&](const Expr &kt) {
                    return tile_loop("row", h, [&](const Expr &i) {
                        return tile_loop("col", w, [&](const Expr &j) {
                            Expr row = linear(sm, h, i), col = linear(sn, w, j);
                            return tt_call("matmul_tiles",
                                           {a, b, linear(row, g.k, kt), linear(col, g.k, kt), linear(i, w, j)});
                        });
                    });
                })});
}

// Cycles the unpackers spend on one K tile of an h x w subblock, as matmul_subblock issues it:
// matmul_block keeps one operand's tile in its source register along the block's longer side.
double subblock_unpack_cycles(const GemmTiles &g, int64_t h, int64_t w, const target::CostNumbers &cost) {
    const double in0 = g.a->config.page_size, in1 = g.b->config.page_size;  // in1 feeds srcA
    if (g.transpose_b) return double(h * w) * cost.unpack_cycles(in1, in0);
    if (w >= h) return double(h) * (cost.unpack_cycles(in1, in0) + double(w - 1) * cost.unpack_cycles(in1, 0));
    return double(w) * (cost.unpack_cycles(in1, in0) + double(h - 1) * cost.unpack_cycles(0, in0));
}

Stmt wait_inputs(const GemmTiles &g) {
    return seq({tt_call("cb_wait_front", {cb_of(*g.a), make_int(g.m * g.k)}),
                tt_call("cb_wait_front", {cb_of(*g.b), make_int(g.k * g.n)})});
}

// Pops the gemm's own staging input (transposed A); the buffers' values stay until they die.
Stmt pop_staging(const GemmTiles &g) {
    return g.pop_a ? tt_call("cb_pop_front", {cb_of(*g.a), make_int(g.m * g.k)}) : Stmt();
}

}  // namespace

Stmt emit_gemm(const GemmTiles &g, const TileValue &c, const TileOrder &order, int dst_tiles) {
    TT_ICHECK(order.group_tiles() <= dst_tiles) << "subblock of " << order.group_tiles() << " tiles exceeds DST";
    const int64_t h = order.group_rows, w = order.group_cols, subblock = order.group_tiles();
    Stmt per_subblock = tile_loop("subblock_row", order.groups_down(), [&](const Expr &sm) {
        return tile_loop("subblock_col", order.groups_across(), [&](const Expr &sn) {
            const bool accumulate = g.l1_accumulate && c.kind == TileValue::Full;
            std::vector<Stmt> start = accumulate ? release_partials(*g.c, c, subblock) : start_accumulator(*g.c, c, subblock);
            // Partial sums added in L1 are reloaded once, by the step whose value goes to the writer.
            if (accumulate && g.deliver)
                start = {IfThenElseNode::make(g.last, seq(start_accumulator(*g.c, c, subblock)), seq(start))};
            std::vector<Stmt> body{tt_call("tile_regs_acquire", {})};
            for (Stmt &s : start) body.push_back(s);
            body.push_back(matmul_subblock(g, sm, sn, h, w));
            // Adding onto the partial sums from the first step that has them.
            const Expr onto = !accumulate      ? Expr()
                             : c.constant_if ? SelectNode::make(c.constant_if, make_int(0), make_int(1))
                                             : make_int(1);
            Stmt pack = seq(emit_pack(g.packed ? *g.packed : *g.c, subblock, 1, onto));
            // The last step's value, reloaded partial sums plus its products, goes to the writer.
            if (g.deliver && c.kind == TileValue::Full)
                pack = IfThenElseNode::make(g.last, seq(emit_pack(*g.deliver, subblock)), pack);
            body.push_back(pack);
            return seq(body);
        });
    });
    std::vector<Stmt> body{wait_inputs(g), per_subblock};
    if (Stmt pop = pop_staging(g)) body.push_back(pop);
    return seq(body);
}

TileOrder cheapest_subblocks(const GemmTiles &g, int dst_tiles, const target::CostNumbers &cost) {
    TileOrder best = TileOrder::row_major(g.m, g.n, dst_tiles);
    auto rank = [&](int64_t h, int64_t w) {
        return std::make_tuple(subblock_unpack_cycles(g, h, w, cost) / double(h * w), -h * w, -w);
    };
    auto best_rank = rank(best.group_rows, best.group_cols);
    for (int64_t h = 1; h <= std::min<int64_t>(g.m, dst_tiles); ++h) {
        for (int64_t w = 1; h * w <= dst_tiles && w <= g.n; ++w) {
            if (g.m % h || g.n % w) continue;
            if (auto r = rank(h, w); r < best_rank) best = TileOrder{g.m, g.n, h, w}, best_rank = r;
        }
    }
    return best;
}

bool packer_accumulation_pays(const GemmTiles &g, const TileOrder &order, const target::DeviceSpec &device,
                              target::MathFidelity fidelity) {
    const target::CostNumbers &cost = device.cost;
    const double partial = g.c->config.page_size;
    const double products = double(order.group_tiles()) * g.k, tiles = double(order.group_tiles());
    // One subblock's K step: the operands' unpacks and the products; the reload adds an unpack
    // and an FPU move per partial tile.
    const double operands = double(g.k) * subblock_unpack_cycles(g, order.group_rows, order.group_cols, cost);
    const double math = products * device.matmul_cycles_per_tile(fidelity);
    const double reload = std::max({operands + tiles * partial / cost.unpack_bytes_per_cycle,
                                    math + tiles * cost.copy_cycles_per_tile, tiles * partial / cost.pack_bytes_per_cycle});
    const double accumulate = std::max({operands, math, tiles * partial / cost.pack_accumulate_bytes_per_cycle});
    return accumulate < reload;
}

Stmt emit_dst_accumulator_begin(const CircularBuffer &acc, const TileValue &c) {
    std::vector<Stmt> body{tt_call("tile_regs_acquire", {})};
    for (Stmt &s : start_accumulator(acc, c, acc.rows * acc.cols)) body.push_back(s);
    return seq(body);
}

Stmt emit_gemm_in_dst(const GemmTiles &g) {
    std::vector<Stmt> body{wait_inputs(g), matmul_subblock(g, make_int(0), make_int(0), g.m, g.n)};
    if (Stmt pop = pop_staging(g)) body.push_back(pop);
    return seq(body);
}

Stmt emit_dst_accumulator_end(const CircularBuffer &acc) {
    return seq(emit_pack(acc, acc.rows * acc.cols));
}

Stmt emit_transpose(const CircularBuffer &source, const CircularBuffer &transposed, int dst_tiles) {
    // source holds k x m tiles row-major; transposed receives the m x k transposed tiles row-major.
    const int64_t k = source.rows, m = source.cols, total = k * m;
    const int64_t chunk = largest_divisor_at_most(k, dst_tiles);
    Expr in = cb_of(source);
    Stmt per_chunk = tile_loop("tile_row", m, [&](const Expr &row) {
        return tile_loop("chunk", k / chunk, [&](const Expr &kc) {
            std::vector<Stmt> body{tt_call("tile_regs_acquire", {}), tt_call("reconfig_data_format_srca", {in}),
                                   tt_call("transpose_wh_init_short", {in}),
                                   for_each_dst_tile(chunk, [&](const Expr &t) {
                                       Expr source_tile = linear(linear(kc, chunk, t), m, row);
                                       return tt_call("transpose_wh_tile", {in, source_tile, t});
                                   })};
            for (Stmt &s : emit_pack(transposed, chunk)) body.push_back(s);
            return seq(body);
        });
    });
    return seq({tt_call("cb_wait_front", {in, make_int(total)}), per_chunk});
}

Stmt emit_constant_tiles(const CircularBuffer &destination, double value, int dst_tiles) {
    const int64_t total = destination.rows * destination.cols;
    const int64_t chunk = largest_divisor_at_most(total, dst_tiles);
    return tile_loop("chunk", total / chunk, [&](const Expr &) {
        std::vector<Stmt> body{tt_call("tile_regs_acquire", {})};
        for (Stmt &s : fill_dst(value, chunk)) body.push_back(s);
        for (Stmt &s : emit_pack(destination, chunk)) body.push_back(s);
        return seq(body);
    });
}

Stmt emit_gemm_init(const GemmTiles &g) {
    return tt_call("mm_init", {cb_of(*g.a), cb_of(*g.b), cb_of(*g.c), make_int(g.transpose_b ? 1 : 0)});
}

Stmt emit_compute_copy(const CircularBuffer &source, const CircularBuffer &destination, const TileOrder &order,
                       int dst_tiles) {
    const int64_t total = order.rows * order.cols;
    const int64_t chunk = largest_divisor_at_most(total, dst_tiles);
    Expr in = cb_of(source);
    Stmt per_chunk = tile_loop("chunk", total / chunk, [&](const Expr &c) {
        std::vector<Stmt> body{tt_call("tile_regs_acquire", {}), tt_call("reconfig_data_format_srca", {in}),
                               tt_call("copy_tile_to_dst_init_short", {in}),
                               for_each_dst_tile(chunk, [&](const Expr &t) {
                                   return tt_call("copy_tile", {in, linear(c, chunk, t), t});
                               })};
        for (Stmt &s : emit_pack(destination, chunk)) body.push_back(s);
        return seq(body);
    });
    return seq({tt_call("cb_wait_front", {in, make_int(total)}), per_chunk});
}

Stmt emit_copy_init(const CircularBuffer &source, const CircularBuffer &destination) {
    return tt_call("compute_kernel_hw_startup", {cb_of(source), cb_of(source), cb_of(destination)});
}

Stmt emit_discard(const CircularBuffer &cb, const TileOrder &order) {
    Expr tiles = make_int(order.rows * order.cols);
    return seq({tt_call("cb_wait_front", {cb_of(cb), tiles}), tt_call("cb_pop_front", {cb_of(cb), tiles})});
}

}  // namespace tt::transform
