// TT-Metalium operations as intrinsics: circular-buffer protocol, NoC transfers and compute-kernel
// calls. Each prints as the C++ call named in cpp_name (see docs/metalium_api.md for signatures).
#include "ir/intrinsics.h"

namespace tt::ir {

void register_tt_ops() {
}

}  // namespace tt::ir
