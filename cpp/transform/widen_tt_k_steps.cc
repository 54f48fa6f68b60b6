// WidenTTKSteps: a GEMM's K loop moves several of the user's K blocks per step (contract in
// widen_tt_k_steps.h).
#include "transform/widen_tt_k_steps.h"

#include <map>
#include <optional>
#include <set>

#include "ir/arith.h"
#include "ir/functor.h"
#include "ir/intrinsics.h"
#include "transform/analysis.h"
#include "transform/tt_attrs.h"

namespace tt::transform {

namespace {

using namespace ir;

constexpr int64_t kWidestKStep = 256;  ///< elements of K one step covers at most

/*! A bool argument of a tile op (a constant of the bool dtype). */
bool flag(const Expr &e) {
    const auto *imm = e.as<IntImmNode>();
    return imm && imm->value != 0;
}

const CallNode *tile_call(const Stmt &s, const char *name) {
    const auto *eval = s.as<EvaluateNode>();
    const auto *call = eval ? eval->value.as<CallNode>() : nullptr;
    return call && call->op->name == name ? call : nullptr;
}

/*! How one K loop is widened: by `factor`, each on-chip operand buffer along `axis`, and each copy
 *  into one along dimension `source_axis` of its region. */
struct Widening {
    int64_t factor = 1;
    int stages = 0;  ///< the loop's new num_stages (0: unchanged)
    int64_t block_k = 0;
    std::map<const BufferNode *, int> axis;          ///< operand buffer -> its K dimension
    std::map<const CallNode *, size_t> source_axis;  ///< copy -> the K dimension of its source region
};

int64_t bytes_of(const BufferNode *buffer) {
    int64_t elements = buffer->dtype.bytes();
    for (const Expr &e : buffer->shape) elements *= folded_int(e).value_or(0);
    return elements;
}

/*! The widening of `loop`, or nullopt when the loop is not a GEMM K loop of the form the file
 *  comment names. `uses` counts buffer references in the whole function, `onchip_bytes` is the
 *  size of all its on-chip buffers, `accumulator_bytes` that of the float32 gemm accumulators. */
std::optional<Widening> plan_widening(const ForNode *loop, const std::map<const BufferNode *, int> &uses,
                                      int64_t onchip_bytes, int64_t accumulator_bytes, const PassContext &ctx) {
    const std::optional<int64_t> trips = folded_int(loop->extent);
    if (folded_int(loop->min) != 0 || !trips || *trips < 2) return std::nullopt;
    std::vector<Stmt> body = {loop->body};
    if (const auto *seq = loop->body.as<SeqStmtNode>()) body = seq->seq;
    Widening w;
    int64_t cb_step_bytes = 0;  // the operands' CB pages of one step
    std::vector<const CallNode *> copies;
    bool any_gemm = false;
    for (const Stmt &s : body) {
        if (const CallNode *gemm = tile_call(s, "tl.gemm")) {
            const auto *a = gemm->args[0].as<RegionNode>(), *b = gemm->args[1].as<RegionNode>();
            const auto *c = gemm->args[2].as<RegionNode>();
            if (!a || !b || !c || c->buffer->dtype != DataType::float32() || flag(gemm->args[5]) ||
                !covers_whole(a) || !covers_whole(b) || a->buffer == b->buffer || uses_var(gemm->args[2], loop->loop_var))
                return std::nullopt;
            const int a_axis = flag(gemm->args[3]) ? 0 : 1, b_axis = flag(gemm->args[4]) ? 1 : 0;
            for (auto [buffer, axis] : {std::pair{a->buffer.get(), a_axis}, std::pair{b->buffer.get(), b_axis}}) {
                if (buffer->shape.size() != 2) return std::nullopt;
                auto [it, fresh] = w.axis.emplace(buffer, axis);
                if (!fresh && it->second != axis) return std::nullopt;
            }
            any_gemm = true;
        } else if (const CallNode *copy = tile_call(s, "tl.copy")) {
            copies.push_back(copy);
        } else {
            return std::nullopt;
        }
    }
    if (!any_gemm || copies.size() != w.axis.size()) return std::nullopt;
    const Var &k = loop->loop_var;
    for (const CallNode *copy : copies) {
        const auto *src = copy->args[0].as<RegionNode>(), *dst = copy->args[1].as<RegionNode>();
        if (!src || !dst || src->buffer->scope != MemoryScope::Global || !covers_whole(dst) || !w.axis.count(dst->buffer.get()) ||
            w.source_axis.count(copy))
            return std::nullopt;
        // The region's dimensions of more than one element are the buffer's, in order; the K one
        // is the only one whose start moves with k, by exactly its extent per step.
        std::vector<size_t> spread;
        std::optional<size_t> moving;
        for (size_t d = 0; d < src->ranges.size(); ++d) {
            const std::optional<int64_t> extent = folded_int(src->ranges[d].extent);
            if (!extent || uses_var(src->ranges[d].extent, k)) return std::nullopt;
            if (*extent != 1) spread.push_back(d);
            if (uses_var(src->ranges[d].min, k)) {
                if (moving) return std::nullopt;
                moving = d;
            }
        }
        const int axis = w.axis.at(dst->buffer.get());
        if (!moving || spread.size() != 2 || spread[axis] != *moving) return std::nullopt;
        const int64_t block_k = *folded_int(src->ranges[*moving].extent);
        const std::optional<AffineForm> start = affine_form(src->ranges[*moving].min);
        if (!start || start->offset != 0 || start->coef.size() != 1 || start->coef.begin()->first != k.get() ||
            start->coef.begin()->second != block_k || folded_int(src->buffer->shape[*moving]) != *trips * block_k ||
            (w.block_k && w.block_k != block_k))
            return std::nullopt;
        w.block_k = block_k;
        w.source_axis[copy] = *moving;
        // The CB holds the pages in the wider of the tensor's and the buffer's formats.
        const int64_t element = std::max(src->buffer->dtype.bytes(), dst->buffer->dtype.bytes());
        cb_step_bytes += bytes_of(dst->buffer.get()) / dst->buffer->dtype.bytes() * element;
    }
    // The operand buffers live only in this loop.
    const std::map<const BufferNode *, int> inside = buffer_uses(loop->body);
    int64_t operand_bytes = 0;
    for (const auto &[buffer, axis] : w.axis) {
        if (uses.at(buffer) != inside.at(buffer)) return std::nullopt;
        operand_bytes += bytes_of(buffer);
    }
    const int depth = std::max(2, loop->num_stages);
    const KStepWidening widening = k_step_widening(ctx.device(), *trips, w.block_k, cb_step_bytes, depth,
                                                   accumulator_bytes, onchip_bytes - operand_bytes - accumulator_bytes);
    if (widening.factor < 2) return std::nullopt;
    w.factor = widening.factor;
    w.stages = widening.two_stages && depth > 2 ? 2 : 0;
    return w;
}

/*! Finds the loops to widen, then rewrites them and their operand buffers. */
class Widener : public IRMutator {
public:
    Widener(const PrimFunc &func, const PassContext &ctx) {
        const std::map<const BufferNode *, int> uses = buffer_uses(func->body);
        int64_t onchip_bytes = 0, accumulator_bytes = 0;
        std::set<const BufferNode *> accumulators;
        post_order_visit(func->body, [&](const Node *n) {
            const auto *call = n->kind == NodeKind::Call ? static_cast<const CallNode *>(n) : nullptr;
            if (call && call->op->name == "tl.gemm") {
                if (const auto *c = call->args[2].as<RegionNode>()) {
                    if (c->buffer->dtype == DataType::float32()) accumulators.insert(c->buffer.get());
                }
            }
        });
        post_order_visit(func->body, [&](const Node *n) {
            if (n->kind != NodeKind::Allocate) return;
            const BufferNode *buffer = static_cast<const AllocateNode *>(n)->buffer.get();
            if (buffer->scope == MemoryScope::Global) return;
            onchip_bytes += bytes_of(buffer);
            if (accumulators.count(buffer)) accumulator_bytes += bytes_of(buffer);
        });
        post_order_visit(func->body, [&](const Node *n) {
            if (n->kind != NodeKind::For) return;
            const auto *loop = static_cast<const ForNode *>(n);
            if (std::optional<Widening> w = plan_widening(loop, uses, onchip_bytes, accumulator_bytes, ctx)) {
                for (const auto &[buffer, axis] : w->axis) {
                    std::vector<Expr> shape = buffer->shape;
                    shape[axis] = make_int(w->block_k * w->factor);
                    widened_[buffer] = make_buffer(buffer->name, shape, buffer->dtype, buffer->scope, buffer->span);
                }
                loops_.emplace(loop, std::move(*w));
            }
        });
    }

protected:
    using IRMutator::visit;

