// TT-Metalium operations as intrinsics: circular-buffer protocol, NoC transfers and compute-kernel
// calls. Each prints as the C++ call named in cpp_name, with the signature of the release in
// docs/metalium_api.md (docs/codegen.md has the table). Conventions the code generator relies on:
// - an argument whose name ends in "cb" is a circular-buffer index and prints as that CB's constant;
// - integer results and arguments are int32 in the IR and uint32_t in C++ (all are non-negative).
#include "ir/intrinsics.h"

namespace tt::ir {

namespace {

void tt_op(const std::string &cpp_name, std::vector<ArgSpec> args, uint8_t roles, const std::string &doc,
           ResultRule result_rule = ResultRule::Void, DataType result = DataType::handle()) {
    register_intrinsic({"tt." + cpp_name, std::move(args), false, result_rule, result, false, roles, cpp_name, doc});
}

ArgSpec int_arg(const char *name) {
    return {name, ArgKind::Int};
}

void register_kernel_args() {
    tt_op("get_arg_val", {int_arg("arg_index")}, kRoleAnyKernel,
          "runtime argument `arg_index` of this core (SetRuntimeArgs), as uint32_t", ResultRule::Fixed,
          DataType::int32());
    tt_op("tensor_accessor",
          {{"tensor", ArgKind::Region}, int_arg("accessor_index"), int_arg("base_address"), int_arg("page_size")},
          kRoleDataMovement,
          "declares the TensorAccessor of a global buffer from the kernel's accessor_index-th TensorAccessorArgs "
          "(compile-time args, chained); NoC page calls name the buffer and use it");
}

void register_unbound_runtime_arguments() {
    // Lowering names a global buffer's base address before GridToPersistentTT decides which
    // runtime argument carries it; VerifyTTIR rejects any that remain (frontend role).
    register_intrinsic({"tt.buffer_address", {{"buffer", ArgKind::Region}}, false, ResultRule::Fixed,
                        DataType::int32(), true, kRoleFrontend, "",
                        "base address of a global buffer, until it becomes a runtime argument"});
    // A value that follows from the tensor shapes (a tensor's width in tiles, a loop's trip count):
    // lowering names it so GridToPersistentTT can pass it as a runtime argument, and one compiled
    // kernel serves every shape with the same block sizes.
    register_intrinsic({"tt.runtime_constant", {{"name", ArgKind::String}, int_arg("value")}, false,
                        ResultRule::Fixed, DataType::int32(), true, kRoleFrontend, "",
                        "a shape-dependent value, until it becomes a runtime argument"});
}

void register_circular_buffers() {
    tt_op("cb_reserve_back", {int_arg("cb"), int_arg("num_pages")}, kRoleAnyKernel,
          "producer: block until num_pages pages are free at the back");
    tt_op("cb_push_back", {int_arg("cb"), int_arg("num_pages")}, kRoleAnyKernel,
          "producer: publish num_pages reserved pages");
    tt_op("cb_wait_front", {int_arg("cb"), int_arg("num_pages")}, kRoleAnyKernel,
          "consumer: block until num_pages pages are available at the front");
    tt_op("cb_pop_front", {int_arg("cb"), int_arg("num_pages")}, kRoleAnyKernel, "consumer: free num_pages pages");
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
}

void register_compute() {
    tt_op("mm_init", {int_arg("in0_cb"), int_arg("in1_cb"), int_arg("out_cb"), int_arg("transpose")}, kRoleCompute,
          "full unpack/math/pack configuration for matmul; once per kernel, before any compute op");
    tt_op("mm_init_short", {int_arg("in0_cb"), int_arg("in1_cb"), int_arg("transpose")}, kRoleCompute,
          "re-init the unpacker and math for matmul after another kind of op");
    tt_op("compute_kernel_hw_startup", {int_arg("in0_cb"), int_arg("in1_cb"), int_arg("out_cb")}, kRoleCompute,
          "full unpack/math/pack configuration; once per kernel when it has no matmul");
    tt_op("reconfig_data_format", {int_arg("srca_cb"), int_arg("srcb_cb")}, kRoleCompute,
          "reconfigure the unpacker's srcA/srcB for the data formats of these CBs");
    tt_op("reconfig_data_format_srca", {int_arg("srca_cb")}, kRoleCompute,
          "reconfigure the unpacker's srcA for this CB's data format");
    tt_op("matmul_tiles",
          {int_arg("in0_cb"), int_arg("in1_cb"), int_arg("in0_tile_index"), int_arg("in1_tile_index"),
           int_arg("dst_index")},
          kRoleCompute, "DST[dst_index] += in0[in0_tile_index] x in1[in1_tile_index] (in1 transposed per init)");
    tt_op("tile_regs_acquire", {}, kRoleCompute, "MATH: take DST (zeroed)");
    tt_op("tile_regs_commit", {}, kRoleCompute, "MATH: hand DST to PACK");
    tt_op("tile_regs_wait", {}, kRoleCompute, "PACK: wait for MATH's commit");
    tt_op("tile_regs_release", {}, kRoleCompute, "PACK: give DST back to MATH");
    tt_op("copy_tile_to_dst_init_short", {int_arg("in_cb")}, kRoleCompute,
          "init copy_tile from in_cb after another kind of op");
    tt_op("copy_tile", {int_arg("in_cb"), int_arg("in_tile_index"), int_arg("dst_index")}, kRoleCompute,
          "DST[dst_index] = in[in_tile_index]");
    tt_op("transpose_wh_init_short", {int_arg("in_cb")}, kRoleCompute, "init transpose_wh_tile from in_cb");
    tt_op("transpose_wh_tile", {int_arg("in_cb"), int_arg("in_tile_index"), int_arg("dst_index")}, kRoleCompute,
          "DST[dst_index] = transpose(in[in_tile_index])");
    tt_op("fill_tile_init", {}, kRoleCompute, "init fill_tile (SFPU)");
    tt_op("fill_tile", {int_arg("dst_index"), {"value", ArgKind::Float}}, kRoleCompute,
          "every element of DST[dst_index] = value (a float)");
    tt_op("pack_reconfig_data_format", {int_arg("new_cb")}, kRoleCompute,
          "reconfigure the packer for new_cb's data format");
    tt_op("pack_tile", {int_arg("dst_index"), int_arg("out_cb")}, kRoleCompute,
          "pack DST[dst_index] into the next reserved page of out_cb");
}

}  // namespace

void register_tt_ops() {
    register_kernel_args();
    register_unbound_runtime_arguments();
    register_circular_buffers();
    register_noc();
    register_compute();
}

}  // namespace tt::ir
