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
#include "transform/padding_value.h"
#include "transform/tt_attrs.h"
#include "transform/widen_tt_k_steps.h"

namespace tt::transform {

namespace {

using namespace ir;

constexpr int64_t kShallowestKStep = 64;  ///< elements of K per step that L1 accumulation needs

std::optional<int64_t> constant(const Expr &e) {
    int64_t v;
    if (!e.defined() || !as_const_int(fold_constants(e), &v)) return std::nullopt;
    return v;
}

bool on_chip(const Buffer &b) {
    return b->scope == MemoryScope::Shared || b->scope == MemoryScope::Fragment;
}

/*! A dimension of an on-chip buffer, or a T.Parallel loop variable (dimension 0). */
using Axis = std::pair<const void *, int>;

/*! The dimensions of a launch body, grouped by what ties them together, and what each group
 *  follows: a block variable with a stride, or nothing it may be joined along. */
class Axes {
public:
    Axis find(Axis a) {
        auto it = parent_.find(a);
        if (it == parent_.end() || it->second == a) return a;
        return it->second = find(it->second);
    }
    void unite(Axis a, Axis b) {
        a = find(a), b = find(b);
        if (a != b) parent_[a] = b;
    }
    void follow(Axis a, int block_var, int64_t stride) { follows_.push_back({a, {block_var, stride}}); }
    void fix(Axis a) { fixed_.push_back(a); }
    void extent(Axis a, int64_t value) { extents_.push_back({a, value}); }

    /*! Per group that follows a block variable, that variable; nullopt when the ties disagree.
     *  `strides` receives each followed variable's stride (its block's extent). */
    std::optional<std::map<Axis, int>> resolve(std::map<int, int64_t> *strides) {
        std::map<Axis, std::pair<int, int64_t>> tie;
        for (const auto &[axis, follow] : follows_) {
            auto [it, fresh] = tie.emplace(find(axis), follow);
            if (!fresh && it->second != follow) return std::nullopt;
        }
        for (const Axis &axis : fixed_)
            if (tie.count(find(axis))) return std::nullopt;
        for (const auto &[axis, value] : extents_) {
            auto it = tie.find(find(axis));
            if (it != tie.end() && it->second.second != value) return std::nullopt;
        }
        std::map<Axis, int> out;
        for (const auto &[group, follow] : tie) {
            out[group] = follow.first;
            (*strides)[follow.first] = follow.second;
        }
        return out;
    }

private:
    std::map<Axis, Axis> parent_;
    std::vector<std::pair<Axis, std::pair<int, int64_t>>> follows_;
    std::vector<Axis> fixed_;
    std::vector<std::pair<Axis, int64_t>> extents_;
};

/*! Reads a launch body into Axes; `fits` turns false at anything outside the form. */
class Reader {
public:
    explicit Reader(const KernelLaunchNode *launch) : vars_(launch->block_vars) {}

    bool read(const Stmt &body) {
        post_order_visit(body, [&](const Node *n) { visit(n); });
        return fits_ && gemms_ > 0;
    }

    Axes axes;
    std::vector<Buffer> buffers;                  ///< on-chip buffers, in allocation order
    std::set<const BufferNode *> accumulators;    ///< float32 gemm C operands
    std::set<const BufferNode *> operands;        ///< gemm A and B operands (the K loop's copies fill them)
    int64_t block_k = 0;                          ///< the gemms' K extent (the smallest)
    std::map<const BufferNode *, int> element_bytes;  ///< per buffer filled from a global tensor: its CB's element size
    const ForNode *k_loop = nullptr;              ///< the loop around the gemms

private:
    int block_var(const VarNode *v) const {
        for (size_t d = 0; d < vars_.size(); ++d)
            if (vars_[d].get() == v) return static_cast<int>(d);
        return -1;
    }

    bool whole(const RegionNode *r) const {
        for (size_t d = 0; d < r->ranges.size(); ++d)
            if (constant(r->ranges[d].min) != 0 || constant(r->ranges[d].extent) != constant(r->buffer->shape[d]))
                return false;
        return true;
    }