    Buffer mutate_buffer(const Buffer &b) override {
        auto it = widened_.find(b.get());
        return it == widened_.end() ? b : it->second;
    }

    Expr visit(const RegionNode *op) override {
        auto it = widened_.find(op->buffer.get());
        if (it == widened_.end()) return IRMutator::visit(op);
        // Operand regions are whole buffers (plan_widening): the whole widened one.
        std::vector<Range> ranges;
        for (const Expr &e : it->second->shape) ranges.push_back({make_int(0), e});
        return RegionNode::make(it->second, ranges, op->span);
    }

    Stmt visit(const EvaluateNode *op) override {
        const auto *copy = op->value.as<CallNode>();
        auto loop = loops_.find(current_loop_);
        if (!copy || loop == loops_.end() || !loop->second.source_axis.count(copy)) return IRMutator::visit(op);
        const Widening &w = loop->second;
        const auto *src = copy->args[0].as<RegionNode>();
        std::vector<Range> ranges = src->ranges;
        const int64_t width = w.block_k * w.factor;
        ranges[w.source_axis.at(copy)] = {MulNode::make(current_var_, make_int(width)), make_int(width)};
        std::vector<Expr> args = copy->args;
        args[0] = RegionNode::make(src->buffer, ranges, src->span);
        args[1] = mutate(copy->args[1]);
        return EvaluateNode::make(CallNode::make(copy->op->name, args, copy->span), op->span);
    }

