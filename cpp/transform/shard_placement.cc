// Placement of sharded tensors' tiles and the cores blocks would like to run on
// (contract in shard_placement.h).
#include "transform/shard_placement.h"

#include <map>

#include "ir/arith.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "transform/analysis.h"

namespace tt::transform {

namespace {

using namespace ir;

int64_t ceil_div(int64_t a, int64_t b) {
    return (a + b - 1) / b;
}

/*! The first T.copy to or from `target`, its region's first element as expressions of the block
 *  variables only: enclosing loops are taken at their first iteration and lets by their value. */
class FirstCopyOrigin : public IRVisitor {
public:
    explicit FirstCopyOrigin(const BufferNode *target) : target_(target) {}
    using IRVisitor::visit;

    std::optional<std::vector<Expr>> origin;

protected:
    void visit(const ForNode *op) override {
        bindings_[op->loop_var.get()] = op->min;
        IRVisitor::visit(op);
    }
    void visit(const LetStmtNode *op) override {
        bindings_[op->var.get()] = op->value;
        IRVisitor::visit(op);
    }
    void visit(const CallNode *op) override {
        if (!origin && op->op->name == "tl.copy") {
            for (const Expr &arg : op->args) {
                const RegionNode *region = arg.as<RegionNode>();
                if (origin || !region || region->buffer.get() != target_) continue;
                std::vector<Expr> mins;
                for (const Range &r : region->ranges) mins.push_back(bound(r.min));
                origin = mins;
            }
        }
        IRVisitor::visit(op);
    }

private:
    /*! e with every loop and let variable replaced by what it is bound to, transitively. */
    Expr bound(const Expr &e) const {
        return substitute(e, [&](const Var &v) -> Expr {
            auto it = bindings_.find(v.get());
            return it == bindings_.end() ? Expr() : bound(it->second);
        });
    }

    const BufferNode *target_;
    std::map<const VarNode *, Expr> bindings_;
};

/*! The sharded parameter whose tiles decide where blocks run: the first written, else the first read. */
const BufferNode *placing_tensor(const PrimFunc &func, const LayoutDesc &layouts) {
    const BufferNode *read = nullptr;
    for (const Buffer &param : func->params) {
        const BufferLayout &layout = layouts.at(param->name);
        if (!layout.shard) continue;
        const size_t rank = layout.shape.size();
        const bool own_order =
            layout.row_block == 0 &&
            (layout.tile_axes.empty() || layout.tile_axes == std::vector<int>{int(rank) - 2, int(rank) - 1});
        if (!own_order || rank < 2) continue;
        if (layout.written) return param.get();
        if (layout.read && !read) read = param.get();
    }
    return read;
}

}  // namespace

int64_t num_shards(const ShardSpec &shard, const std::vector<int64_t> &shape_tiles) {
    int64_t shards = 1;
    for (size_t d = 0; d < shape_tiles.size(); ++d) shards *= ceil_div(shape_tiles[d], shard.shard_shape_tiles[d]);
    return shards;
}

int64_t shard_tiles_per_core(const ShardSpec &shard, const std::vector<int64_t> &shape_tiles) {
    int64_t volume = 1;
    for (int64_t s : shard.shard_shape_tiles) volume *= s;
    const int64_t cores = int64_t{shard.grid[0]} * shard.grid[1];
    return ceil_div(num_shards(shard, shape_tiles), cores) * volume;
}

int shard_core_of_tile(const ShardSpec &shard, const std::vector<int64_t> &shape_tiles,
                       const std::vector<int64_t> &tile) {
    int64_t shard_id = 0;
    for (size_t d = 0; d < shape_tiles.size(); ++d) {
        shard_id =
            shard_id * ceil_div(shape_tiles[d], shard.shard_shape_tiles[d]) + tile[d] / shard.shard_shape_tiles[d];
    }
    return static_cast<int>(shard_id % (int64_t{shard.grid[0]} * shard.grid[1]));
}

std::vector<int> block_home_cores(const PrimFunc &func, const LayoutDesc &layouts,
                                  const std::vector<int64_t> &launch_grid) {
    int64_t blocks = 1;
    for (int64_t g : launch_grid) blocks *= g;
    std::vector<int> homes(blocks, -1);
    const BufferNode *tensor = placing_tensor(func, layouts);
    if (!tensor) return homes;
    FirstCopyOrigin finder(tensor);
    finder(func->body);
    if (!finder.origin) return homes;

    const BufferLayout &layout = layouts.at(tensor->name);
    const std::vector<Var> &block_vars = find_kernel_launch(func)->block_vars;
    const size_t rank = layout.shape_tiles.size();
    for (int64_t id = 0; id < blocks; ++id) {
        std::map<const VarNode *, int64_t> coords;  // block var 0 fastest, as the launch grid numbers blocks
        int64_t rest = id;
        for (size_t d = 0; d < launch_grid.size(); ++d) {
            coords[block_vars[d].get()] = rest % launch_grid[d];
            rest /= launch_grid[d];
        }
        std::vector<int64_t> tile(rank);
        for (size_t d = 0; d < rank; ++d) {
            const Expr at = fold_constants(substitute((*finder.origin)[d], [&](const Var &v) -> Expr {
                auto it = coords.find(v.get());
                return it == coords.end() ? Expr() : make_int(it->second);
            }));
            int64_t element = 0;
            if (!as_const_int(at, &element)) return std::vector<int>(blocks, -1);  // not from the block alone
            tile[d] = d + 2 >= rank ? element / kTileRows : element;
            if (element < 0 || tile[d] >= layout.shape_tiles[d]) tile.clear();
            if (tile.empty()) break;
        }
        if (!tile.empty()) homes[id] = shard_core_of_tile(*layout.shard, layout.shape_tiles, tile);
    }
    return homes;
}

}  // namespace tt::transform
