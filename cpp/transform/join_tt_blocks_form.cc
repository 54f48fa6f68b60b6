// The form JoinTTBlocks reads a GEMM launch into (join_tt_blocks_form.h).
#include "transform/join_tt_blocks_form.h"

#include <algorithm>

#include "ir/arith.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "transform/analysis.h"
#include "transform/padding_value.h"

namespace tt::transform::join {

using namespace ir;

namespace {

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

/*! Reads a launch body into a BlockForm; `fits_` turns false at anything outside the form. */
class Reader {
public:
    explicit Reader(const KernelLaunchNode *launch) : vars_(launch->block_vars) {}

    BlockForm form;
    Axes axes;

    bool read(const Stmt &body) {
        post_order_visit(body, [&](const Node *n) { visit(n); });
        return fits_ && !form.gemms.empty();
    }

private:
    int block_var(const VarNode *v) const {
        for (size_t d = 0; d < vars_.size(); ++d)
            if (vars_[d].get() == v) return static_cast<int>(d);
        return -1;
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
            const bool src_on_chip = is_on_chip(src->buffer), dst_on_chip = is_on_chip(dst->buffer);
            if (src_on_chip == dst_on_chip) {
                if (!src_on_chip || !covers_whole(src) || !covers_whole(dst) || src->ranges.size() != dst->ranges.size())
                    return void(fits_ = false);
                for (size_t d = 0; d < src->ranges.size(); ++d)
                    axes.unite({src->buffer.get(), int(d)}, {dst->buffer.get(), int(d)});
                return;
            }
            const RegionNode *local = src_on_chip ? src : dst, *global = src_on_chip ? dst : src;
            if (!covers_whole(local)) return void(fits_ = false);
            global_region(global, local);
            // A CB holds the NoC's pages in the wider of the tensor's and the buffer's formats.
            if (!src_on_chip) {
                int &element = form.element_bytes[dst->buffer.get()];
                element = std::max({element, src->buffer->dtype.bytes(), dst->buffer->dtype.bytes()});
            }
        } else if (op == "tl.gemm") {
            const RegionNode *a = region(0), *b = region(1), *cc = region(2);
            if (!covers_whole(a) || !covers_whole(b) || !covers_whole(cc)) return void(fits_ = false);
            for (const RegionNode *r : {a, b, cc})
                if (!is_on_chip(r->buffer)) return void(fits_ = false);  // LowerTTTileIntrinsics says why
            const int a_k = flag_arg(c, 3) ? 0 : 1, b_k = flag_arg(c, 4) ? 1 : 0;
            axes.unite({a->buffer.get(), 1 - a_k}, {cc->buffer.get(), 0});
            axes.unite({b->buffer.get(), 1 - b_k}, {cc->buffer.get(), 1});
            axes.unite({a->buffer.get(), a_k}, {b->buffer.get(), b_k});
            axes.fix({a->buffer.get(), a_k});
            if (cc->buffer->dtype == DataType::float32()) form.accumulators.insert(cc->buffer.get());
            form.operands.insert(a->buffer.get());
            form.operands.insert(b->buffer.get());
            const int64_t k = *folded_int(a->buffer->shape[a_k]);
            form.block_k = form.block_k ? std::min(form.block_k, k) : k;
            form.gemms.push_back({cc->buffer.get(), k});
        } else if (op == "tl.fill") {
            if (!covers_whole(region(0))) fits_ = false;
        } else if (op == "tl.reduce") {
            const RegionNode *src = region(0), *dst = region(1);
            const std::optional<int64_t> dim = folded_int(c->args[3]);
            if (!covers_whole(src) || !covers_whole(dst) || !dim || dst->ranges.size() + 1 != src->ranges.size())
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
        if (!is_on_chip(buffer)) return void(fits_ = false);
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
            if (!is_on_chip(b)) return void(fits_ = false);
            for (size_t d = 0; d < b->shape.size(); ++d) {
                const std::optional<int64_t> extent = folded_int(b->shape[d]);
                if (!extent) return void(fits_ = false);
                axes.extent({b.get(), int(d)}, *extent);
            }
            form.buffers.push_back(b);
            return;
        }
        case NodeKind::For: {
            const auto *loop = static_cast<const ForNode *>(n);
            if (loop->for_kind == ForKind::Parallel) {
                const std::optional<int64_t> extent = folded_int(loop->extent);
                if (folded_int(loop->min) != 0 || !extent) return void(fits_ = false);
                axes.extent({loop->loop_var.get(), 0}, *extent);
            } else {
                if (block_var(loop->loop_var.get()) >= 0) return void(fits_ = false);
                bool holds_gemm = false;
                post_order_visit(loop->body, [&](const Node *m) {
                    holds_gemm |= m->kind == NodeKind::Call && static_cast<const CallNode *>(m)->op->name == "tl.gemm";
                });
                if (holds_gemm) form.k_loop = form.k_loop ? (fits_ = false, form.k_loop) : loop;
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
            if (loop->for_kind != ForKind::Parallel) return;
            parallel_vars_.insert(loop->loop_var.get());
            form.parallel_loops.push_back(loop);
        });
    }

private:
    std::vector<Var> vars_;
    std::set<const VarNode *> parallel_vars_;
    bool fits_ = true;
};

}  // namespace

std::optional<BlockForm> read_block_form(const KernelLaunchNode *launch) {
    Reader reader(launch);
    reader.note_loops(launch->body);
    if (!reader.read(launch->body) || !reader.form.k_loop) return std::nullopt;
    BlockForm &form = reader.form;
    const std::optional<std::map<Axis, int>> groups = reader.axes.resolve(&form.block);
    if (!groups) return std::nullopt;
    auto follower = [&](Axis a) {
        auto it = groups->find(reader.axes.find(a));
        return it == groups->end() ? -1 : it->second;
    };
    for (const Buffer &b : form.buffers) {
        std::vector<int> &dims = form.follows[b.get()];
        for (size_t d = 0; d < b->shape.size(); ++d) dims.push_back(follower({b.get(), int(d)}));
    }
    for (const ForNode *loop : form.parallel_loops) form.follows[loop] = {follower({loop->loop_var.get(), 0})};
    return std::move(reader.form);
}

int64_t bytes_of(const BufferNode *b, const std::vector<int64_t> &scale) {
    int64_t bytes = b->dtype.bytes();
    for (size_t d = 0; d < b->shape.size(); ++d) bytes *= *folded_int(b->shape[d]) * scale[d];
    return bytes;
}

Joining joining(const BlockForm &form, const std::vector<int64_t> &factor) {
    Joining j{factor, {}};
    for (const auto &[key, dims] : form.follows) {
        std::vector<int64_t> &s = j.scale[key];
        for (int var : dims) s.push_back(var < 0 ? 1 : factor[var]);
    }
    return j;
}

}  // namespace tt::transform::join
