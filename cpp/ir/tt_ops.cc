// TT-Metalium operations as intrinsics: circular-buffer protocol, NoC transfers and compute-kernel
// calls. Each prints as the C++ call named in cpp_name, with the signature of the release in
// docs/metalium_api.md (docs/codegen.md has the table). Conventions the code generator relies on:
// - an argument whose name ends in "cb" is a circular-buffer index and prints as that CB's constant;
// - integer results and arguments are int32 in the IR and uint32_t in C++ (all are non-negative).
#include "ir/intrinsics.h"

namespace tt::ir {

namespace {

void tt_op(const std::string &cpp_name, std::vector<ArgSpec> args, uint8_t roles, const std::string &doc,
           ResultRule result_rule = ResultRule::Void, DataType result = DataType::handle(),
           const std::string &header = "") {
    register_intrinsic(
        {"tt." + cpp_name, std::move(args), false, result_rule, result, false, roles, cpp_name, doc, header});
}

// A compute-kernel call, declared by `header` (relative to the kernel include root).
void compute_op(const std::string &header, const std::string &cpp_name, std::vector<ArgSpec> args,
                const std::string &doc) {
    tt_op(cpp_name, std::move(args), kRoleCompute, doc, ResultRule::Void, DataType::handle(), header);
}

// A compute call with template arguments: named `tt.<name>` in the IR, printed as `cpp_name`
// (e.g. tt.reduce_tile_sum_row → reduce_tile<PoolType::SUM, ReduceDim::REDUCE_ROW>).
void template_compute_op(const std::string &header, const std::string &name, const std::string &cpp_name,
                         std::vector<ArgSpec> args, const std::string &doc) {
    register_intrinsic({"tt." + name, std::move(args), false, ResultRule::Void, DataType::handle(), false, kRoleCompute,
                        cpp_name, doc, header});
}

ArgSpec int_arg(const char *name) {
    return {name, ArgKind::Int};
}

void register_kernel_args() {
    tt_op("get_arg_val", {int_arg("arg_index")}, kRoleAnyKernel,
          "runtime argument `arg_index` of this core (SetRuntimeArgs), as uint32_t", ResultRule::Fixed,
          DataType::int32(), "api/compute/common.h");
    tt_op("tensor_accessor",
          {{"tensor", ArgKind::Region}, int_arg("accessor_index"), int_arg("base_address"), int_arg("page_size")},
          kRoleDataMovement,
          "declares the TensorAccessor of a global buffer from the kernel's accessor_index-th TensorAccessorArgs "
          "(compile-time args, chained); NoC page calls name the buffer and use it");
}

// A value lowering names before GridToPersistentTT makes it a runtime argument (an int32 the
// frontend role marks, so VerifyTTIR rejects any that remain).
void unbound_argument(const std::string &name, std::vector<ArgSpec> args, bool variadic, const std::string &doc) {
    register_intrinsic(
        {name, std::move(args), variadic, ResultRule::Fixed, DataType::int32(), true, kRoleFrontend, "", doc, ""});
}

void register_unbound_runtime_arguments() {
    // Lowering names a global buffer's base address before GridToPersistentTT decides which
    // runtime argument carries it.
    unbound_argument("tt.buffer_address", {{"buffer", ArgKind::Region}}, false,
                     "base address of a global buffer, until it becomes a runtime argument");
    // A value that follows from the tensor shapes (a tensor's width in tiles, a loop's trip count):
    // lowering names it so GridToPersistentTT can pass it as a runtime argument, and one compiled
    // kernel serves every shape with the same block sizes.
    // A kernel with dynamic dimensions adds the value's formula of them (shape_formula.h) as JSON.
    unbound_argument("tt.runtime_constant", {{"name", ArgKind::String}, int_arg("value"), {"formula", ArgKind::String}},
                     true, "a shape-dependent value, until it becomes a runtime argument");
    // A per-core argument of a multicast operand (multicast_arg_fields in tt_multicast.h): its
    // value differs between cores.
    unbound_argument("tt.multicast_arg", {{"buffer", ArgKind::String}, {"field", ArgKind::String}}, false,
                     "a per-core argument of a multicast operand, until it becomes a runtime argument");
}

void register_circular_buffers() {
    tt_op("cb_reserve_back", {int_arg("cb"), int_arg("num_pages")}, kRoleAnyKernel,
          "producer: block until num_pages pages are free at the back", ResultRule::Void, DataType::handle(),
          "api/compute/cb_api.h");
    tt_op("cb_push_back", {int_arg("cb"), int_arg("num_pages")}, kRoleAnyKernel,
          "producer: publish num_pages reserved pages", ResultRule::Void, DataType::handle(), "api/compute/cb_api.h");
    tt_op("cb_wait_front", {int_arg("cb"), int_arg("num_pages")}, kRoleAnyKernel,
          "consumer: block until num_pages pages are available at the front", ResultRule::Void, DataType::handle(),
          "api/compute/cb_api.h");
    tt_op("cb_pop_front", {int_arg("cb"), int_arg("num_pages")}, kRoleAnyKernel, "consumer: free num_pages pages",
          ResultRule::Void, DataType::handle(), "api/compute/cb_api.h");
    tt_op("get_write_ptr", {int_arg("cb")}, kRoleDataMovement, "L1 address of the reserved back page",
          ResultRule::Fixed, DataType::int32());
    tt_op("get_read_ptr", {int_arg("cb")}, kRoleDataMovement, "L1 address of the front page", ResultRule::Fixed,
          DataType::int32());
    tt_op("get_tile_size", {int_arg("cb")}, kRoleDataMovement, "bytes of one tile in the CB's data format",
          ResultRule::Fixed, DataType::int32());
}

void register_noc() {
    tt_op("noc_async_read_page", {int_arg("page_id"), {"tensor", ArgKind::Region}, int_arg("l1_address")},
          kRoleDataMovement, "start reading page page_id of a tensor into L1");
    tt_op("noc_async_write_page", {int_arg("page_id"), {"tensor", ArgKind::Region}, int_arg("l1_address")},
          kRoleDataMovement, "start writing L1 to page page_id of a tensor");
    tt_op("noc_async_read_barrier", {}, kRoleDataMovement, "wait until every started read has landed");
    tt_op("noc_async_write_barrier", {}, kRoleDataMovement, "wait until every started write is acknowledged");
    // Reading a few bytes of a page (one element of a block mask): the accessor's NoC address of
    // the page plus an offset, and the raw read of `size` bytes from there.
    tt_op("get_noc_addr", {int_arg("page_id"), {"tensor", ArgKind::Region}, int_arg("offset")}, kRoleDataMovement,
          "NoC address of byte `offset` of page page_id of a tensor (prints as the accessor's member "
          "`tensor.get_noc_addr(page_id, offset)`, a uint64_t: an operand of noc_async_read, never bound to a "
          "variable, which would print as uint32_t)",
          ResultRule::Fixed, DataType::int32());
    tt_op("noc_async_read", {int_arg("src_noc_addr"), int_arg("l1_address"), int_arg("size")}, kRoleDataMovement,
          "start reading size bytes from a NoC address into L1");
}

// Multicast of a CB's pages from one core to a rectangle of cores, ordered by semaphores
// (tt_multicast.h). NoC addresses are uint64_t in C++: like get_noc_addr above they are only ever
// operands, never bound to a variable.
void register_multicast() {
    tt_op("get_semaphore", {int_arg("semaphore_id")}, kRoleDataMovement,
          "L1 address of the program's semaphore semaphore_id on this core", ResultRule::Fixed, DataType::int32());
    // The two semaphore calls take `volatile tt_l1_ptr uint32_t *`: the printer casts the address.
    tt_op("noc_semaphore_wait", {int_arg("semaphore_address"), int_arg("value")}, kRoleDataMovement,
          "block until the local semaphore at semaphore_address holds value");
    tt_op("noc_semaphore_set", {int_arg("semaphore_address"), int_arg("value")}, kRoleDataMovement,
          "store value into the local semaphore at semaphore_address");
    tt_op("noc_semaphore_inc", {int_arg("semaphore_noc_addr"), int_arg("increment")}, kRoleDataMovement,
          "atomically add increment to a semaphore at a NoC address (another core's)");
    register_intrinsic({"tt.get_core_noc_addr", {int_arg("noc_x"), int_arg("noc_y"), int_arg("l1_address")}, false,
                        ResultRule::Fixed, DataType::int32(), false, kRoleDataMovement, "get_noc_addr",
                        "NoC address of l1_address in the L1 of the core at physical NoC coordinates (noc_x, noc_y)",
                        ""});
    tt_op("get_noc_multicast_addr",
          {int_arg("noc_x_start"), int_arg("noc_y_start"), int_arg("noc_x_end"), int_arg("noc_y_end"),
           int_arg("l1_address")},
          kRoleDataMovement, "multicast NoC address of l1_address in every core of a physical rectangle",
          ResultRule::Fixed, DataType::int32());
    tt_op("noc_async_write_multicast_loopback_src",
          {int_arg("l1_address"), int_arg("multicast_noc_addr"), int_arg("size"), int_arg("num_dests")},
          kRoleDataMovement,
          "start writing size bytes of L1 to every core of a multicast address, the sender included");
    tt_op("noc_semaphore_set_multicast_loopback_src",
          {int_arg("semaphore_address"), int_arg("multicast_noc_addr"), int_arg("num_dests")}, kRoleDataMovement,
          "copy the local semaphore's value to the same semaphore of every core of a multicast address, the sender "
          "included");
}

// Scalar access to L1 (CB pages the kernel reserved) through a pointer: no call of the release,
// the C++ `reinterpret_cast<volatile tt_l1_ptr uint32_t *>(l1_address)[word]` every data-movement
// kernel may write.
void register_l1_words() {
    register_intrinsic({"tt.l1_read_u32", {int_arg("l1_address"), int_arg("word")}, false, ResultRule::Fixed,
                        DataType::int32(), false, kRoleDataMovement, "l1_read_u32",
                        "the 32-bit word `word` of L1 from l1_address on (a scalar read of a page the kernel read)",
                        ""});
    register_intrinsic({"tt.l1_write_u32", {int_arg("l1_address"), int_arg("word"), int_arg("value")}, false,
                        ResultRule::Void, DataType::handle(), false, kRoleDataMovement, "l1_write_u32",
                        "store value into the 32-bit word `word` of L1 from l1_address on (zeroing a CB page)", ""});
    // Kernels hold integers as uint32_t (index math is non-negative); a comparison of values that
    // may be negative (a gather's bounds test, `h >= 0`) compares them as the signed values they are.
    register_intrinsic({"tt.signed", {int_arg("value")}, false, ResultRule::Fixed, DataType::int32(), false,
                        kRoleDataMovement, "signed",
                        "value as a signed 32-bit integer (`static_cast<int32_t>`), for comparisons of values that "
                        "may be negative",
                        ""});
}

void register_compute() {
    const std::string matmul = "api/compute/matmul.h", copy = "api/compute/tile_move_copy.h",
                      pack = "api/compute/pack.h", regs = "api/compute/reg_api.h",
                      reconfig = "api/compute/reconfig_data_format.h", fill = "api/compute/eltwise_unary/fill.h";
    compute_op(matmul, "mm_init", {int_arg("in0_cb"), int_arg("in1_cb"), int_arg("out_cb"), int_arg("transpose")},
               "full unpack/math/pack configuration for matmul; once per kernel, before any compute op");
    compute_op(matmul, "mm_init_short", {int_arg("in0_cb"), int_arg("in1_cb"), int_arg("transpose")},
               "re-init the unpacker and math for matmul after another kind of op");
    compute_op("api/compute/compute_kernel_hw_startup.h", "compute_kernel_hw_startup",
               {int_arg("in0_cb"), int_arg("in1_cb"), int_arg("out_cb")},
               "full unpack/math/pack configuration; once per kernel when it has no matmul");
    compute_op(reconfig, "reconfig_data_format", {int_arg("srca_cb"), int_arg("srcb_cb")},
               "reconfigure the unpacker's srcA/srcB for the data formats of these CBs");
    compute_op(reconfig, "reconfig_data_format_srca", {int_arg("srca_cb")},
               "reconfigure the unpacker's srcA for this CB's data format");
    compute_op(matmul, "matmul_tiles",
               {int_arg("in0_cb"), int_arg("in1_cb"), int_arg("in0_tile_index"), int_arg("in1_tile_index"),
                int_arg("dst_index")},
               "DST[dst_index] += in0[in0_tile_index] x in1[in1_tile_index] (in1 transposed per init)");
    compute_op(matmul, "mm_block_init_short",
               {int_arg("in0_cb"), int_arg("in1_cb"), int_arg("transpose"), int_arg("ct_dim"), int_arg("rt_dim"),
                int_arg("kt_dim")},
               "re-init the unpacker and math for matmul_block calls of ct_dim x rt_dim output tiles, kt_dim deep");
    compute_op(matmul, "matmul_block",
               {int_arg("in0_cb"), int_arg("in1_cb"), int_arg("in0_tile_index"), int_arg("in1_tile_index"),
                int_arg("dst_index"), int_arg("transpose"), int_arg("ct_dim"), int_arg("rt_dim"), int_arg("kt_dim")},
               "DST[dst_index + r * ct_dim + c] += in0[in0_tile_index + r * kt_dim] x in1[in1_tile_index + c] for "
               "r < rt_dim, c < ct_dim; each in0 (or in1) tile is unpacked once for its row (column)");
    compute_op(regs, "tile_regs_acquire", {}, "MATH: take DST (zeroed)");
    compute_op(regs, "tile_regs_commit", {}, "MATH: hand DST to PACK");
    compute_op(regs, "tile_regs_wait", {}, "PACK: wait for MATH's commit");
    compute_op(regs, "tile_regs_release", {}, "PACK: give DST back to MATH");
    compute_op(copy, "copy_tile_to_dst_init_short", {int_arg("in_cb")},
               "init copy_tile from in_cb after another kind of op");
    compute_op(copy, "copy_tile", {int_arg("in_cb"), int_arg("in_tile_index"), int_arg("dst_index")},
               "DST[dst_index] = in[in_tile_index]");
    compute_op("api/compute/transpose_wh.h", "transpose_wh_init_short", {int_arg("in_cb")},
               "init transpose_wh_tile from in_cb");
    compute_op("api/compute/transpose_wh.h", "transpose_wh_tile",
               {int_arg("in_cb"), int_arg("in_tile_index"), int_arg("dst_index")},
               "DST[dst_index] = transpose(in[in_tile_index])");
    compute_op(fill, "fill_tile_init", {}, "init fill_tile (SFPU)");
    compute_op(fill, "fill_tile", {int_arg("dst_index"), {"value", ArgKind::Float}},
               "every element of DST[dst_index] = value (a float)");
    compute_op(pack, "pack_reconfig_data_format", {int_arg("new_cb")},
               "reconfigure the packer for new_cb's data format");
    compute_op(pack, "pack_tile", {int_arg("dst_index"), int_arg("out_cb")},
               "pack DST[dst_index] into the next reserved page of out_cb");
    compute_op(pack, "pack_reconfig_l1_acc", {int_arg("l1_acc_en")},
               "1: pack_tile adds DST to the page's L1 contents instead of overwriting them; 0: overwrite");
}

// Element-wise math (tt_eltwise_ops.h chooses among these): the matrix engine's binary ops on two
// CB tiles, and SFPU operations on tiles in DST. Scalar parameters are the IEEE-754 bits of a float.
// Reductions of a tile into a row or column vector, and broadcasts of one back over a tile.
void register_reduce_and_broadcast() {
    const std::string reduce = "api/compute/reduce.h", bcast = "api/compute/bcast.h";
    // Each kind with and without enforce_fp32_accumulation (used when DST holds fp32).
    for (const auto &[pool, pool_cpp] : {std::pair{"sum", "PoolType::SUM"}, std::pair{"max", "PoolType::MAX"}}) {
        for (const auto &[dim, dim_cpp] :
             {std::pair{"row", "ReduceDim::REDUCE_ROW"}, std::pair{"col", "ReduceDim::REDUCE_COL"}}) {
            for (const bool fp32 : {false, true}) {
                const std::string kind = std::string(pool) + "_" + dim + (fp32 ? "_fp32" : "");
                const std::string targs = std::string("<") + pool_cpp + ", " + dim_cpp + (fp32 ? ", true>" : ">");
                template_compute_op(reduce, "reduce_init_" + kind, "reduce_init" + targs,
                                    {int_arg("in_cb"), int_arg("scaler_cb"), int_arg("out_cb")},
                                    "configure reduce_tile (" + kind +
                                        ") of in_cb scaled by scaler_cb, packing to out_cb");
                template_compute_op(reduce, "reduce_tile_" + kind, "reduce_tile" + targs,
                                    {int_arg("in_cb"), int_arg("scaler_cb"), int_arg("in_tile_index"),
                                     int_arg("scaler_tile_index"), int_arg("dst_index")},
                                    "DST[dst_index] (+/max)= the " + kind + " reduction of in[in_tile_index]");
            }
        }
    }
    template_compute_op(reduce, "reduce_uninit_fp32", "reduce_uninit<true>", {int_arg("in_cb")},
                        "undo reduce_init<..., true> before any other kind of op");
    compute_op(reduce, "reduce_uninit", {}, "undo reduce_init before any other kind of op");
    for (const auto &[dim, dim_cpp] :
         {std::pair{"cols", "BroadcastType::COL"}, std::pair{"rows", "BroadcastType::ROW"}}) {
        const std::string targs = std::string("<") + dim_cpp + ">";
        template_compute_op(bcast, std::string("unary_bcast_init_") + dim, "unary_bcast_init" + targs,
                            {int_arg("in_cb"), int_arg("out_cb")}, std::string("init unary_bcast of ") + dim);
        template_compute_op(
            bcast, std::string("unary_bcast_") + dim, "unary_bcast" + targs,
            {int_arg("in_cb"), int_arg("in_tile_index"), int_arg("dst_index")},
            std::string("DST[dst_index] = in[in_tile_index]'s ") +
                (std::string(dim) == "cols" ? "column 0 repeated across columns" : "row 0 repeated down rows"));
    }
}

void register_eltwise_compute() {
    const std::string binary = "api/compute/eltwise_binary.h";
    for (const char *op : {"add", "sub", "mul"}) {
        const std::string name = op;
        compute_op(binary, name + "_tiles_init", {int_arg("in0_cb"), int_arg("in1_cb")},
                   "init the matrix engine's element-wise " + name + " of tiles of in0_cb and in1_cb");
        compute_op(binary, name + "_tiles",
                   {int_arg("in0_cb"), int_arg("in1_cb"), int_arg("in0_tile_index"), int_arg("in1_tile_index"),
                    int_arg("dst_index")},
                   "DST[dst_index] = in0[in0_tile_index] " + name + " in1[in1_tile_index]");
    }
    const std::string sfpu_binary = "api/compute/eltwise_binary_sfpu.h", max_min = "api/compute/binary_max_min.h";
    for (const auto &[op, header] : std::vector<std::pair<std::string, std::string>>{{"add_binary", sfpu_binary},
                                                                                     {"sub_binary", sfpu_binary},
                                                                                     {"mul_binary", sfpu_binary},
                                                                                     {"div_binary", sfpu_binary},
                                                                                     {"binary_max", max_min},
                                                                                     {"binary_min", max_min}}) {
        compute_op(header, op + "_tile_init", {}, "init the SFPU's " + op + " of two DST tiles");
        compute_op(header, op + "_tile", {int_arg("dst_index0"), int_arg("dst_index1"), int_arg("out_dst_index")},
                   "DST[out_dst_index] = " + op + " of DST[dst_index0] and DST[dst_index1]");
    }
    const std::string scalar = "api/compute/eltwise_unary/binop_with_scalar.h";
    compute_op(scalar, "binop_with_scalar_tile_init", {}, "init add/sub/rsub/mul/div_unary_tile");
    for (const char *op : {"add_unary", "sub_unary", "rsub_unary", "mul_unary", "div_unary"}) {
        compute_op(scalar, std::string(op) + "_tile", {int_arg("dst_index"), {"scalar_bits", ArgKind::Float}},
                   std::string("DST[dst_index] = ") + op + " of DST[dst_index] and a scalar");
    }
    // v0.67 declares several SFPU operations in compute_kernel_api.h rather than in eltwise_unary/.
    const std::string api = "api/compute/compute_kernel_api.h", unary = "api/compute/eltwise_unary/";
    for (const char *op : {"unary_max", "unary_min"}) {
        compute_op(api, std::string(op) + "_tile_init", {}, std::string("init ") + op + "_tile");
        compute_op(api, std::string(op) + "_tile", {int_arg("dst_index"), {"scalar_bits", ArgKind::Float}},
                   std::string("DST[dst_index] = ") + op + " of DST[dst_index] and a scalar");
    }
    for (const auto &[op, header] : std::vector<std::pair<std::string, std::string>>{{"exp", unary + "exp.h"},
                                                                                     {"exp2", api},
                                                                                     {"log", api},
                                                                                     {"sqrt", unary + "sqrt.h"},
                                                                                     {"rsqrt", unary + "rsqrt.h"},
                                                                                     {"abs", api},
                                                                                     {"negative", unary + "negative.h"},
                                                                                     {"recip", unary + "recip.h"},
                                                                                     {"relu", unary + "relu.h"},
                                                                                     {"gelu", unary + "gelu.h"},
                                                                                     {"sigmoid", api},
                                                                                     {"tanh", api},
                                                                                     {"silu", api},
                                                                                     {"square", api},
                                                                                     {"sin", unary + "trigonometry.h"},
                                                                                     {"cos", unary + "trigonometry.h"},
                                                                                     {"erf", unary + "erf_erfc.h"}}) {
        compute_op(header, op + "_tile_init", {}, "init " + op + "_tile (SFPU)");
        compute_op(header, op + "_tile", {int_arg("dst_index")}, "DST[dst_index] = " + op + "(DST[dst_index])");
    }
    // Comparisons give 1.0 where they hold, 0.0 elsewhere: with a scalar, or of a tile with zero.
    const std::string comp = unary + "comp.h";
    for (const char *cmp : {"ne", "eq", "gt", "ge", "lt", "le"}) {
        const std::string op = std::string("unary_") + cmp;
        compute_op(comp, op + "_tile_init", {}, "init " + op + "_tile");
        compute_op(comp, op + "_tile", {int_arg("dst_index"), {"scalar_bits", ArgKind::Float}},
                   "DST[dst_index] = DST[dst_index] " + std::string(cmp) + " scalar ? 1 : 0");
    }
    for (const char *cmp : {"gtz", "nez", "gez", "ltz", "eqz", "lez"}) {
        const std::string op = cmp;
        compute_op(comp, op + "_tile_init", {}, "init " + op + "_tile");
        compute_op(comp, op + "_tile", {int_arg("dst_index")},
                   "DST[dst_index] = 1 where DST[dst_index] compares with 0 as " + op + " says, else 0");
    }
    compute_op("api/compute/cumsum.h", "cumsum_tile_init", {}, "init cumsum_tile");
    compute_op("api/compute/cumsum.h", "cumsum_tile", {int_arg("dst_index")},
               "DST[dst_index] = its running sum down each column (the tile is the first of its column)");
    const std::string where = unary + "where.h";
    compute_op(where, "where_tile_init", {}, "init where_tile");
    for (const auto &[name, format] :
         {std::pair{"where_tile_fp32", "Float32"}, std::pair{"where_tile_16b", "Float16_b"}}) {
        template_compute_op(where, name, std::string("where_tile<DataFormat::") + format + ">",
                            {int_arg("cond_dst"), int_arg("true_dst"), int_arg("false_dst"), int_arg("out_dst")},
                            std::string("DST[out_dst] = DST[cond_dst] != 0 ? DST[true_dst] : DST[false_dst], DST "
                                        "holding ") +
                                format);
    }
}

}  // namespace

void register_tt_ops() {
    register_kernel_args();
    register_unbound_runtime_arguments();
    register_circular_buffers();
    register_noc();
    register_multicast();
    register_l1_words();
    register_compute();
    register_eltwise_compute();
    register_reduce_and_broadcast();
}

}  // namespace tt::ir