    void global_region(const RegionNode *global, const RegionNode *local) {
        const std::vector<int> spanned = spanned_axes(global);
        if (spanned.size() != local->ranges.size()) return void(fits_ = false);
        for (size_t d = 0; d < global->ranges.size(); ++d) {
            const std::optional<AffineForm> start = affine_form(global->ranges[d].min);
            const auto at = std::find(spanned.begin(), spanned.end(), static_cast<int>(d));
            for (size_t v = 0; v < vars_.size(); ++v) {
                if (!uses_var(global->ranges[d].min, vars_[v])) continue;
                if (!start || at == spanned.end()) return void(fits_ = false);
                auto coef = start->coef.find(vars_[v].get());
                if (coef == start->coef.end()) return void(fits_ = false);
                axes.follow({local->buffer.get(), static_cast<int>(at - spanned.begin())}, static_cast<int>(v),
                             coef->second);
            }
        }
    }

    void call(const CallNode *c) {
        const std::string &op = c->op->name;
        auto region = [&](size_t i) { return c->args[i].as<RegionNode>(); };
        if (op == "tl.copy") {
            const RegionNode *src = region(0), *dst = region(1);
            const bool src_on_chip = on_chip(src->buffer), dst_on_chip = on_chip(dst->buffer);
            if (src_on_chip == dst_on_chip) {
                if (!src_on_chip || !whole(src) || !whole(dst) || src->ranges.size() != dst->ranges.size())
                    return void(fits_ = false);
                for (size_t d = 0; d < src->ranges.size(); ++d)
                    axes.unite({src->buffer.get(), int(d)}, {dst->buffer.get(), int(d)});
                return;
            }
            const RegionNode *local = src_on_chip ? src : dst, *global = src_on_chip ? dst : src;
            if (!whole(local)) return void(fits_ = false);
            global_region(global, local);
            // A CB holds the NoC's pages in the wider of the tensor's and the buffer's formats.
            if (!src_on_chip) {
                int &element = element_bytes[dst->buffer.get()];
                element = std::max({element, src->buffer->dtype.bytes(), dst->buffer->dtype.bytes()});
            }
        } else if (op == "tl.gemm") {
            const RegionNode *a = region(0), *b = region(1), *cc = region(2);
            if (!whole(a) || !whole(b) || !whole(cc)) return void(fits_ = false);
            const int a_k = flag_arg(c, 3) ? 0 : 1, b_k = flag_arg(c, 4) ? 1 : 0;
            axes.unite({a->buffer.get(), 1 - a_k}, {cc->buffer.get(), 0});
            axes.unite({b->buffer.get(), 1 - b_k}, {cc->buffer.get(), 1});
            axes.unite({a->buffer.get(), a_k}, {b->buffer.get(), b_k});
            axes.fix({a->buffer.get(), a_k});
            if (cc->buffer->dtype == DataType::float32()) accumulators.insert(cc->buffer.get());
            operands.insert(a->buffer.get());
            operands.insert(b->buffer.get());
            const int64_t k = *constant(a->buffer->shape[a_k]);
            block_k = block_k ? std::min(block_k, k) : k;
            ++gemms_;
        } else if (op == "tl.fill") {
            if (!whole(region(0))) fits_ = false;
        } else if (op == "tl.reduce") {
            const RegionNode *src = region(0), *dst = region(1);
            const std::optional<int64_t> dim = constant(c->args[3]);
            if (!whole(src) || !whole(dst) || !dim || dst->ranges.size() + 1 != src->ranges.size())
                return void(fits_ = false);
            for (int d = 0, out = 0; d < int(src->ranges.size()); ++d) {
                if (d == *dim) axes.fix({src->buffer.get(), d});
                else axes.unite({src->buffer.get(), d}, {dst->buffer.get(), out++});
            }
        } else if (op.rfind("tl.", 0) == 0 && !c->op->pure) {
            fits_ = false;  // atomic adds and other operations a joined block would change
        }
    }

    void element(const Buffer &buffer, const std::vector<Expr> &indices) {
        if (!on_chip(buffer)) return void(fits_ = false);
        for (size_t d = 0; d < indices.size(); ++d) {
            const auto *var = indices[d].as<VarNode>();
            if (var && parallel_vars_.count(var)) axes.unite({buffer.get(), int(d)}, {var, 0});
            else axes.fix({buffer.get(), int(d)});
        }
    }

