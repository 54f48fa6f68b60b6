// JoinTTBlocks: the blocks of a core's patch run as one block (contract in join_tt_blocks.h).
#include "transform/join_tt_blocks.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "ir/arith.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "transform/analysis.h"
#include "transform/infer_tt_layout.h"
#include "transform/join_tt_blocks_form.h"
#include "transform/tt_attrs.h"
#include "transform/tt_multicast.h"
#include "transform/widen_tt_k_steps.h"

namespace tt::transform {

namespace {

using namespace ir;
using namespace join;

constexpr int64_t kShallowestKStep = 64;  ///< elements of K per step that L1 accumulation needs

/*! A joining's on-chip bytes, and the K steps WidenTTKSteps will take with them. */
struct Footprint {
    int64_t accumulators = 0;  ///< the float32 gemm accumulators
    int64_t operands = 0;      ///< the operand CBs' pages of one K block, in their CBs' formats
    int64_t others = 0;
    KStepWidening widening;
};

Footprint footprint(const BlockForm &form, const Joining &j, const PassContext &ctx) {
    Footprint f;
    for (const Buffer &b : form.buffers) {
        const int64_t bytes = bytes_of(b.get(), j.scale.at(b.get()));
        if (form.accumulators.count(b.get())) {
            f.accumulators += bytes;
        } else if (form.operands.count(b.get())) {
            auto page = form.element_bytes.find(b.get());
            f.operands += page == form.element_bytes.end() ? bytes : bytes / b->dtype.bytes() * page->second;
        } else {
            f.others += bytes;
        }
    }
    f.widening = k_step_widening(ctx.device(), *folded_int(form.k_loop->extent), form.block_k, f.operands,
                                 std::max(2, form.k_loop->num_stages), f.accumulators, f.others);
    return f;
}

/*! Whether the joined buffers fit L1 with K steps of at least kShallowestKStep elements. */
bool fits_l1(const BlockForm &form, const Footprint &f, const PassContext &ctx) {
    // Widened, within L1 by WidenTTKSteps' own rules; else the user's steps must fit as they are.
    if (f.widening.factor >= 2 && f.widening.factor * form.block_k >= kShallowestKStep) return true;
    const int64_t depth = std::max(2, form.k_loop->num_stages);
    return form.block_k >= kShallowestKStep &&
           f.operands * depth <= operand_l1_room(ctx.device(), f.accumulators, f.others);
}

/*! What the device's cost numbers say a candidate's launch takes, in cycles (the busiest of the
 *  compute kernels' matrix engine or packer, DRAM and one core's NoC reads), and the operand bytes
 *  it reads from DRAM. */
struct Estimate {
    double cycles = 0;
    double dram_bytes = 0;
};

/*! The joined launch as TTTilesToCoreMap will place it: its blocks dealt to the cores, in the
 *  multicast scheme's patches when they fill them (multicast_patches); the rest of the scheme's
 *  conditions do not depend on the joining. Operand bytes (a K step's block, `trips` steps) that
 *  follow `by` alone are read once per core row with multicast, those that follow `bx` alone
 *  once per core column. Each K step packs the accumulators' float32 partial sums once, by L1
 *  accumulation (half the packer's rate) from two K tiles per step, as LowerTTTileIntrinsics
 *  chooses for the reference body; at LoFi that, not the matrix engine, is the compute kernel's
 *  limit unless the steps are deep. Writing C costs every candidate the same and is left out. */
Estimate estimate(const BlockForm &form, const Joining &j, const Footprint &f, int64_t gx, int64_t gy,
                  const PassContext &ctx) {
    const target::DeviceSpec &device = ctx.device();
    const int64_t trips = *folded_int(form.k_loop->extent);
    const int64_t grid_x = gx / j.factor[0], grid_y = gy / j.factor[1], blocks = grid_x * grid_y;
    const int64_t cores = std::min<int64_t>(blocks, device.num_cores());
    const int64_t per_core = (blocks + cores - 1) / cores;
    const std::optional<MulticastPlan> patches =
        multicast_patches(grid_x, grid_y, cores, choose_core_grid({grid_x, grid_y}, device, {}), false);
    const target::CostNumbers &cost = device.cost;
    const int64_t step_tiles = f.widening.factor * form.block_k / 32;
    const double pack_rate = step_tiles >= 2 ? cost.pack_accumulate_bytes_per_cycle : cost.pack_bytes_per_cycle;
    double products = 0, packs = 0;  // tile products of one joined block, and its packer's cycles
    for (const auto &[c, k] : form.gemms) {
        const double tiles = double(bytes_of(c, j.scale.at(c)) / c->dtype.bytes()) / 1024.0;
        products += tiles * double(k) / 32.0 * double(trips);
        packs += tiles * double(trips / f.widening.factor) * double(c->dtype.bytes() * 1024) / pack_rate;
    }
    const double math = double(per_core) *
                        std::max(products * device.matmul_cycles_per_tile(ctx.options().math_fidelity), packs);
    double total = 0, core_reads = 0, widest = 0;
    for (const Buffer &b : form.buffers) {
        if (!form.operands.count(b.get())) continue;
        auto page = form.element_bytes.find(b.get());
        const int64_t element = page == form.element_bytes.end() ? b->dtype.bytes() : page->second;
        const double bytes = double(bytes_of(b.get(), j.scale.at(b.get())) / b->dtype.bytes() * element * trips);
        std::set<int> vars(form.follows.at(b.get()).begin(), form.follows.at(b.get()).end());
        vars.erase(-1);
        const int64_t share = !patches || vars.size() != 1 ? 1 : *vars.begin() == 1 ? patches->cols : patches->rows;
        total += double(blocks) * bytes / double(share);
        core_reads += bytes;
        widest = std::max(widest, bytes);
    }
    // With multicast a core reads (and sends) one operand's blocks: each line's sender is another core.
    const double noc = patches ? double(per_core) * widest * (1 / cost.noc.dram_read + 1 / cost.noc.multicast)
                               : double(per_core) * core_reads / cost.noc.dram_read;
    const double dram = total / (device.dram_bytes_per_cycle() * cost.dram_efficiency);
    return {std::max({math, noc, dram}), total};
}

class Joiner : public IRMutator {
public:
    Joiner(const KernelLaunchNode *launch, Joining j) : launch_(launch), j_(std::move(j)) {}

protected:
    using IRMutator::visit;

