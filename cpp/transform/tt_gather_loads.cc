// Element-wise gathers read row by row by the reader (contract in tt_gather_loads.h).
#include "transform/tt_gather_loads.h"

#include <numeric>

#include "ir/arith.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "ir/printer.h"
#include "transform/tt_tile_dataflow.h"

namespace tt::transform {

using namespace ir;

namespace {

bool is_zero(const Expr &e) {
    int64_t i;
    if (as_const_int(e, &i)) return i == 0;
    const auto *f = e.as<FloatImmNode>();
    return f && f->value == 0.0;
}

bool uses_any(const Expr &e, const std::vector<Var> &vars) {
    for (const Var &v : vars) {
        if (uses_var(e, v)) return true;
    }
    return false;
}

// How an integer expression changes along one destination tile row, j = 32 * t + u for u < 32:
// it is A + step * u, with A free of u and a multiple of `divisor` (0 when A is 0).
struct Run {
    int64_t step = 0;
    int64_t divisor = 1;
};

int64_t divisor_after_division(int64_t divisor, int64_t c) {
    if (divisor == 0) return 0;
    return divisor % c == 0 ? divisor / c : 1;
}

// The run of e along the tile rows of the nest's column variable j; nullopt when the form cannot
// be shown (floordiv and floormod of `32 * t + u` by multiples of 32 keep or drop u; other uses of
// j do not). An element read in an index is refused by the caller first.
std::optional<Run> run_of(const Expr &e, const Var &j) {
    int64_t c;
    if (as_const_int(e, &c)) return Run{0, std::abs(c)};
    if (e.get() == j.get()) return Run{1, kTileCols};
    if (e->kind == NodeKind::Var) return Run{0, 1};
    Expr a, b;
    if (!binary_operands(e, &a, &b)) {  // a cast, select or call: constant along the run without j
        return uses_var(e, j) ? std::nullopt : std::optional<Run>(Run{0, 1});
    }
    const std::optional<Run> x = run_of(a, j), y = run_of(b, j);
    if (!x || !y) return std::nullopt;
    int64_t constant;
    const bool by_constant = as_const_int(b, &constant) && constant > 0;
    switch (e->kind) {
    case NodeKind::Add: return Run{x->step + y->step, std::gcd(x->divisor, y->divisor)};
    case NodeKind::Sub: return Run{x->step - y->step, std::gcd(x->divisor, y->divisor)};
    case NodeKind::Mul:
        if (as_const_int(b, &c)) return Run{x->step * c, x->divisor * std::abs(c)};
        if (as_const_int(a, &c)) return Run{y->step * c, y->divisor * std::abs(c)};
        if (x->step == 0 && y->step == 0) return Run{0, x->divisor * y->divisor};
        return std::nullopt;
    case NodeKind::FloorDiv:
    case NodeKind::FloorMod: {
        if (!by_constant) return std::nullopt;
        const bool divide = e->kind == NodeKind::FloorDiv;
        if (x->step == 0) return Run{0, divide ? divisor_after_division(x->divisor, constant) : std::gcd(x->divisor, constant)};
        // A + u with 32 | A and 32 | c: A mod c <= c - 32, so (A + u) // c = A // c and
        // (A + u) % c = A % c + u, a multiple of gcd(divisor, c).
        if (x->step != 1 || constant % kTileCols != 0 || x->divisor % kTileCols != 0) return std::nullopt;
        if (divide) return Run{0, divisor_after_division(x->divisor, constant)};
        return Run{1, std::gcd(x->divisor, constant)};
    }
    default:  // comparisons, logic, min and max: constant along the run when their operands are
        if (x->step == 0 && y->step == 0) return Run{0, 1};
        return std::nullopt;
    }
}

[[noreturn]] void refuse(const GatherLoad &g, const std::string &why) {
    TT_USER_ERROR(Validation, g.source->span)
        << "the element-wise read " << to_text(BufferLoadNode::make(g.source->buffer, g.source->indices)) << " into " << g.store->buffer->name
        << " is not supported on Tenstorrent yet: " << why << "; a gather inside T.Parallel is read row by row "
        << "into whole tiles, so every 32 consecutive " << g.cols->loop_var->name << " from a multiple of 32 must "
        << "read 32 consecutive elements of the tensor's last dimension from a multiple of 32 (k % C with C and "
        << "the block starts multiples of 32, as in TileLang's im2col convolution), with the other indices and "
        << "the condition the same along them; instead T.copy blocks of " << g.source->buffer->name
        << " or index it that way";
}

// Whether e, through the nest's lets (only loop and block indices left, all >= 0), is >= 0.
bool non_negative(const Expr &e) {
    int64_t c;
    if (as_const_int(e, &c)) return c >= 0;
    if (e->kind == NodeKind::Var) return true;
    Expr a, b;
    if (!binary_operands(e, &a, &b)) return false;
    switch (e->kind) {
    case NodeKind::Add:
    case NodeKind::Mul:
    case NodeKind::FloorDiv:
    case NodeKind::FloorMod:
    case NodeKind::Min:
    case NodeKind::Max: return non_negative(a) && non_negative(b);
    default: return false;
    }
}

Expr as_signed(const Expr &x) {
    int64_t c;
    const auto *call = x.as<CallNode>();
    if (as_const_int(x, &c) || (call && call->op->name == "tt.signed")) return x;
    return CallNode::make("tt.signed", {x}, x->span);
}

// e with the operands of its ordered integer comparisons, minima and maxima compared as signed
// values: the reader holds integers as uint32_t, and a bounds test (`h >= 0 and h < H`) or a
// clamp (`T.max(i - 5, 0)`) meets negative values.
Expr signed_comparisons(const Expr &e) {
    Expr a, b;
    if (!binary_operands(e, &a, &b)) {
        if (const auto *n = e.as<NotNode>()) return NotNode::make(signed_comparisons(n->a), n->span);
        if (const auto *s = e.as<SelectNode>()) {
            return SelectNode::make(signed_comparisons(s->cond), signed_comparisons(s->true_value),
                                    signed_comparisons(s->false_value), s->span);
        }
        return e;
    }
    a = signed_comparisons(a);
    b = signed_comparisons(b);
    const bool integers = !a->dtype.is_float() && !a->dtype.is_bool();
    if (integers && (e->kind == NodeKind::Min || e->kind == NodeKind::Max)) {
        Expr first = e->kind == NodeKind::Min ? LTNode::make(as_signed(a), as_signed(b)) : GTNode::make(as_signed(a), as_signed(b));
        return SelectNode::make(first, a, b, e->span);
    }
    const bool ordered = e->kind == NodeKind::LT || e->kind == NodeKind::LE || e->kind == NodeKind::GT ||
                         e->kind == NodeKind::GE;
    if (ordered && integers) {
        a = as_signed(a);
        b = as_signed(b);
    }
    return make_binary(e->kind, a, b, e->span);
}

// The statements of the nest's lets around `body`, innermost last, comparing as signed values.
Stmt with_lets(const GatherLoad &g, Stmt body) {
    for (auto it = g.lets.rbegin(); it != g.lets.rend(); ++it)
        body = LetStmtNode::make((*it)->var, signed_comparisons((*it)->value), body, (*it)->span);
    return body;
}

}  // namespace

bool block_offset(const Expr &written, const Var &var, const std::vector<Var> &nest_vars, Expr *base) {
    const Expr index = fold_constants(written);  // tk * 1 + 0 is tk
    if (index.get() == var.get()) {
        *base = make_int(0);
        return true;
    }
    const auto *add = index.as<AddNode>();
    if (!add) return false;
    for (const auto &[offset, v] : {std::pair{add->a, add->b}, std::pair{add->b, add->a}}) {
        if (v.get() == var.get() && !uses_any(offset, nest_vars)) {
            *base = offset;
            return true;
        }
    }
    return false;
}

std::optional<GatherLoad> match_gather(const ForNode *nest) {
    GatherLoad g;
    g.rows = nest;
    g.cols = nest->body.as<ForNode>();
    if (nest->for_kind != ForKind::Parallel || !g.cols || g.cols->for_kind != ForKind::Parallel) return std::nullopt;
    Stmt s = g.cols->body;
    Lets lets;
    while (const auto *let = s.as<LetStmtNode>()) {
        g.lets.push_back(let);
        lets[let->var.get()] = let->value;
        s = let->body;
    }
    g.store = s.as<BufferStoreNode>();
    if (!g.store || g.store->buffer->scope == MemoryScope::Global || g.store->indices.size() != 2 ||
        g.store->indices[0].get() != nest->loop_var.get() || g.store->indices[1].get() != g.cols->loop_var.get()) {
        return std::nullopt;
    }
    Expr value = g.store->value;
    if (const auto *select = value.as<SelectNode>(); select && is_zero(select->false_value)) {
        g.condition = select->cond;
        value = select->true_value;
    }
    g.source = value.as<BufferLoadNode>();
    if (!g.source || g.source->buffer->scope != MemoryScope::Global) return std::nullopt;
    // StageTTElementwise's block form moves whole tiles: not a gather.
    const std::vector<Var> vars{nest->loop_var, g.cols->loop_var};
    Expr base;
    if (g.source->indices.size() == 2 && block_offset(through_lets(g.source->indices[0], lets), vars[0], vars, &base) &&
        block_offset(through_lets(g.source->indices[1], lets), vars[1], vars, &base)) {
        return std::nullopt;
    }
    return g;
}

Stmt emit_gather_reader(LoweringContext &ctx, const GatherLoad &g, const CircularBuffer &cb) {
    const Buffer &global = g.source->buffer;
    const Span &span = g.source->span;
    const BufferLayout &layout = ctx.layout(global, span);
    const Var &j = g.cols->loop_var;
    // The indices and the condition, through the nest's lets.
    std::map<const VarNode *, Expr> lets;
    for (const LetStmtNode *let : g.lets) lets[let->var.get()] = let->value;
    const auto resolved = [&](const Expr &e) { return through_lets(e, lets); };
    std::vector<Expr> checked(g.source->indices.begin(), g.source->indices.end());
    if (g.condition) checked.push_back(g.condition);
    for (const Expr &e : checked) {
        post_order_visit(EvaluateNode::make(resolved(e)), [&](const Node *n) {
            if (n->kind == NodeKind::BufferLoad)
                refuse(g, "its indices or condition read " + static_cast<const BufferLoadNode *>(n)->buffer->name);
            // Floor division of a negative value is not C++'s on the reader's unsigned integers.
            const Expr *dividend = n->kind == NodeKind::FloorDiv   ? &static_cast<const FloorDivNode *>(n)->a
                                   : n->kind == NodeKind::FloorMod ? &static_cast<const FloorModNode *>(n)->a
                                                                   : nullptr;
            if (dividend && !non_negative(*dividend)) refuse(g, "it divides " + to_text(*dividend) + ", which may be negative");
        });
    }
    const size_t rank = g.source->indices.size();
    for (size_t d = 0; d < checked.size(); ++d) {
        const std::optional<Run> run = run_of(resolved(checked[d]), j);
        const std::string what = to_text(checked[d]);
        if (d == rank) {
            if (!run || run->step != 0) refuse(g, "its condition " + what + " may change along " + j->name);
        } else if (!run) {
            refuse(g, "the compiler cannot show how " + what + " changes along " + j->name);
        } else if (d + 1 == rank && (run->step != 1 || run->divisor % kTileCols != 0)) {
            refuse(g, "its last index " + what + " is not " + j->name + " plus a multiple of 32");
        } else if (d + 1 < rank && run->step != 0) {
            refuse(g, "its index " + what + " changes along " + j->name);
        }
    }
    if (!element_addressable(ctx, global, layout, rank)) {
        refuse(g, global->name + " is sharded, dynamic, of fewer than 2 dimensions or copied in blocks elsewhere");
    }
    if (cb.config.data_format != layout.data_format || block_float_tile_bytes(layout.data_format)) {
        refuse(g, global->name + " is stored as " + layout.data_format + " and " + g.store->buffer->name + " as " +
                      cb.config.data_format + "; rows move unconverted, and block floats share exponents across rows");
    }
    int64_t rows = 0, cols = 0;
    as_const_int(fold_constants(g.rows->extent), &rows);
    as_const_int(fold_constants(g.cols->extent), &cols);
    if (rows % kTileRows != 0 || cols % kTileCols != 0) {
        refuse(g, "the nest's extents " + std::to_string(rows) + " x " + std::to_string(cols) + " are not multiples of 32");
    }
    const int64_t tile_cols = cols / kTileCols, tiles = rows / kTileRows * tile_cols;
    const int64_t element_bytes = global->dtype.bytes(), face_row_bytes = kTileCols / 2 * element_bytes;
    const int64_t face_bytes = kTileRows * kTileCols / 4 * element_bytes;
    if (face_row_bytes % ctx.device().dram_alignment != 0) {
        refuse(g, "a face row of " + global->dtype.to_string() + " is " + std::to_string(face_row_bytes) +
                      " bytes, and " + ctx.device().name + " reads DRAM in multiples of " +
                      std::to_string(ctx.device().dram_alignment) + "; use float32 data on this device");
    }
    if (cb.rows * kTileRows != rows || cb.cols * kTileCols != cols) {
        refuse(g, "the nest covers " + std::to_string(rows) + " x " + std::to_string(cols) + " elements of " +
                      g.store->buffer->name + ", which holds " + std::to_string(cb.rows * kTileRows) + " x " +
                      std::to_string(cb.cols * kTileCols) + "; a gather fills its whole buffer (one circular buffer)");
    }
    std::vector<Expr> indices;  // with signed minima, maxima and selects, as the address needs
    for (const Expr &index : g.source->indices) indices.push_back(signed_comparisons(index));
    const Expr cb_index = make_int(cb.config.cb_index);
    const Var write_ptr = make_var(g.store->buffer->name + "_write_ptr");
    const Expr accessor = ctx.accessor(KernelRole::Reader, global);
    Stmt gather = tile_loop("tile_row", rows / kTileRows, [&](const Expr &tile_row) {
        return tile_loop("tile_col", tile_cols, [&](const Expr &tile_col) {
            return tile_loop("row", kTileRows, [&](const Expr &row) {
                // The destination row's two face rows: faces (row / 16, 0) and (row / 16, 1).
                const Var destination = make_var(g.store->buffer->name + "_row_ptr");
                Expr tile_offset = MulNode::make(AddNode::make(MulNode::make(tile_row, make_int(tile_cols)), tile_col),
                                                 make_int(cb.config.page_size));
                Expr face_offset = AddNode::make(
                    MulNode::make(FloorDivNode::make(row, make_int(kTileRows / 2)), make_int(2 * face_bytes)),
                    MulNode::make(FloorModNode::make(row, make_int(kTileRows / 2)), make_int(face_row_bytes)));
                const auto [page, position] = tile_element(ctx, global, layout, indices);
                const Var source = make_var(global->name + "_row_offset");
                std::vector<Stmt> reads, zeros;
                for (int64_t face = 0; face < 2; ++face) {
                    Expr offset = fold_constants(AddNode::make(source, make_int(face * face_bytes)));
                    reads.push_back(tt_call("noc_async_read",
                                            {CallNode::make("tt.get_noc_addr", {page, accessor, offset}),
                                             fold_constants(AddNode::make(destination, make_int(face * face_bytes))),
                                             make_int(face_row_bytes)}));
                    zeros.push_back(tile_loop("word", face_row_bytes / 4, [&](const Expr &w) {
                        return tt_call("l1_write_u32", {destination, AddNode::make(make_int(face * face_bytes / 4), w),
                                                        make_int(0)});
                    }));
                }
                Stmt read = LetStmtNode::make(source, fold_constants(MulNode::make(position, make_int(element_bytes))),
                                              seq(reads), span);
                // Rows whose element lies outside the tensor read zeros, as a block past a tensor's
                // edge does (the rows of a last block of M past N * OH * OW).
                Expr inside = g.condition;
                for (size_t d = 0; d < rank; ++d) {
                    const Expr &index = indices[d];
                    Expr within = AndNode::make(GENode::make(index, make_int(0)), LTNode::make(index, global->shape[d]));
                    inside = inside ? AndNode::make(inside, within) : within;
                }
                Stmt body = IfThenElseNode::make(signed_comparisons(inside), read, seq(zeros), span);
                body = with_lets(g, body);
                body = LetStmtNode::make(j, MulNode::make(tile_col, make_int(kTileCols)), body, span);
                body = LetStmtNode::make(g.rows->loop_var,
                                         AddNode::make(MulNode::make(tile_row, make_int(kTileRows)), row), body, span);
                return LetStmtNode::make(destination,
                                         fold_constants(AddNode::make(write_ptr, AddNode::make(tile_offset, face_offset))),
                                         body, span);
            });
        });
    });
    return seq({tt_call("cb_reserve_back", {cb_index, make_int(tiles)}),
                LetStmtNode::make(write_ptr, CallNode::make("tt.get_write_ptr", {cb_index}),
                                  seq({gather, tt_call("noc_async_read_barrier", {})}), span),
                tt_call("cb_push_back", {cb_index, make_int(tiles)})});
}

}  // namespace tt::transform