    void visit(const Node *n) {
        switch (n->kind) {
        case NodeKind::Call: return call(static_cast<const CallNode *>(n));
        case NodeKind::BufferLoad: {
            const auto *load = static_cast<const BufferLoadNode *>(n);
            return element(load->buffer, load->indices);
        }
        case NodeKind::BufferStore: {
            const auto *store = static_cast<const BufferStoreNode *>(n);
            return element(store->buffer, store->indices);
        }
        case NodeKind::Allocate: {
            const Buffer &b = static_cast<const AllocateNode *>(n)->buffer;
            if (!on_chip(b)) return void(fits_ = false);
            for (size_t d = 0; d < b->shape.size(); ++d) {
                const std::optional<int64_t> extent = constant(b->shape[d]);
                if (!extent) return void(fits_ = false);
                axes.extent({b.get(), int(d)}, *extent);
            }
            buffers.push_back(b);
            return;
        }
        case NodeKind::For: {
            const auto *loop = static_cast<const ForNode *>(n);
            if (loop->for_kind == ForKind::Parallel) {
                const std::optional<int64_t> extent = constant(loop->extent);
                if (constant(loop->min) != 0 || !extent) return void(fits_ = false);
                axes.extent({loop->loop_var.get(), 0}, *extent);
            } else {
                if (block_var(loop->loop_var.get()) >= 0) return void(fits_ = false);
                bool holds_gemm = false;
                post_order_visit(loop->body, [&](const Node *m) {
                    holds_gemm |= m->kind == NodeKind::Call && static_cast<const CallNode *>(m)->op->name == "tl.gemm";
                });
                if (holds_gemm) k_loop = k_loop ? (fits_ = false, k_loop) : loop;
            }
            return;
        }
        default: return;
        }
    }

public:
    /*! Called before the body is read: the parallel loop variables (element indices name them). */
    void note_loops(const Stmt &body) {
        post_order_visit(body, [&](const Node *n) {
            if (n->kind != NodeKind::For) return;
            const auto *loop = static_cast<const ForNode *>(n);
            if (loop->for_kind == ForKind::Parallel) parallel_vars_.insert(loop->loop_var.get());
        });
    }

private:
    std::vector<Var> vars_;
    std::set<const VarNode *> parallel_vars_;
    bool fits_ = true;
    int gemms_ = 0;
};

int64_t bytes_of(const BufferNode *b, const std::vector<int64_t> &scale) {
    int64_t bytes = b->dtype.bytes();
    for (size_t d = 0; d < b->shape.size(); ++d) bytes *= *constant(b->shape[d]) * scale[d];
    return bytes;
}

/*! The joined blocks: per block variable its factor, per buffer and loop its dimensions' factors. */
struct Joining {
    std::vector<int64_t> factor;
    std::map<const void *, std::vector<int64_t>> scale;
};

Joining joining(const Reader &reader, Axes &axes, const std::map<Axis, int> &follows, std::vector<int64_t> factor,
                const std::vector<const Node *> &loops) {
    Joining j{factor, {}};
    auto scale_of = [&](Axis a) {
        auto it = follows.find(axes.find(a));
        return it == follows.end() ? int64_t{1} : factor[it->second];
    };
    for (const Buffer &b : reader.buffers) {
        std::vector<int64_t> &s = j.scale[b.get()];
        for (size_t d = 0; d < b->shape.size(); ++d) s.push_back(scale_of({b.get(), int(d)}));
    }
    for (const Node *loop : loops)
        j.scale[loop] = {scale_of({static_cast<const ForNode *>(loop)->loop_var.get(), 0})};
    return j;
}

/*! Whether the joined buffers fit L1 with K steps of at least kShallowestKStep elements. */
bool fits_l1(const Reader &reader, const Joining &j, const PassContext &ctx) {
    const std::optional<int64_t> trips = constant(reader.k_loop->extent);
    if (!trips) return false;
    int64_t accumulators = 0, operands = 0, others = 0;
    for (const Buffer &b : reader.buffers) {
        const int64_t bytes = bytes_of(b.get(), j.scale.at(b.get()));
        if (reader.accumulators.count(b.get())) accumulators += bytes;
        else if (reader.operands.count(b.get())) {
            auto page = reader.element_bytes.find(b.get());
            operands += page == reader.element_bytes.end() ? bytes : bytes / b->dtype.bytes() * page->second;
        }
        else others += bytes;
    }
    const int64_t block_k = reader.block_k;
    const int64_t widen = block_k >= kShallowestKStep ? 1 : (kShallowestKStep + block_k - 1) / std::max<int64_t>(block_k, 1);
    if (widen > 1 && *trips % widen != 0) return false;
    const int64_t depth = widen > 1 ? 2 : std::max(2, reader.k_loop->num_stages);
    return operands * widen * depth <= operand_l1_room(ctx.device(), accumulators, others);
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
        for (size_t d = 0; d < b->shape.size(); ++d) shape.push_back(make_int(*constant(b->shape[d]) * it->second[d]));
        return joined_[b.get()] = make_buffer(b->name, shape, b->dtype, b->scope, b->span);
    }

