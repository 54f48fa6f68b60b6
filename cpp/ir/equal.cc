// Structural equality and hashing share one walk: Comparer visits two trees in lockstep, and the
// hash is the equality walk of a tree against itself, folding what it compares. So the two can
// never disagree about which fields matter.
#include "ir/equal.h"

#include <cmath>
#include <functional>
#include <map>

#include "ir/intrinsics.h"
#include "ir/printer.h"

namespace tt::ir {

namespace {

class Comparer {
public:
    // When hashing, a and b are the same tree and every comparison folds into hash_.
    explicit Comparer(bool hashing) : hashing_(hashing) {
    }
    size_t hash() const {
        return hash_;
    }
    const std::string &difference() const {
        return diff_;
    }

    bool fail(const std::string &what, const Node *a, const Node *b) {
        if (diff_.empty()) {
            diff_ = what;
            if (a && a->span.defined()) diff_ += " (left at " + a->span.to_string() + ")";
            if (b && b->span.defined()) diff_ += " (right at " + b->span.to_string() + ")";
        }
        return false;
    }

    template<typename T>
    bool same(const T &x, const T &y) {
        if (hashing_) {
            mix(std::hash<T>()(x));
            return true;
        }
        return x == y;
    }
    bool same_json(const Json &x, const Json &y) {
        if (hashing_) {
            mix(std::hash<std::string>()(x.dump()));
            return true;
        }
        return x == y;
    }
    bool same_dtype(DataType x, DataType y) {
        return same(static_cast<int>(x.code), static_cast<int>(y.code)) && same(x.bits, y.bits);
    }

    // A variable pair is equal when consistently mapped; the first encounter defines the mapping.
    bool vars(const VarNode *a, const VarNode *b) {
        if (hashing_) {
            auto it = hash_ids_.emplace(a, static_cast<int>(hash_ids_.size())).first;
            mix(static_cast<size_t>(it->second));
            return same_dtype(a->dtype, b->dtype);
        }
        auto ia = var_map_.find(a);
        auto ib = var_rmap_.find(b);
        if (ia == var_map_.end() && ib == var_rmap_.end()) {
            var_map_[a] = b;
            var_rmap_[b] = a;
            return a->dtype == b->dtype || fail("variables " + a->name + " and " + b->name + " differ in dtype", a, b);
        }
        if (ia != var_map_.end() && ia->second == b) return true;
        return fail("variable " + a->name + " does not correspond to " + b->name, a, b);
    }

    bool buffers(const Buffer &a, const Buffer &b) {
        if (hashing_) {
            auto it = hash_ids_.emplace(a.get(), static_cast<int>(hash_ids_.size())).first;
            bool fresh = it->second + 1 == static_cast<int>(hash_ids_.size());
            mix(static_cast<size_t>(it->second));
            if (!fresh) return true;
        } else {
            auto ia = buf_map_.find(a.get());
            if (ia != buf_map_.end()) {
                return ia->second == b.get() || fail("buffer " + a->name + " does not correspond to " + b->name, nullptr, nullptr);
            }
            if (buf_rmap_.count(b.get())) return fail("buffer " + b->name + " is already matched", nullptr, nullptr);
            buf_map_[a.get()] = b.get();
            buf_rmap_[b.get()] = a.get();
        }
        if (!same_dtype(a->dtype, b->dtype) || !same(static_cast<int>(a->scope), static_cast<int>(b->scope))) {
            return fail("buffers " + a->name + " and " + b->name + " differ in dtype or scope", nullptr, nullptr);
        }
        return exprs(a->shape, b->shape) || fail("buffers " + a->name + " and " + b->name + " differ in shape", nullptr, nullptr);
    }

    bool exprs(const std::vector<Expr> &a, const std::vector<Expr> &b) {
        if (!same(a.size(), b.size())) return false;
        for (size_t i = 0; i < a.size(); ++i) {
            if (!expr(a[i], b[i])) return false;
        }
        return true;
    }

