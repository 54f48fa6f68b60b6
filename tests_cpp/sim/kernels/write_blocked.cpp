// Blocked matmul writer: the core's output block (write_block.h) to C.
// Runtime args: c_addr, then the OutputBlock arguments (Nt, m0, n0, block_m, block_n, sub_h, sub_w).
#include <cstdint>

#include "api/dataflow/dataflow_api.h"
#include "write_block.h"

void kernel_main() {
    constexpr auto c_args = TensorAccessorArgs<0>();
    OutputBlock::read(1).write(TensorAccessor(c_args, get_arg_val<uint32_t>(0)));
}
