// Data-flow facts of a TileLang-level function (see analysis.h).
#include "transform/analysis.h"

#include <string>

#include "ir/arith.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "transform/tt_attrs.h"
#include "transform/tt_gather_loads.h"

namespace tt::transform {

namespace {

using namespace ir;

/*! How a tile operation touches its region operands: (argument index, reads, writes). Anything
 *  else with a region operand is assumed to read and write it. */
struct RegionEffect {
    size_t arg;
    bool reads;
    bool writes;
};
std::vector<RegionEffect> region_effects(const CallNode *call) {
    const std::string &op = call->op->name;
    if (op == "tl.copy") return {{0, true, false}, {1, false, true}};
    if (op == "tl.fill") return {{0, false, true}};
    if (op == "tl.gemm") return {{0, true, false}, {1, true, false}, {2, true, true}};
    if (op == "tl.reduce") return {{0, true, false}, {1, false, true}};
    std::vector<RegionEffect> all;
    for (size_t i = 0; i < call->args.size(); ++i) {
        if (call->args[i]->kind == NodeKind::Region) all.push_back({i, true, true});
    }
    return all;
}

const Buffer &region_buffer(const Expr &e) {
    const RegionNode *r = e.as<RegionNode>();
    TT_ICHECK(r) << "tile operation operand is not a region";
    return r->buffer;
}

class DataFlowCollector : public LocatingVisitor {
public:
    explicit DataFlowCollector(DataFlow &flow) : flow_(flow) {}
    using LocatingVisitor::visit;

protected:
    void visit(const AllocateNode *op) override {
        if (is_on_chip(op->buffer)) {
            index_[op->buffer.get()] = flow_.on_chip.size();
            OnChipFlow flow;
            flow.buffer = op->buffer;
            flow_.on_chip.push_back(flow);
        }
        IRVisitor::visit(op);
    }

    void visit(const ForNode *op) override {
        if (std::optional<GatherLoad> gather = match_gather(op)) {  // the reader fills the buffer, as a copy
            note_global(gather->source->buffer, true, false);
            note_copy(gather->source->buffer, gather->store->buffer);
            return;
        }
        const bool pipelined = op->for_kind == ForKind::Pipelined;
        if (pipelined) stages_.push_back(op->num_stages);
        IRVisitor::visit(op);
        if (pipelined) stages_.pop_back();
    }

    void visit(const BufferLoadNode *op) override {
        note_global(op->buffer, true, false);
        IRVisitor::visit(op);
    }

    void visit(const BufferStoreNode *op) override {
        note_global(op->buffer, false, true);
        if (OnChipFlow *target = on_chip(op->buffer)) target->computed = true;
        IRVisitor::visit(op);
    }

    void visit(const CallNode *op) override {
        for (const RegionEffect &e : region_effects(op)) {
            note_global(region_buffer(op->args[e.arg]), e.reads, e.writes);
        }
        if (op->op->name == "tl.copy") {
            note_copy(region_buffer(op->args[0]), region_buffer(op->args[1]));
            for (size_t i = 0; i < 2; ++i) note_tile_axes(op->args[i].as<RegionNode>());
        }
        if (op->op->name == "tl.reduce") {
            if (OnChipFlow *target = on_chip(region_buffer(op->args[1]))) target->computed = true;
        }
        if (op->op->name == "tl.gemm") {
            if (OnChipFlow *acc = on_chip(region_buffer(op->args[2]))) acc->gemm_accumulator = true;
        }
        IRVisitor::visit(op);
    }

private:
    void note_global(const Buffer &b, bool reads, bool writes) {
        if (b->scope != MemoryScope::Global) return;
        flow_.global_read[b.get()] |= reads;
        flow_.global_written[b.get()] |= writes;
    }