    Stmt visit(const ForNode *op) override {
        auto it = loops_.find(op);
        if (it == loops_.end()) return IRMutator::visit(op);
        const ForNode *outer = current_loop_;
        current_loop_ = op;
        current_var_ = op->loop_var;
        Stmt body = mutate(op->body);
        current_loop_ = outer;
        const int64_t trips = *folded_int(op->extent) / it->second.factor;
        const int stages = it->second.stages ? it->second.stages : op->num_stages;
        return ForNode::make(op->loop_var, op->min, make_int(trips), op->for_kind, body, stages, op->annotations,
                             op->span);
    }

private:
    std::map<const BufferNode *, Buffer> widened_;
    std::map<const ForNode *, Widening> loops_;
    const ForNode *current_loop_ = nullptr;
    Var current_var_;
};

}  // namespace

bool places_tensors(const PrimFunc &func, const PassContext &ctx) {
    const auto places = [](const LayoutAnnotation &r) { return r.memory || r.layout || r.shard_grid || r.shard_shape_tiles; };
    bool placed = false;
    for (const auto &[name, request] : ctx.options().layouts) placed = placed || places(request);
    if (auto from_ir = func->attrs.find(attr::TT_LAYOUT_REQUESTS); from_ir != func->attrs.end()) {
        for (const auto &[name, request] : from_ir->second.items()) placed = placed || places(request.get<LayoutAnnotation>());
    }
    return placed;
}

int64_t operand_l1_room(const target::DeviceSpec &device, int64_t accumulator_bytes, int64_t other_bytes) {
    constexpr int64_t kLoweringCBs = 64 * 1024;
    return device.l1_free_bytes() - accumulator_bytes - 2 * other_bytes - kLoweringCBs;
}

KStepWidening k_step_widening(const target::DeviceSpec &device, int64_t trips, int64_t block_k, int64_t cb_step_bytes,
                              int depth, int64_t accumulator_bytes, int64_t other_bytes) {
    // The widened operands' CBs (depth pages each) may take half of L1 less twice everything else
    // on chip (a CB and its partial sums or staging), so layout inference still fits the kernel.
    const int64_t budget = device.l1_bytes / 2 - 2 * (accumulator_bytes + other_bytes);
    for (int64_t f = std::min(trips, kWidestKStep / block_k); f >= 2; --f) {
        if (trips % f == 0 && cb_step_bytes * f * depth <= budget) return {f, false};
    }
    // A large accumulator leaves the rule above no room: two stages of wider steps, counted exactly.
    const int64_t room = operand_l1_room(device, accumulator_bytes, other_bytes);
    for (int64_t f = std::min(trips, kWidestKStep / block_k); 2 * f >= depth && f >= 2; --f) {
        if (trips % f == 0 && cb_step_bytes * f * 2 <= room) return {f, true};
    }
    return {};
}

PrimFunc widen_tt_k_steps(const PrimFunc &func, const PassContext &ctx) {
    // A kernel compiled for every size of a dynamic dimension keeps its trip counts' formulas; the
    // partial sums are exact between steps only in a float32 DST; global tensors requested in L1
    // take room the budget does not see (a block-float data_format alone only shrinks pages).
    const bool fp32_dst = ctx.device().supports_fp32_dest_acc && ctx.options().fp32_dest_acc_en.value_or(true);
    if (func->attrs.count(attr::TT_DYNAMIC_SHAPE) || !fp32_dst || places_tensors(func, ctx)) return func;
    Stmt body = Widener(func, ctx)(func->body);
    if (body.same_as(func->body)) return func;
    return make_prim_func(func->name, func->params, body, func->attrs, func->span);
}

Pass widen_tt_k_steps_pass() {
    return Pass{"WidenTTKSteps", [](const IRModule &mod, const PassContext &ctx) {
                    return map_functions(mod, [&](const PrimFunc &f) { return widen_tt_k_steps(f, ctx); });
                }};
}

}  // namespace tt::transform
