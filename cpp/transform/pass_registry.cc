// The registered passes, one line each: name → factory. Python builds passes by these names
// (tilelang_tt.passes), and Pipeline::parse reads them.
#include "transform/eliminate_dead_tt_values.h"
#include "transform/exact_tt_max_reductions.h"
#include "transform/grid_to_persistent_tt.h"
#include "transform/group_tt_row_blocks.h"
#include "transform/join_tt_blocks.h"
#include "transform/infer_tt_layout.h"
#include "transform/lower_tt_atomic_add.h"
#include "transform/lower_tt_persistent.h"
#include "transform/lower_tt_tile_intrinsics.h"
#include "transform/pass.h"
#include "transform/promote_tt_index_integers.h"
#include "transform/promote_tt_narrow_integers.h"
#include "transform/propagate_tt_layout.h"
#include "transform/specialize_tt_shapes.h"
#include "transform/split_tt_launches.h"
#include "transform/stage_tt_column_stores.h"
#include "transform/stage_tt_elementwise.h"
#include "transform/tt_tiles_to_core_map.h"
#include "transform/verify_tt_ir.h"
#include "transform/widen_tt_k_steps.h"

namespace tt::transform {

const std::vector<PassRegistration> &builtin_passes() {
    static const std::vector<PassRegistration> passes = {
        {"LowerTTPersistent", &lower_tt_persistent_pass},
        {"LowerTTAtomicAdd", &lower_tt_atomic_add_pass},
        {"SpecializeTTShapes", &specialize_tt_shapes_pass},
        {"EliminateDeadTTValues", &eliminate_dead_tt_values_pass},
        {"PromoteTTNarrowIntegers", &promote_tt_narrow_integers_pass},
        {"PromoteTTIndexIntegers", &promote_tt_index_integers_pass},
        {"SplitTTLaunches", &split_tt_launches_pass},
        {"StageTTColumnStores", &stage_tt_column_stores_pass},
        {"StageTTElementwise", &stage_tt_elementwise_pass},
        {"ExactTTMaxReductions", &exact_tt_max_reductions_pass},
        {"GroupTTRowBlocks", &group_tt_row_blocks_pass},
        {"JoinTTBlocks", &join_tt_blocks_pass},
        {"WidenTTKSteps", &widen_tt_k_steps_pass},
        {"InferTTLayout", &infer_tt_layout_pass},
        {"PropagateTTLayout", &propagate_tt_layout_pass},
        {"TTTilesToCoreMap", &tt_tiles_to_core_map_pass},
        {"LowerTTTileIntrinsics", &lower_tt_tile_intrinsics_pass},
        {"GridToPersistentTT", &grid_to_persistent_tt_pass},
        {"VerifyTTIR", &verify_tt_ir_pass},
    };
    return passes;
}

}  // namespace tt::transform