    Buffer mutate_buffer(const Buffer &b) override {
        auto it = j_.scale.find(b.get());
        if (it == j_.scale.end()) return b;
        auto done = joined_.find(b.get());
        if (done != joined_.end()) return done->second;
        std::vector<Expr> shape;
        for (size_t d = 0; d < b->shape.size(); ++d) shape.push_back(make_int(*folded_int(b->shape[d]) * it->second[d]));
        return joined_[b.get()] = make_buffer(b->name, shape, b->dtype, b->scope, b->span);
    }

    Expr visit(const RegionNode *op) override {
        if (is_on_chip(op->buffer)) {
            const Buffer b = mutate_buffer(op->buffer);
            std::vector<Range> ranges;
            for (const Expr &e : b->shape) ranges.push_back({make_int(0), e});
            return RegionNode::make(b, ranges, op->span);
        }
        return IRMutator::visit(op);  // a global region: copy() scales it against its buffer
    }

    Expr visit(const CallNode *op) override {
        if (op->op->name != "tl.copy") return IRMutator::visit(op);
        const RegionNode *src = op->args[0].as<RegionNode>(), *dst = op->args[1].as<RegionNode>();
        if (is_on_chip(src->buffer) == is_on_chip(dst->buffer)) return IRMutator::visit(op);
        const RegionNode *local = is_on_chip(src->buffer) ? src : dst, *global = is_on_chip(src->buffer) ? dst : src;
        const std::vector<int64_t> &scale = j_.scale.at(local->buffer.get());
        const std::vector<int> spanned = spanned_axes(global);
        std::vector<Range> ranges;
        for (size_t d = 0; d < global->ranges.size(); ++d) {
            const auto at = std::find(spanned.begin(), spanned.end(), static_cast<int>(d));
            const int64_t s = at == spanned.end() ? 1 : scale[at - spanned.begin()];
            Expr extent = s == 1 ? global->ranges[d].extent : make_int(*folded_int(global->ranges[d].extent) * s);
            ranges.push_back({block_start(global->ranges[d].min), extent});
        }
        Expr joined = RegionNode::make(global->buffer, ranges, global->span);
        std::vector<Expr> args = op->args;
        args[0] = local == src ? mutate(op->args[0]) : joined;
        args[1] = local == dst ? mutate(op->args[1]) : joined;
        return CallNode::make(op->op->name, args, op->span);
    }