    Expr visit(const RegionNode *op) override {
        if (on_chip(op->buffer)) {
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
        if (on_chip(src->buffer) == on_chip(dst->buffer)) return IRMutator::visit(op);
        const RegionNode *local = on_chip(src->buffer) ? src : dst, *global = on_chip(src->buffer) ? dst : src;
        const std::vector<int64_t> &scale = j_.scale.at(local->buffer.get());
        const std::vector<int> spanned = spanned_axes(global);
        std::vector<Range> ranges;
        for (size_t d = 0; d < global->ranges.size(); ++d) {
            const auto at = std::find(spanned.begin(), spanned.end(), static_cast<int>(d));
            const int64_t s = at == spanned.end() ? 1 : scale[at - spanned.begin()];
            Expr extent = s == 1 ? global->ranges[d].extent : make_int(*constant(global->ranges[d].extent) * s);
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
        return ForNode::make(op->loop_var, op->min, make_int(*constant(op->extent) * it->second[0]), op->for_kind,
                             mutate(op->body), op->num_stages, op->annotations, op->span);
    }

    Stmt visit(const KernelLaunchNode *op) override {
        std::vector<Expr> extents;
        for (size_t d = 0; d < op->extents.size(); ++d) {
            extents.push_back(make_int(*constant(op->extents[d]) / j_.factor[d]));
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
    const std::optional<int64_t> gx = constant(launch->extents[0]), gy = constant(launch->extents[1]);
    const int64_t cores = ctx.device().num_cores();
    if (!gx || !gy || *gx * *gy <= cores) return func;
    Reader reader(launch);
    reader.note_loops(launch->body);
    if (!reader.read(launch->body) || !reader.k_loop) return func;
    std::map<int, int64_t> block;  // block variable -> its block's extent
    const std::optional<std::map<Axis, int>> follows = reader.axes.resolve(&block);
    if (!follows) return func;
    std::vector<const Node *> loops;
    post_order_visit(launch->body, [&](const Node *n) {
        if (n->kind == NodeKind::For && static_cast<const ForNode *>(n)->for_kind == ForKind::Parallel) loops.push_back(n);
    });
    // The most blocks per joined block, then the squarest joined block, that keep the busiest
    // core's work and fit L1.
    const auto skew = [&](int64_t fx, int64_t fy) {
        return std::abs(fx * block.at(0) - fy * block.at(1));
    };
    const int64_t busiest = (*gx * *gy + cores - 1) / cores;
    std::optional<Joining> best;
    for (int64_t fx = 1; fx <= *gx; ++fx) {
        for (int64_t fy = 1; fy <= *gy; ++fy) {
            if (*gx % fx || *gy % fy || !block.count(0) || !block.count(1)) continue;
            const int64_t joined = (*gx / fx) * (*gy / fy);
            if ((joined + cores - 1) / cores * fx * fy > busiest || fx * fy == 1) continue;
            if (best) {
                const int64_t area = best->factor[0] * best->factor[1];
                if (fx * fy < area || (fx * fy == area && skew(fx, fy) >= skew(best->factor[0], best->factor[1])))
                    continue;
            }
            Joining candidate = joining(reader, reader.axes, *follows, {fx, fy}, loops);
            if (fits_l1(reader, candidate, ctx)) best = std::move(candidate);
        }
    }
    if (!best) return func;
    Stmt body = Joiner(launch, *best)(func->body);
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