    // A copy of a 2-D block of a tensor of higher rank, or of a vector (one dimension) of a tensor
    // of rank 2 or more, decides which axes its tiles span. Blocks of other shapes decide nothing
    // here; the lowering reports them.
    void note_tile_axes(const RegionNode *region) {
        const Buffer &b = region->buffer;
        if (b->scope != MemoryScope::Global || b->shape.size() < 2) return;
        std::vector<int> axes = spanned_axes(region);
        // A last dimension of extent 1, copied whole, is still the column axis of a matrix: X[rows, :]
        // of a (M, 1) tensor is a block of M x 1, not a vector of a batch.
        const int last = static_cast<int>(b->shape.size()) - 1;
        int64_t extent = 0;
        if (axes.size() == 1 && axes[0] != last && as_const_int(b->shape[last], &extent) && extent == 1)
            axes.push_back(last);
        if (axes.size() > 2) {
            std::string listed;
            for (int d : axes) listed += (listed.empty() ? "" : ", ") + std::to_string(d);
            TT_USER_ERROR(Validation, statement_span())
                << "this T.copy moves a block of " << axes.size() << " dimensions (" << listed << ") of " << b->name
                << ", which is not supported on Tenstorrent yet: tile operations move 2-D blocks (or vectors); "
                << "instead index every other dimension with a single value (a block index or a loop variable)";
        }
        if (axes.size() == 2) note_row_block(region, axes[0]);
        if (axes.empty() || (axes.size() == 2 && b->shape.size() == 2)) return;
        auto [it, first] = tile_axes_spans_.emplace(b.get(), std::make_pair(axes, statement_span()));
        if (!first && it->second.first != axes) {
            TT_USER_ERROR(Validation, statement_span())
                << "this T.copy moves a block of " << axes_text(axes) << " of " << b->name << ", and the copy at line "
                << it->second.second.line << " one of " << axes_text(it->second.first) << "; a tensor's tiles span "
                << "the same dimensions everywhere, so instead copy blocks of the same dimensions of " << b->name
                << " (or copy into a second tensor)";
        }
        if (first && axes != default_tile_axes(b->shape.size())) flow_.global_tile_axes[b.get()] = axes;
    }

    // Copies of blocks of r < 32 rows (decode's r query heads of one K/V head) make each r rows of
    // the tensor a tile of their own; every copy must then move r rows.
    void note_row_block(const RegionNode *region, int row_axis) {
        int64_t rows = 0;
        if (!as_const_int(fold_constants(region->ranges[row_axis].extent), &rows)) return;
        const int64_t block = rows < kTileRows ? rows : 0;
        const BufferNode *b = region->buffer.get();
        auto [it, first] = row_block_spans_.emplace(b, std::make_pair(block, statement_span()));
        if (!first && it->second.first != block) {
            TT_USER_ERROR(Validation, statement_span())
                << "this T.copy moves " << rows << " rows of " << b->name << ", and the copy at line "
                << it->second.second.line << " blocks of " << (it->second.first ? it->second.first : kTileRows)
                << " or more; a tensor copied in blocks of fewer than 32 rows is stored one block per tile, so "
                << "instead copy blocks of the same number of rows everywhere";
        }
        if (first && block) flow_.global_row_blocks[b] = block;
    }

    static std::string axes_text(const std::vector<int> &axes) {
        if (axes.size() == 1) return "dimension " + std::to_string(axes[0]) + " (a vector)";
        return "dimensions " + std::to_string(axes[0]) + " and " + std::to_string(axes[1]);
    }

    void note_copy(const Buffer &src, const Buffer &dst) {
        const int order = copies_++;
        if (src->scope != MemoryScope::Global) {  // compute copies between on-chip buffers
            if (OnChipFlow *target = on_chip(dst)) target->computed = true;
        }
        OnChipFlow *filled = src->scope == MemoryScope::Global ? on_chip(dst) : nullptr;
        if (filled && !filled->filled_from) {
            filled->filled_from = src;
            filled->fill_order = order;
            filled->fill_stages = stages_.empty() ? 0 : stages_.back();
        }
        OnChipFlow *drained = dst->scope == MemoryScope::Global ? on_chip(src) : nullptr;
        if (drained && !drained->drained_to) {
            drained->drained_to = dst;
            drained->drain_order = order;
        }
    }

    OnChipFlow *on_chip(const Buffer &b) {
        auto it = index_.find(b.get());
        return it == index_.end() ? nullptr : &flow_.on_chip[it->second];
    }

