// Compute-kernel emitters of LowerTTTileIntrinsics (see tt_tile_compute.h).
#include "transform/tt_tile_compute.h"

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

// For each DST slot t < count: body(t).
Stmt for_each_dst_tile(int64_t count, const std::function<Stmt(const Expr &)> &body) {
    return tile_loop("dst_index", count, body);
}

// DST holds `count` tiles computed by `math`; hand them to the packer and pack them into `out`.
std::vector<Stmt> pack_to(const CircularBuffer &out, int64_t count) {
    return {tt_call("tile_regs_commit", {}),
            tt_call("cb_reserve_back", {cb_of(out), make_int(count)}),
            tt_call("tile_regs_wait", {}),
            tt_call("pack_reconfig_data_format", {cb_of(out)}),
            for_each_dst_tile(count, [&](const Expr &t) { return tt_call("pack_tile", {t, cb_of(out)}); }),
            tt_call("tile_regs_release", {}),
            tt_call("cb_push_back", {cb_of(out), make_int(count)})};
}

// DST[0..count) = the next `count` tiles at the front of `in`, which are then popped.
std::vector<Stmt> copy_into_dst(const CircularBuffer &in, int64_t count) {
    return {tt_call("cb_wait_front", {cb_of(in), make_int(count)}),
            tt_call("reconfig_data_format_srca", {cb_of(in)}),
            tt_call("copy_tile_to_dst_init_short", {cb_of(in)}),
            for_each_dst_tile(count, [&](const Expr &t) { return tt_call("copy_tile", {cb_of(in), t, t}); }),
            tt_call("cb_pop_front", {cb_of(in), make_int(count)})};
}

int64_t largest_divisor_at_most(int64_t n, int64_t limit) {
    for (int64_t d = std::min(n, limit); d > 1; --d) {
        if (n % d == 0) return d;
    }
    return 1;
}

}  // namespace

Stmt emit_gemm(const GemmTiles &g, const TileValue &c, const TileOrder &order, int dst_tiles) {
    TT_ICHECK(order.group_tiles() <= dst_tiles) << "subblock of " << order.group_tiles() << " tiles exceeds DST";
    const int64_t h = order.group_rows, w = order.group_cols, subblock = order.group_tiles();
    Expr a = cb_of(*g.a), b = cb_of(*g.b);
    Expr transpose = make_int(g.transpose_b ? 1 : 0);
    Stmt per_subblock = tile_loop("subblock_row", order.groups_down(), [&](const Expr &sm) {
        return tile_loop("subblock_col", order.groups_across(), [&](const Expr &sn) {
            std::vector<Stmt> body{tt_call("tile_regs_acquire", {})};
            if (c.kind == TileValue::Full) {
                Stmt reload = seq(copy_into_dst(*g.c, subblock));
                body.push_back(c.zero_if ? IfThenElseNode::make(NotNode::make(c.zero_if), reload) : reload);
            }
            body.push_back(tt_call("reconfig_data_format", {b, a}));  // matmul unpacks in1 to srcA, in0 to srcB
            body.push_back(tt_call("mm_init_short", {a, b, transpose}));
            body.push_back(tile_loop("kt", g.k, [&](const Expr &kt) {
                return tile_loop("row", h, [&](const Expr &i) {
                    return tile_loop("col", w, [&](const Expr &j) {
                        Expr row = linear(sm, h, i), col = linear(sn, w, j);
                        Expr a_tile = linear(row, g.k, kt);
                        Expr b_tile = g.transpose_b ? linear(col, g.k, kt) : linear(kt, g.n, col);
                        return tt_call("matmul_tiles", {a, b, a_tile, b_tile, linear(i, w, j)});
                    });
                });
            }));
            for (Stmt &s : pack_to(*g.c, subblock)) body.push_back(s);
            return seq(body);
        });
    });
    return seq({tt_call("cb_wait_front", {a, make_int(g.m * g.k)}), tt_call("cb_wait_front", {b, make_int(g.k * g.n)}),
                per_subblock, tt_call("cb_pop_front", {a, make_int(g.m * g.k)}),
                tt_call("cb_pop_front", {b, make_int(g.k * g.n)})});
}

Stmt emit_gemm_init(const GemmTiles &g) {
    return tt_call("mm_init", {cb_of(*g.a), cb_of(*g.b), cb_of(*g.c), make_int(g.transpose_b ? 1 : 0)});
}

Stmt emit_compute_copy(const CircularBuffer &source, const CircularBuffer &destination, const TileOrder &order,
                       int dst_tiles) {
    const int64_t total = order.rows * order.cols;
    const int64_t chunk = largest_divisor_at_most(total, dst_tiles);
    return tile_loop("chunk", total / chunk, [&](const Expr &) {
        std::vector<Stmt> body{tt_call("tile_regs_acquire", {})};
        for (Stmt &s : copy_into_dst(source, chunk)) body.push_back(s);
        for (Stmt &s : pack_to(destination, chunk)) body.push_back(s);
        return seq(body);
    });
}

Stmt emit_copy_init(const CircularBuffer &source, const CircularBuffer &destination) {
    return tt_call("compute_kernel_hw_startup", {cb_of(source), cb_of(source), cb_of(destination)});
}

Stmt emit_discard(const CircularBuffer &cb, const TileOrder &order) {
    Expr tiles = make_int(order.rows * order.cols);
    return seq({tt_call("cb_wait_front", {cb_of(cb), tiles}), tt_call("cb_pop_front", {cb_of(cb), tiles})});
}

}  // namespace tt::transform