    bool expr(const Expr &a, const Expr &b) {
        if (!a.defined() || !b.defined()) return same(a.defined(), b.defined());
        if (!same(static_cast<int>(a->kind), static_cast<int>(b->kind)) || !same_dtype(a->dtype, b->dtype)) {
            return fail("expressions " + to_text(a) + " and " + to_text(b) + " differ", a.get(), b.get());
        }
        Expr aa, ab, ba, bb;
        if (const auto *x = a.as<IntImmNode>()) return same(x->value, b.as<IntImmNode>()->value) || mismatch(a, b);
        if (const auto *x = a.as<FloatImmNode>()) {
            double y = b.as<FloatImmNode>()->value;
            // Every NaN equals every NaN here, so all NaNs must hash alike whatever their bits.
            if (hashing_) return same(std::isnan(x->value) ? std::nan("") : x->value, y);
            return x->value == y || (std::isnan(x->value) && std::isnan(y)) || mismatch(a, b);
        }
        if (const auto *x = a.as<StringImmNode>()) return same(x->value, b.as<StringImmNode>()->value) || mismatch(a, b);
        if (const auto *x = a.as<VarNode>()) return vars(x, b.as<VarNode>());
        if (binary_operands(a, &aa, &ab)) {
            binary_operands(b, &ba, &bb);
            return expr(aa, ba) && expr(ab, bb);
        }
        if (const auto *x = a.as<NotNode>()) return expr(x->a, b.as<NotNode>()->a);
        if (const auto *x = a.as<SelectNode>()) {
            const auto *y = b.as<SelectNode>();
            return expr(x->cond, y->cond) && expr(x->true_value, y->true_value) && expr(x->false_value, y->false_value);
        }
        if (const auto *x = a.as<CastNode>()) return expr(x->value, b.as<CastNode>()->value);
        if (const auto *x = a.as<BufferLoadNode>()) {
            const auto *y = b.as<BufferLoadNode>();
            return buffers(x->buffer, y->buffer) && exprs(x->indices, y->indices);
        }
        if (const auto *x = a.as<RegionNode>()) {
            const auto *y = b.as<RegionNode>();
            if (!buffers(x->buffer, y->buffer)) return false;
            for (size_t i = 0; i < x->ranges.size(); ++i) {
                if (!expr(x->ranges[i].min, y->ranges[i].min) || !expr(x->ranges[i].extent, y->ranges[i].extent)) return false;
            }
            return true;
        }
        if (const auto *x = a.as<CallNode>()) {
            const auto *y = b.as<CallNode>();
            // By name, so hashes do not depend on where the registry put its entries.
            if (!same(x->op->name, y->op->name)) return mismatch(a, b);
            return exprs(x->args, y->args);
        }
        TT_ICHECK(false) << "unhandled expression kind " << kind_name(a->kind);
        return false;
    }

    bool stmt(const Stmt &a, const Stmt &b) {
        if (!a.defined() || !b.defined()) {
            return same(a.defined(), b.defined()) || fail("one side has a statement the other lacks", a.get(), b.get());
        }
        if (!same(static_cast<int>(a->kind), static_cast<int>(b->kind))) {
            return fail(std::string(kind_name(a->kind)) + " vs " + kind_name(b->kind), a.get(), b.get());
        }
        if (const auto *x = a.as<ForNode>()) {
            const auto *y = b.as<ForNode>();
            if (!same(static_cast<int>(x->for_kind), static_cast<int>(y->for_kind)) || !same(x->num_stages, y->num_stages) ||
                !same_json(Json(x->annotations), Json(y->annotations))) {
                return fail("loops over " + x->loop_var->name + " and " + y->loop_var->name + " differ in kind, stages or annotations",
                            x, y);
            }
            return vars(x->loop_var.get(), y->loop_var.get()) && expr(x->min, y->min) && expr(x->extent, y->extent) &&
                   stmt(x->body, y->body);
        }
        if (const auto *x = a.as<SeqStmtNode>()) {
            const auto *y = b.as<SeqStmtNode>();
            if (!same(x->seq.size(), y->seq.size())) return fail("sequences differ in length", x, y);
            for (size_t i = 0; i < x->seq.size(); ++i) {
                if (!stmt(x->seq[i], y->seq[i])) return false;
            }
            return true;
        }
        if (const auto *x = a.as<IfThenElseNode>()) {
            const auto *y = b.as<IfThenElseNode>();
            return expr(x->cond, y->cond) && stmt(x->then_case, y->then_case) && stmt(x->else_case, y->else_case);
        }
        if (const auto *x = a.as<LetStmtNode>()) {
            const auto *y = b.as<LetStmtNode>();
            return vars(x->var.get(), y->var.get()) && expr(x->value, y->value) && stmt(x->body, y->body);
        }
        if (const auto *x = a.as<BufferStoreNode>()) {
            const auto *y = b.as<BufferStoreNode>();
            return buffers(x->buffer, y->buffer) && expr(x->value, y->value) && exprs(x->indices, y->indices);
        }
        if (const auto *x = a.as<EvaluateNode>()) return expr(x->value, b.as<EvaluateNode>()->value);
        if (const auto *x = a.as<AllocateNode>()) {
            const auto *y = b.as<AllocateNode>();
            return buffers(x->buffer, y->buffer) && stmt(x->body, y->body);
        }
        if (const auto *x = a.as<KernelLaunchNode>()) {
            const auto *y = b.as<KernelLaunchNode>();
            if (!same(x->block_vars.size(), y->block_vars.size()) || !same_json(Json(x->threads), Json(y->threads))) {
                return fail("kernel launches differ in grid rank or threads", x, y);
            }
            for (size_t i = 0; i < x->block_vars.size(); ++i) {
                if (!vars(x->block_vars[i].get(), y->block_vars[i].get())) return false;
            }
            return exprs(x->extents, y->extents) && stmt(x->body, y->body);
        }
        TT_ICHECK(false) << "unhandled statement kind " << kind_name(a->kind);
        return false;
    }

