// The registered passes, one line each: name → factory. Python builds passes by these names
// (tilelang_tt.passes), and Pipeline::parse reads them.
#include "transform/infer_tt_layout.h"
#include "transform/pass.h"
#include "transform/propagate_tt_layout.h"
#include "transform/tt_tiles_to_core_map.h"

namespace tt::transform {

const std::vector<PassRegistration> &builtin_passes() {
    static const std::vector<PassRegistration> passes = {
        {"InferTTLayout", &infer_tt_layout_pass},
        {"PropagateTTLayout", &propagate_tt_layout_pass},
        {"TTTilesToCoreMap", &tt_tiles_to_core_map_pass},
    };
    return passes;
}

}  // namespace tt::transform