    DataFlow &flow_;
    std::map<const BufferNode *, std::pair<std::vector<int>, Span>> tile_axes_spans_;
    std::map<const BufferNode *, std::pair<int64_t, Span>> row_block_spans_;
    std::map<const BufferNode *, size_t> index_;
    std::vector<int> stages_;  ///< num_stages of the enclosing Pipelined loops, innermost last
    int copies_ = 0;
};

}  // namespace

bool is_on_chip(const Buffer &buffer) {
    return buffer->scope == MemoryScope::Shared || buffer->scope == MemoryScope::Fragment;
}

bool covers_whole(const RegionNode *region) {
    for (size_t d = 0; d < region->ranges.size(); ++d) {
        if (folded_int(region->ranges[d].min) != 0 ||
            folded_int(region->ranges[d].extent) != folded_int(region->buffer->shape[d]))
            return false;
    }
    return true;
}

std::map<const BufferNode *, int> buffer_uses(const Stmt &s) {
    std::map<const BufferNode *, int> uses;
    post_order_visit(s, [&](const Node *n) {
        if (n->kind == NodeKind::Region) ++uses[static_cast<const RegionNode *>(n)->buffer.get()];
        if (n->kind == NodeKind::BufferLoad) ++uses[static_cast<const BufferLoadNode *>(n)->buffer.get()];
        if (n->kind == NodeKind::BufferStore) ++uses[static_cast<const BufferStoreNode *>(n)->buffer.get()];
    });
    return uses;
}

std::map<const BufferNode *, int> buffer_reads(const Stmt &s) {
    std::map<const BufferNode *, int> reads;
    post_order_visit(s, [&](const Node *n) {
        if (n->kind == NodeKind::BufferLoad) ++reads[static_cast<const BufferLoadNode *>(n)->buffer.get()];
        if (n->kind != NodeKind::Call) return;
        const auto *call = static_cast<const CallNode *>(n);
        for (const RegionEffect &e : region_effects(call))
            if (e.reads) ++reads[region_buffer(call->args[e.arg]).get()];
    });
    return reads;
}

std::vector<int> spanned_axes(const RegionNode *region) {
    std::vector<int> axes;
    for (size_t d = 0; d < region->ranges.size(); ++d) {
        int64_t extent;
        if (!as_const_int(fold_constants(region->ranges[d].extent), &extent) || extent != 1) {
            axes.push_back(static_cast<int>(d));
        }
    }
    return axes;
}

const KernelLaunchNode *find_kernel_launch(const PrimFunc &func) {
    std::vector<const KernelLaunchNode *> launches;
    const AllocateNode *global = nullptr;
    post_order_visit(func->body, [&](const Node *n) {
        if (n->kind == NodeKind::KernelLaunch) launches.push_back(static_cast<const KernelLaunchNode *>(n));
        const auto *alloc = n->kind == NodeKind::Allocate ? static_cast<const AllocateNode *>(n) : nullptr;
        if (alloc && alloc->buffer->scope == MemoryScope::Global) global = alloc;
    });
    if (launches.size() != 1 || global) {
        TT_USER_ERROR(Validation, global ? global->span : func->span)
            << "function " << func->name << " has " << launches.size() << " T.Kernel launches"
            << (global ? " and allocates the global buffer " + global->buffer->name : std::string())
            << "; a Tenstorrent program runs one launch on buffers the host allocates, so the pipeline lowers "
            << "one launch at a time: compile it with tilelang_tt.compile (or codegen.generate, or the "
            << "command line), which makes one program per launch, or run the pipeline on each function "
            << "SplitTTLaunches makes";
    }
    return launches.front();
}

std::vector<int64_t> launch_grid(const PrimFunc &func) {
    const KernelLaunchNode *launch = find_kernel_launch(func);
    std::vector<int64_t> grid;
    for (size_t d = 0; d < launch->extents.size(); ++d) {
        int64_t extent = 0;
        if (!as_const_int(launch->extents[d], &extent) || extent < 1) {
            TT_USER_ERROR(Validation, launch->span)
                << "T.Kernel grid extent " << d << " of " << func->name
                << " must be a positive compile-time constant to be partitioned over cores";
        }
        grid.push_back(extent);
    }
    return grid;
}

std::vector<int64_t> constant_shape(const Buffer &buffer, const char *what) {
    std::vector<int64_t> shape;
    for (size_t d = 0; d < buffer->shape.size(); ++d) {
        int64_t extent = 0;
        if (!as_const_int(buffer->shape[d], &extent)) {
            TT_USER_ERROR(Validation, buffer->span)
                << what << " " << buffer->name << ": dimension " << d
                << " is not a compile-time constant; Tenstorrent layouts need static shapes";
        }
        shape.push_back(extent);
    }
    return shape;
}

void check_tile_aligned(const Buffer &buffer, const std::vector<int64_t> &shape, const char *what,
                        const std::vector<int> &tile_axes, TilePadding padding) {
    // A 1-D buffer is a vector: 32 values per tile (the row or column of a tile block it belongs to).
    const std::vector<int> axes = tile_axes.empty() ? default_tile_axes(shape.size()) : tile_axes;
    for (int d : axes) {
        // The columns of a block, or a vector's length: padded to whole tiles.
        if (padding != TilePadding::None && d == axes.back()) continue;
        const bool small = shape[d] < kTileRows && kTileRows % shape[d] == 0;
        if (padding == TilePadding::ColumnsAndSmallRows && small) continue;
        if (shape[d] % 32 != 0) {
            const int64_t padded = (shape[d] + 31) / 32 * 32;
            TT_USER_ERROR(Validation, buffer->span)
                << what << " " << buffer->name << ": dimension " << d << " has extent " << shape[d]
                << ", which is not a multiple of the 32x32 tile; use " << padded
                << " (pad the tensor) or a size that is "
                << "a multiple of 32";
        }
    }
}

DataFlow analyze_data_flow(const PrimFunc &func) {
    DataFlow flow;
    DataFlowCollector collector(flow);
    collector(func->body);
    return flow;
}

}  // namespace tt::transform