    bool func(const PrimFunc &a, const PrimFunc &b) {
        if (!same(a->params.size(), b->params.size())) return fail("functions differ in parameter count", nullptr, nullptr);
        for (size_t i = 0; i < a->params.size(); ++i) {
            if (!buffers(a->params[i], b->params[i])) return false;
        }
        if (!same_json(Json(a->attrs), Json(b->attrs))) return fail("function attributes differ", nullptr, nullptr);
        return stmt(a->body, b->body);
    }

    bool module(const IRModule &a, const IRModule &b) {
        if (!same(a->functions.size(), b->functions.size())) return fail("modules differ in function count", nullptr, nullptr);
        if (!same_json(Json(a->attrs), Json(b->attrs))) return fail("module attributes differ", nullptr, nullptr);
        for (size_t i = 0; i < a->functions.size(); ++i) {
            if (!same(a->functions[i].first, b->functions[i].first)) return fail("function names differ", nullptr, nullptr);
            if (!func(a->functions[i].second, b->functions[i].second)) return false;
        }
        return true;
    }

private:
    bool mismatch(const Expr &a, const Expr &b) {
        return fail("expressions " + to_text(a) + " and " + to_text(b) + " differ", a.get(), b.get());
    }
    void mix(size_t v) {
        hash_ ^= v + 0x9e3779b97f4a7c15ULL + (hash_ << 6) + (hash_ >> 2);
    }

    bool hashing_;
    size_t hash_ = 0;
    std::string diff_;
    std::map<const void *, int> hash_ids_;
    std::map<const VarNode *, const VarNode *> var_map_, var_rmap_;
    std::map<const BufferNode *, const BufferNode *> buf_map_, buf_rmap_;
};

template<typename T>
std::string difference_of(const T &a, const T &b, bool (Comparer::*walk)(const T &, const T &)) {
    Comparer c(false);
    if ((c.*walk)(a, b)) return "";
    return c.difference().empty() ? "trees differ" : c.difference();
}

template<typename T>
size_t hash_of(const T &x, bool (Comparer::*walk)(const T &, const T &)) {
    Comparer c(true);
    (c.*walk)(x, x);
    return c.hash();
}

}  // namespace

bool structural_equal(const Expr &a, const Expr &b) {
    return Comparer(false).expr(a, b);
}
bool structural_equal(const Stmt &a, const Stmt &b) {
    return Comparer(false).stmt(a, b);
}
bool structural_equal(const PrimFunc &a, const PrimFunc &b) {
    return Comparer(false).func(a, b);
}
bool structural_equal(const IRModule &a, const IRModule &b) {
    return Comparer(false).module(a, b);
}
std::string structural_difference(const Stmt &a, const Stmt &b) {
    return difference_of(a, b, &Comparer::stmt);
}
std::string structural_difference(const PrimFunc &a, const PrimFunc &b) {
    return difference_of(a, b, &Comparer::func);
}
std::string structural_difference(const IRModule &a, const IRModule &b) {
    return difference_of(a, b, &Comparer::module);
}
size_t structural_hash(const Expr &e) {
    return hash_of(e, &Comparer::expr);
}
size_t structural_hash(const Stmt &s) {
    return hash_of(s, &Comparer::stmt);
}
size_t structural_hash(const PrimFunc &f) {
    return hash_of(f, &Comparer::func);
}
size_t structural_hash(const IRModule &m) {
    return hash_of(m, &Comparer::module);
}

}  // namespace tt::ir
