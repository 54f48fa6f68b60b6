// The registered passes, one line each: name → factory. Python builds passes by these names
// (tilelang_tt.passes), and Pipeline::parse reads them.
#include "transform/pass.h"

namespace tt::transform {

const std::vector<PassRegistration> &builtin_passes() {
    static const std::vector<PassRegistration> passes = {
    };
    return passes;
}

}  // namespace tt::transform
