// The CBs a compute kernel unpacks straight to DST (see tt_unpack_to_dest.h).
#include "transform/tt_unpack_to_dest.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "ir/functor.h"
#include "ir/intrinsics.h"

namespace tt::transform {

namespace {

using namespace ir;

enum class Unpack { None, Source, ToDest };

/*! How a compute call's unpacker reaches DST, by the release's kernel API: copy_tile and
 *  unary_bcast unpack a CB in UnpackToDestFp32 mode into DST; matmul, the matrix engine's
 *  element-wise ops, reductions and transpose_wh_tile (for non-integer formats) go through srcA/srcB.
 *  Inits, reconfigurations, packs and the CB protocol read no tile. */
Unpack unpack_path(const std::string &op) {
    static const std::set<std::string> to_dest = {"tt.copy_tile", "tt.unary_bcast_cols", "tt.unary_bcast_rows"};
    if (to_dest.count(op)) return Unpack::ToDest;
    static const std::set<std::string> source = {"tt.matmul_tiles", "tt.matmul_block", "tt.add_tiles",
                                                 "tt.sub_tiles",    "tt.mul_tiles",    "tt.transpose_wh_tile"};
    if (source.count(op) || op.rfind("tt.reduce_tile_", 0) == 0) return Unpack::Source;
    return Unpack::None;
}

}  // namespace

std::vector<int> unpack_to_dest_cbs(const Stmt &compute_body, const CBDesc &cbs, bool fp32_dest) {
    if (!fp32_dest) return {};
    std::map<int64_t, Unpack> reads;  // per CB index: ToDest while only copy paths read it
    post_order_visit(compute_body, [&](const Node *n) {
        if (n->kind != NodeKind::Call) return;
        const auto *call = static_cast<const CallNode *>(n);
        const Unpack path = unpack_path(call->op->name);
        if (path == Unpack::None) return;
        for (size_t i = 0; i < call->args.size() && i < call->op->args.size(); ++i) {
            const std::string &name = call->op->args[i].name;
            int64_t cb;
            // Input CB arguments are named in0_cb, in1_cb, in_cb and scaler_cb (tt_ops.cc).
            if (name.size() < 2 || name.compare(name.size() - 2, 2, "cb") != 0) continue;
            TT_ICHECK(as_const_int(call->args[i], &cb)) << call->op->name << "'s " << name << " is not a constant";
            Unpack &seen = reads[cb];
            seen = seen == Unpack::Source || path == Unpack::Source ? Unpack::Source : Unpack::ToDest;
        }
    });
    std::vector<int> out;
    for (const auto &[name, cb] : cbs) {
        auto it = reads.find(cb.cb_index);
        if (cb.data_format == "Float32" && it != reads.end() && it->second == Unpack::ToDest) out.push_back(cb.cb_index);
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace tt::transform
