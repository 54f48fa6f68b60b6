// The shared state of LowerTTTileIntrinsics: circular buffers, accessors and buffer values.
#include "transform/tt_lowering_context.h"

#include <algorithm>

#include "ir/arith.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "transform/analysis.h"

namespace tt::transform {

using namespace ir;

TileOrder TileOrder::row_major(int64_t rows, int64_t cols, int64_t max_group_tiles) {
    // Whole rows of tiles per group when they fit, else the widest divisor of a row that fits.
    TileOrder order{rows, cols, 1, 1};
    for (int64_t w = std::min(cols, max_group_tiles); w >= 1; --w) {
        if (cols % w == 0) {
            order.group_cols = w;
            break;
        }
    }
    if (order.group_cols == cols) {
        for (int64_t h = std::min(rows, max_group_tiles / cols); h >= 1; --h) {
            if (rows % h == 0) {
                order.group_rows = h;
                break;
            }
        }
    }
    return order;
}

bool TileOrder::enumerates_like(const TileOrder &other) const {
    if (rows != other.rows || cols != other.cols) return false;
    const bool plain = group_cols == cols, other_plain = other.group_cols == other.cols;
    return (plain && other_plain) || (group_rows == other.group_rows && group_cols == other.group_cols);
}

// Groups are row-major over the block, tiles row-major inside a group; whole rows of tiles per
// group enumerate the block row-major.
Expr TileOrder::position_of(const Expr &row, const Expr &col) const {
    auto i = [](int64_t v) { return make_int(v); };
    if (group_cols == cols) return fold_constants(AddNode::make(MulNode::make(row, i(cols)), col));
    Expr group = AddNode::make(MulNode::make(FloorDivNode::make(row, i(group_rows)), i(groups_across())),
                               FloorDivNode::make(col, i(group_cols)));
    Expr within = AddNode::make(MulNode::make(FloorModNode::make(row, i(group_rows)), i(group_cols)),
                                FloorModNode::make(col, i(group_cols)));
    return fold_constants(AddNode::make(MulNode::make(group, i(group_tiles())), within));
}

Expr TileOrder::row_at(const Expr &position) const {
    auto i = [](int64_t v) { return make_int(v); };
    if (group_cols == cols) return fold_constants(FloorDivNode::make(position, i(cols)));
    Expr group_row = FloorDivNode::make(FloorDivNode::make(position, i(group_tiles())), i(groups_across()));
    Expr within_row = FloorDivNode::make(FloorModNode::make(position, i(group_tiles())), i(group_cols));
    return fold_constants(AddNode::make(MulNode::make(group_row, i(group_rows)), within_row));
}

Expr TileOrder::col_at(const Expr &position) const {
    auto i = [](int64_t v) { return make_int(v); };
    if (group_cols == cols) return fold_constants(FloorModNode::make(position, i(cols)));
    Expr group_col = FloorModNode::make(FloorDivNode::make(position, i(group_tiles())), i(groups_across()));
    Expr within_col = FloorModNode::make(FloorModNode::make(position, i(group_tiles())), i(group_cols));
    return fold_constants(AddNode::make(MulNode::make(group_col, i(group_cols)), within_col));
}

void RoleStmts::append(const RoleStmts &other) {
    for (size_t r = 0; r < of.size(); ++r) of[r].insert(of[r].end(), other.of[r].begin(), other.of[r].end());
}

namespace {

int64_t const_extent(const Expr &e, const std::string &what, const Span &span) {
    int64_t v;
    if (!as_const_int(fold_constants(e), &v)) {
        TT_USER_ERROR(Validation, span) << what << " must have a constant shape on Tenstorrent; instead give it "
                                        << "a shape known when the kernel is compiled";
    }
    return v;
}

// The tile layout of every 1-D on-chip buffer, from how the kernel uses it (VectorLayout): indexed
// by the row variable of a 2-D T.Parallel nest or written by a reduction along dim 1, a Column;
// by the column variable or a reduction along dim 0, a Row; buffers a 1-D nest or an on-chip copy
// ties together share one layout; anything else (a copy from a 1-D tensor) is a Row.
std::map<const BufferNode *, VectorLayout> vector_layouts(const PrimFunc &func) {
    std::map<const BufferNode *, VectorLayout> layout;
    std::map<const BufferNode *, Span> where;
    std::vector<std::vector<const BufferNode *>> ties;
    auto note = [&](const Buffer &b, VectorLayout l, const Span &span) {
        if (!is_on_chip(b) || b->shape.size() != 1) return;
        auto [it, fresh] = layout.emplace(b.get(), l);
        if (!fresh && it->second != l) {
            TT_USER_ERROR(Validation, span)
                << "the 1-D buffer " << b->name << " is used both as one value per row and as one value per column "
                << "of a tile block (first at " << where[b.get()].to_string() << "); instead use two buffers";
        }
        where.emplace(b.get(), span);
    };
    post_order_visit(func->body, [&](const Node *n) {
        if (n->kind == NodeKind::Call) {
            const auto *call = static_cast<const CallNode *>(n);
            if (call->op->name == "tl.reduce") {
                int64_t dim = 1;
                as_const_int(call->args[3], &dim);
                note(call->args[1].as<RegionNode>()->buffer, dim == 1 ? VectorLayout::Column : VectorLayout::Row,
                     call->span);
            }
            if (call->op->name == "tl.copy") {
                ties.push_back(
                    {call->args[0].as<RegionNode>()->buffer.get(), call->args[1].as<RegionNode>()->buffer.get()});
            }
        }
        if (n->kind != NodeKind::For || static_cast<const ForNode *>(n)->for_kind != ForKind::Parallel) return;
        std::vector<const VarNode *> vars;
        const ForNode *loop = static_cast<const ForNode *>(n);
        for (; loop && loop->for_kind == ForKind::Parallel; loop = loop->body.as<ForNode>())
            vars.push_back(loop->loop_var.get());
        std::vector<const BufferNode *> nest;
        post_order_visit(static_cast<const ForNode *>(n)->body, [&](const Node *m) {
            const Buffer *b = nullptr;
            const std::vector<Expr> *indices = nullptr;
            if (m->kind == NodeKind::BufferLoad) {
                b = &static_cast<const BufferLoadNode *>(m)->buffer;
                indices = &static_cast<const BufferLoadNode *>(m)->indices;
            } else if (m->kind == NodeKind::BufferStore) {
                b = &static_cast<const BufferStoreNode *>(m)->buffer;
                indices = &static_cast<const BufferStoreNode *>(m)->indices;
            }
            if (!b || (*b)->shape.size() != 1) return;
            if (vars.size() == 2 && (*indices)[0].get() == vars[0]) note(*b, VectorLayout::Column, n->span);
            if (vars.size() == 2 && (*indices)[0].get() == vars[1]) note(*b, VectorLayout::Row, n->span);
            if (vars.size() == 1) nest.push_back(b->get());
        });
        ties.push_back(nest);
    });
    // A 1-D nest computes its vectors tile by tile in one layout; propagate until nothing changes.
    for (bool changed = true; changed;) {
        changed = false;
        for (const auto &tie : ties) {
            VectorLayout known = VectorLayout::None;
            for (const BufferNode *b : tie) {
                auto it = layout.find(b);
                if (it != layout.end()) known = it->second;
            }
            if (known == VectorLayout::None) continue;
            for (const BufferNode *b : tie) {
                if (b->shape.size() == 1 && b->scope != MemoryScope::Global && !layout.count(b)) {
                    layout[b] = known;
                    changed = true;
                }
            }
        }
    }
    return layout;
}

}  // namespace

LoweringContext::LoweringContext(const PrimFunc &func, const PassContext &ctx)
    : compute_(get_attr<ComputeConfig>(func, attr::TT_COMPUTE_CONFIG, "PropagateTTLayout")),
      prefetch_(ctx.options().enable_prefetch), device_(ctx.device()), fidelity_(ctx.options().math_fidelity) {
    layouts_ = get_attr<LayoutDesc>(func, attr::TT_LAYOUT_DESC, "InferTTLayout");
    if (auto dynamic = find_attr<DynamicShape>(func, attr::TT_DYNAMIC_SHAPE)) dynamic_axes_ = dynamic->tensor_axes;
    desc_ = get_attr<CBDesc>(func, attr::TT_CB_DESC, "PropagateTTLayout");
    multicast_ = find_attr<MulticastPlan>(func, attr::TT_MULTICAST);
    if (multicast_) {
        block_vars_ = find_kernel_launch(func)->block_vars;
        grid_ = launch_grid(func);
    }
    const auto vectors = vector_layouts(func);
    reads_ = buffer_reads(func->body);
    auto note_compute_read = [&](const Expr &region) {
        const auto *r = region.as<RegionNode>();
        if (r && is_on_chip(r->buffer)) compute_reads_.insert(r->buffer.get());
    };
    post_order_visit(func->body, [&](const Node *n) {
        if (n->kind == NodeKind::BufferLoad && is_on_chip(static_cast<const BufferLoadNode *>(n)->buffer)) {
            compute_reads_.insert(static_cast<const BufferLoadNode *>(n)->buffer.get());
        }
        if (n->kind == NodeKind::Call) {
            const auto *call = static_cast<const CallNode *>(n);
            const std::string &op = call->op->name;
            if (op == "tl.gemm") {
                accumulators_.insert(call->args[2].as<RegionNode>()->buffer.get());
                note_compute_read(call->args[0]);
                note_compute_read(call->args[1]);
            }
            if (op == "tl.reduce") note_compute_read(call->args[0]);
            const auto *dst = op == "tl.copy" ? call->args[1].as<RegionNode>() : nullptr;
            if (dst && is_on_chip(dst->buffer)) note_compute_read(call->args[0]);
        }
        if (n->kind != NodeKind::Allocate) return;
        const Buffer &b = static_cast<const AllocateNode *>(n)->buffer;
        auto it = desc_.find(b->name);
        if (it == desc_.end()) return;  // cb() reports the buffer if a tile operation uses it
        CircularBuffer cb{b, it->second, 1, 1};
        std::vector<int64_t> shape;
        for (const Expr &e : b->shape) shape.push_back(const_extent(e, "buffer " + b->name, b->span));
        std::vector<int64_t> tiles = shape_in_tiles(shape);
        cb.cols = tiles.back();
        cb.rows = tiles.size() > 1 ? tiles[tiles.size() - 2] : 1;
        if (shape.size() == 1) {
            auto it = vectors.find(b.get());
            cb.vector = it == vectors.end() ? VectorLayout::Row : it->second;
            if (cb.vector == VectorLayout::Column) std::swap(cb.rows, cb.cols);
        }
        cbs_.emplace(b.get(), cb);
    });
    // An accumulator's partial sums live in a CB of its own dtype that compute both fills and
    // reads; its own CB, when the writer drains it, receives only the final value.
    for (auto &[node, own] : cbs_) {
        if (!accumulators_.count(node) || own.config.flow == CBFlow::Intermediate) continue;
        auto partials = desc_.find(own.buffer->name + ".partials");
        CircularBuffer home = partials != desc_.end() ? CircularBuffer{own.buffer, partials->second, own.rows, own.cols}
                                                      : add_cb(own.buffer->name + ".partials", own, own.buffer->dtype,
                                                               CBFlow::Intermediate);
        own_.emplace(node, own);
        own = home;
    }
}

const CircularBuffer &LoweringContext::cb(const Buffer &buffer, const Span &span) const {
    auto it = cbs_.find(buffer.get());
    if (it == cbs_.end()) {
        TT_USER_ERROR(Validation, span) << "buffer " << buffer->name << " (" << scope_name(buffer->scope)
                                        << ") has no circular buffer; PropagateTTLayout gives one to every shared "
                                        << "and fragment buffer a tile operation uses";
    }
    return it->second;
}

const CircularBuffer &LoweringContext::fill_cb(const Buffer &buffer, const Span &span) const {
    auto own = own_.find(buffer.get());
    return own != own_.end() && own->second.config.flow == CBFlow::Input ? own->second : cb(buffer, span);
}

const CircularBuffer &LoweringContext::drain_cb(const Buffer &buffer, DataType dtype) {
    auto own = own_.find(buffer.get());
    if (own != own_.end() && own->second.config.flow == CBFlow::Output &&
        own->second.config.data_format == tt_data_format(dtype))
        return own->second;
    const CircularBuffer &home = cb(buffer, buffer->span);
    return add_cb(buffer->name + ".staging", home, dtype, CBFlow::Output);
}

namespace {

// Commit DST, pack its tile 0 into cb and push it.
std::vector<Stmt> pack_one_tile(const Expr &cb) {
    return {tt_call("tile_regs_commit", {}),
            tt_call("cb_reserve_back", {cb, make_int(1)}),
            tt_call("tile_regs_wait", {}),
            tt_call("pack_reconfig_data_format", {cb}),
            tt_call("pack_tile", {make_int(0), cb}),
            tt_call("tile_regs_release", {}),
            tt_call("cb_push_back", {cb, make_int(1)})};
}

}  // namespace

const CircularBuffer &LoweringContext::scaler_cb(std::vector<Stmt> *setup, std::vector<Stmt> *teardown,
                                                 const Span &span) {
    const bool first = !added_.count("reduce.scaler");
    CircularBuffer one;
    one.buffer = make_buffer("reduce_scaler", {make_int(32), make_int(32)}, DataType::parse("bfloat16"),
                             MemoryScope::Fragment, span);
    one.config.tiles_per_stage = 1;
    one.config.depth = 1;
    const CircularBuffer &scaler = add_cb("reduce.scaler", one, DataType::parse("bfloat16"), CBFlow::Intermediate);
    if (first) {
        Expr cb = make_int(scaler.config.cb_index);
        teardown->push_back(tt_call("cb_pop_front", {cb, make_int(1)}));
        setup->insert(setup->end(),
                      {tt_call("tile_regs_acquire", {}), tt_call("fill_tile_init", {}),
                       tt_call("fill_tile", {make_int(0), FloatImmNode::make(DataType::float32(), 1.0)})});
        for (Stmt &s : pack_one_tile(cb)) setup->push_back(s);
        setup->push_back(tt_call("cb_wait_front", {cb, make_int(1)}));
    }
    return scaler;
}

const CircularBuffer &LoweringContext::index_cb(std::vector<Stmt> *setup, std::vector<Stmt> *teardown,
                                                const Span &span) {
    const bool first = !added_.count("index.tiles");
    CircularBuffer two;
    two.buffer = make_buffer("element_index", {make_int(32), make_int(64)}, DataType::parse("bfloat16"),
                             MemoryScope::Fragment, span);
    two.cols = 2;
    two.config.tiles_per_stage = 2;
    two.config.depth = 1;
    const CircularBuffer &index = add_cb("index.tiles", two, DataType::parse("bfloat16"), CBFlow::Intermediate);
    if (first) {
        Expr cb = make_int(index.config.cb_index), zero = make_int(0);
        teardown->push_back(tt_call("cb_pop_front", {cb, make_int(2)}));
        // Rows: ones summed down each column give 1..32; minus one, each element's row.
        setup->insert(setup->end(), {tt_call("tile_regs_acquire", {}), tt_call("fill_tile_init", {}),
                                     tt_call("fill_tile", {zero, FloatImmNode::make(DataType::float32(), 1.0)}),
                                     tt_call("cumsum_tile_init", {}), tt_call("cumsum_tile", {zero}),
                                     tt_call("binop_with_scalar_tile_init", {}),
                                     tt_call("sub_unary_tile", {zero, FloatImmNode::make(DataType::float32(), 1.0)})});
        for (Stmt &s : pack_one_tile(cb)) setup->push_back(s);
        // Columns: the rows' transpose.
        setup->insert(setup->end(),
                      {tt_call("cb_wait_front", {cb, make_int(1)}), tt_call("tile_regs_acquire", {}),
                       tt_call("reconfig_data_format_srca", {cb}), tt_call("transpose_wh_init_short", {cb}),
                       tt_call("transpose_wh_tile", {cb, zero, zero})});
        for (Stmt &s : pack_one_tile(cb)) setup->push_back(s);
        setup->push_back(tt_call("cb_wait_front", {cb, make_int(2)}));
    }
    return index;
}

const CircularBuffer &LoweringContext::element_cb(const Buffer &global, const Span &span) {
    CircularBuffer one;
    one.buffer = make_buffer(global->name + "_element", {make_int(32), make_int(32)}, global->dtype,
                             MemoryScope::Fragment, span);
    one.config.tiles_per_stage = 1;
    one.config.depth = 1;
    return add_cb(global->name + ".element", one, global->dtype, CBFlow::Intermediate);
}

const CircularBuffer &LoweringContext::written_cb(const Buffer &global, const Span &span) {
    CircularBuffer token;
    token.buffer = make_buffer(global->name + "_written", {make_int(32), make_int(32)}, DataType::parse("bfloat16"),
                               MemoryScope::Fragment, span);
    return add_cb(global->name + ".written", token, DataType::parse("bfloat16"), CBFlow::Intermediate);
}

int64_t LoweringContext::l1_in_use() const {
    int64_t bytes = 0;
    for (const auto &kv : desc_) bytes += kv.second.total_bytes();
    return bytes;
}

bool LoweringContext::scratch_fits(const Buffer &buffer, const std::string &what) const {
    if (added_.count(buffer->name + "." + what)) return true;
    if (static_cast<int64_t>(desc_.size()) >= device_.num_circular_buffers) return false;  // no index left
    auto home = cbs_.find(buffer.get());
    if (home == cbs_.end()) return false;
    const int64_t bytes = home->second.rows * home->second.cols * tile_bytes(buffer->dtype);
    return l1_in_use() + bytes <= device_.l1_free_bytes();
}

const CircularBuffer &LoweringContext::scratch_cb(const Buffer &buffer, const std::string &what) {
    const CircularBuffer &home = cb(buffer, buffer->span);
    return add_cb(buffer->name + "." + what, home, buffer->dtype, CBFlow::Intermediate);
}

const CircularBuffer &LoweringContext::add_cb(const std::string &key, const CircularBuffer &base, DataType dtype,
                                              CBFlow flow) {
    auto it = added_.find(key);
    if (it != added_.end()) return it->second;
    // The flow's own index range first (outputs from 16, intermediates from 24), then any index
    // still free: CB indices only name buffers, and input indices below 16 are often unused.
    std::set<int> used;
    for (const auto &kv : desc_) used.insert(kv.second.cb_index);
    int next_index = flow == CBFlow::Output ? 16 : 24;
    for (const auto &kv : desc_) {
        if (kv.second.flow == flow) next_index = std::max(next_index, kv.second.cb_index + 1);
    }
    for (int i = 0;
         (next_index >= device_.num_circular_buffers || used.count(next_index)) && i < device_.num_circular_buffers;
         ++i) {
        if (!used.count(i)) next_index = i;
    }
    if (next_index >= device_.num_circular_buffers) {
        TT_USER_ERROR(Validation, base.buffer->span)
            << "lowering " << base.buffer->name << " needs one more circular buffer (" << key << ") than the "
            << device_.num_circular_buffers << " a " << device_.name << " core has; instead use fewer "
            << "shared/fragment buffers";
    }
    CircularBuffer added = base;
    added.config.cb_index = next_index;
    added.config.flow = flow;
    added.config.dtype = dtype.to_string();
    added.config.data_format = tt_data_format(dtype);
    added.config.page_size = tile_bytes(dtype);
    // The whole block: compute may produce every subblock before the consumer takes the first.
    added.config.tiles_per_stage = base.rows * base.cols;
    added.config.depth = 1;
    added.config.num_pages = base.rows * base.cols;
    const int64_t l1_used = added.config.total_bytes() + l1_in_use();
    if (l1_used > device_.l1_free_bytes()) {
        TT_USER_ERROR(Validation, base.buffer->span)
            << "the " << added.config.num_pages << "-tile circular buffer " << key << " that lowering "
            << base.buffer->name << " needs brings the circular buffers to " << l1_used << " bytes, more than the "
            << device_.l1_free_bytes() << " bytes of L1 a " << device_.name << " core has free; instead use smaller blocks";
    }
    desc_[key] = added.config;
    return added_.emplace(key, added).first->second;
}

const CircularBuffer &LoweringContext::transposed_cb(const Buffer &buffer, const Span &span) {
    CircularBuffer transposed = cb(buffer, span);
    std::swap(transposed.rows, transposed.cols);
    return add_cb(buffer->name + ".transposed", transposed, buffer->dtype, CBFlow::Intermediate);
}

Expr LoweringContext::runtime_constant(const std::string &name, int64_t value, const Json &formula) {
    // A static value is itself; a dynamic one is its formula.
    const Json f = formula.is_null() || formula.is_number_integer() ? Json() : formula;
    const std::pair<int64_t, Json> key{value, f};
    std::string unique = name;
    for (int n = 2; runtime_constants_.count(unique) && runtime_constants_.at(unique) != key; ++n) {
        unique = name + "_" + std::to_string(n);
    }
    runtime_constants_[unique] = key;
    std::vector<Expr> args = {StringImmNode::make(unique), make_int(value)};
    if (!f.is_null()) args.push_back(StringImmNode::make(f.dump()));
    return CallNode::make("tt.runtime_constant", args);
}

std::vector<std::string> LoweringContext::dynamic_axes(const Buffer &global) const {
    auto it = dynamic_axes_.find(global->name);
    return it == dynamic_axes_.end() ? std::vector<std::string>() : it->second;
}

const BufferLayout &LoweringContext::layout(const Buffer &global, const Span &span) const {
    auto it = layouts_.find(global->name);
    if (it == layouts_.end()) {
        TT_USER_ERROR(Validation, span) << "global buffer " << global->name
                                        << " has no layout; InferTTLayout gives one to every kernel parameter";
    }
    return it->second;
}

Expr LoweringContext::accessor(KernelRole role, const Buffer &global) {
    auto &list = accessors_[static_cast<size_t>(role)];
    if (std::find(list.begin(), list.end(), global) == list.end()) list.push_back(global);
    return RegionNode::full(global);
}

TileValue &LoweringContext::value(const Buffer &buffer) {
    return values_[buffer.get()];
}

const Buffer &LoweringContext::buffer_of(const BufferNode *node) const {
    auto it = cbs_.find(node);
    TT_ICHECK(it != cbs_.end()) << "buffer " << node->name << " holds a value but has no circular buffer";
    return it->second.buffer;
}

CBDesc LoweringContext::cb_desc() const {
    return desc_;
}

Stmt tile_loop(const std::string &name, int64_t extent, const std::function<Stmt(const Expr &)> &body) {
    if (extent == 1) return body(make_int(0));
    Var v = make_var(name);
    return ForNode::make(v, make_int(0), make_int(extent), ForKind::Serial, body(v));
}

Stmt tt_call(const std::string &name, std::vector<Expr> args) {
    return EvaluateNode::make(CallNode::make("tt." + name, std::move(args)));
}

Stmt seq(std::vector<Stmt> stmts) {
    return SeqStmtNode::flatten(std::move(stmts));
}

}  // namespace tt::transform