    Stmt visit(const ForNode *op) override {
        auto it = j_.scale.find(op);
        if (it == j_.scale.end() || it->second[0] == 1) return IRMutator::visit(op);
        return ForNode::make(op->loop_var, op->min, make_int(*folded_int(op->extent) * it->second[0]), op->for_kind,
                             mutate(op->body), op->num_stages, op->annotations, op->span);
    }

    Stmt visit(const KernelLaunchNode *op) override {
        std::vector<Expr> extents;
        for (size_t d = 0; d < op->extents.size(); ++d) {
            extents.push_back(make_int(*folded_int(op->extents[d]) / j_.factor[d]));
            vars_.push_back(make_var(op->block_vars[d]->name, op->block_vars[d]->dtype, op->block_vars[d]->span));
        }
        return KernelLaunchNode::make(extents, vars_, op->threads, mutate(op->body), op->span);
    }

private:
    // bx * c + rest becomes bx * (fx * c) + rest: the joined block's start.
    Expr block_start(const Expr &start) {
        return substitute(start, [&](const Var &v) -> Expr {
            for (size_t d = 0; d < vars_.size(); ++d)
                if (v.get() == launch_->block_vars[d].get()) return MulNode::make(vars_[d], make_int(j_.factor[d]));
            return v;
        });
    }

    const KernelLaunchNode *launch_;
    Joining j_;
    std::vector<Var> vars_;
    std::map<const BufferNode *, Buffer> joined_;
};

bool skips(const PrimFunc &func, const PassContext &ctx) {
    return places_tensors(func, ctx) || func->attrs.count(attr::TT_DYNAMIC_SHAPE) ||
           func->attrs.count(attr::TL_SWIZZLE) || ctx.options().partition_strategy.has_value();
}

}  // namespace

PrimFunc join_tt_blocks(const PrimFunc &func, const PassContext &ctx) {
    if (skips(func, ctx)) return func;
    const KernelLaunchNode *launch = func->body.as<KernelLaunchNode>();
    if (!launch || launch->extents.size() != 2) return func;
    const std::optional<int64_t> gx = folded_int(launch->extents[0]), gy = folded_int(launch->extents[1]);
    const int64_t cores = ctx.device().num_cores();
    if (!gx || !gy || *gx * *gy <= cores) return func;
    const std::optional<BlockForm> form = read_block_form(launch);
    if (!form) return func;
    const std::map<int, int64_t> &block = form->block;
    // The fastest candidate by the device's cost numbers, then the one reading the fewest bytes,
    // then the most blocks per joined block, then the squarest joined block, among those that fit L1.
    const auto skew = [&](int64_t fx, int64_t fy) {
        return std::abs(fx * block.at(0) - fy * block.at(1));
    };
    if (!block.count(0) || !block.count(1) || !folded_int(form->k_loop->extent)) return func;
    auto rank = [&](const Joining &j, const Footprint &f) {
        const Estimate e = estimate(*form, j, f, *gx, *gy, ctx);
        const int64_t fx = j.factor[0], fy = j.factor[1];
        return std::make_tuple(e.cycles, e.dram_bytes, -fx * fy, skew(fx, fy));
    };
    Joining best = joining(*form, {1, 1});
    auto best_rank = rank(best, footprint(*form, best, ctx));
    for (int64_t fx = 1; fx <= *gx; ++fx) {
        for (int64_t fy = 1; fy <= *gy; ++fy) {
            if (*gx % fx || *gy % fy || fx * fy == 1) continue;
            Joining candidate = joining(*form, {fx, fy});
            const Footprint f = footprint(*form, candidate, ctx);
            if (!fits_l1(*form, f, ctx)) continue;
            auto candidate_rank = rank(candidate, f);
            if (candidate_rank < best_rank) best = std::move(candidate), best_rank = candidate_rank;
        }
    }
    if (best.factor[0] * best.factor[1] == 1) return func;
    Stmt body = Joiner(launch, best)(func->body);
    // A block variable left anywhere else (an if, a let, an index) means blocks differ: keep them.
    bool leftover = false;
    post_order_visit(body, [&](const Node *n) {
        leftover |= n == launch->block_vars[0].get() || n == launch->block_vars[1].get();
    });
    return leftover ? func : with_body(func, body);
}

Pass join_tt_blocks_pass() {
    return Pass{"JoinTTBlocks", [](const IRModule &mod, const PassContext &ctx) {
                    return map_functions(mod, [&](const PrimFunc &f) { return join_tt_blocks(f, ctx); });
                }};
}

}  // namespace tt::transform
