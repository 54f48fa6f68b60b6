"""What the JIT generates for a kernel from its program, taken from the runtime plan.

``compile_time_args`` is ``KERNEL_COMPILE_TIME_ARGS`` as the host program passes it (the plan's
compile-argument markers expanded as the host expands them). ``compute_descriptors`` is
``chlkc_descriptors.h`` as genfiles.cpp of v0.67 writes it for a compute kernel: per-CB data
formats and tile shapes, math fidelity, approximation, DST accumulation and sync mode.
Enumerator values (DataFormat, MathFidelity, ArgConfig) are read from the release's headers.
"""

from .errors import ReleaseCheckError

# tt_hlk_desc's tile size for the CBs a kernel does not use (a Bfp8_b tile).
UNUSED_CB_TILE_SIZE = 1088
# Every plan's CBs hold 32x32 tiles of four 16x16 faces (tt_hlk_desc's defaults).
TILE_SHAPE = (("uint8_t", "tile_num_faces", 4), ("uint8_t", "partial_face", 0), ("uint8_t", "tile_face_r_dim", 16),
              ("uint8_t", "narrow_tile", 0), ("uint8_t", "tile_r_dim", 32), ("uint8_t", "tile_c_dim", 32))
FACES_PER_TILE_SIDE = 2


def _buffer(plan, name):
    for b in plan.get("buffers", []):
        if b["name"] == name:
            return b
    raise ReleaseCheckError(f"the plan's compile-time arguments name buffer {name!r}, which it does not declare")


def compile_time_args(plan, kernel, headers):
    """KERNEL_COMPILE_TIME_ARGS of kernel, as the host program computes them."""
    values = []
    for arg in kernel.get("compile_args", []):
        if isinstance(arg, (bool, int)):
            values.append(int(arg))
            continue
        (marker, value), = arg.items()
        if marker == "tensor_accessor_args":
            values += tensor_accessor_compile_args(_buffer(plan, value), headers)
        elif marker == "num_pages":
            values.append(_buffer(plan, value)["num_pages"])
        elif marker == "semaphore":
            values.append(int(value))
        elif marker in ("buffer_address", "noc_x", "noc_y"):
            values.append(0)  # known only on the device; a value shapes no declaration
        else:
            raise ReleaseCheckError(f"kernel {kernel['name']!r}: unknown compile-time argument marker {marker!r}")
    return values


def tensor_accessor_compile_args(buffer, headers):
    """TensorAccessorArgs(buffer).append_to: its ArgConfig flags and aligned page size, then for a
    sharded buffer its distribution: rank, number of banks (the shard grid's cores), the tensor's
    and a shard's shape in pages, and the banks' NoC coordinates, two to a word (known only on the
    device, like noc_x; a value shapes no declaration). The release squeezes the ranks of the
    shapes first, which changes their length, not what the kernel declares."""
    layout = buffer.get("layout", "")
    in_dram = layout.startswith("dram")
    flags = headers.arg_config_bits["IsDram"] if in_dram else 0
    alignment = headers.device["dram_alignment" if in_dram else "l1_alignment"]
    words = [flags, -(-buffer["page_size"] // alignment) * alignment]
    if layout != "l1_sharded":
        return words
    shard = buffer["shard"]
    banks = shard["grid"][0] * shard["grid"][1]
    words[0] |= headers.arg_config_bits["Sharded"]
    rank = len(buffer["shape_tiles"])
    return words + [rank, banks] + list(buffer["shape_tiles"]) + list(shard["shard_shape_tiles"]) + [0] * -(-banks // 2)


def compute_descriptors(plan, kernel, headers):
    """chlkc_descriptors.h of a compute kernel. The DST-side formats (unpack destination, pack
    source) follow the JIT's rule for the formats plans use: Float32 becomes Tf32 with fp32 DST
    accumulation and Float16_b without, block floats become Bfp8; a Float32 CB the kernel unpacks
    straight to DST (its plan entry's unpack_to_dest_fp32) unpacks as Float32. They shape no
    declaration."""
    config = kernel.get("compute_config", plan.get("compute_config", {}))
    max_cbs = headers.device["num_circular_buffers"]
    formats = headers.data_formats
    fp32_dest = bool(config.get("fp32_dest_acc_en", False))
    l1_format = [formats["Invalid"]] * max_cbs
    tile_size = [UNUSED_CB_TILE_SIZE] * max_cbs
    for cb in plan.get("circular_buffers", []):
        if cb["data_format"] not in formats:
            raise ReleaseCheckError(f"circular buffer {cb['name']!r}: data format {cb['data_format']!r} "
                                    f"is not one of the release's")
        l1_format[cb["cb_index"]] = formats[cb["data_format"]]
        tile_size[cb["cb_index"]] = cb["page_size"]

    def dst_side(value):
        if value == formats["Float32"]:
            return formats["Tf32"] if fp32_dest else formats["Float16_b"]
        if value in (formats["Bfp8_b"], formats["Bfp4_b"], formats["Bfp2_b"]):
            return formats["Bfp8_b"]
        if value in (formats["Bfp8"], formats["Bfp4"], formats["Bfp2"]):
            return formats["Bfp8"]
        return value

    dst_format = [dst_side(v) for v in l1_format]
    unpack_dst_format = list(dst_format)
    for index in kernel.get("unpack_to_dest_fp32", []):
        unpack_dst_format[index] = formats["Float32"]
    fidelity = config.get("math_fidelity", "HiFi4")
    if fidelity not in headers.math_fidelities:
        raise ReleaseCheckError(f"math fidelity {fidelity!r} is not one of the release's "
                                f"({', '.join(headers.math_fidelities)})")

    def array(kind, name, values):
        return f"{kind} {name}[{max_cbs}] = {{\n    {','.join(str(v) for v in values)}\n}};\n"

    def tile_dims(prefix):
        text = "".join(array(f"constexpr {kind}", f"{prefix}_{name}", [v] * max_cbs) for kind, name, v in TILE_SHAPE)
        text += array("constexpr uint16_t", f"{prefix}_tile_size", tile_size)
        for side in ("r", "c"):
            text += array("constexpr uint8_t", f"{prefix}_num_faces_{side}_dim", [FACES_PER_TILE_SIDE] * max_cbs)
        return text

    def flag(value):
        return "true" if value else "false"

    return "".join([
        "#pragma once\n\n#if defined(UCK_CHLKC_MATH)\n#include \"llk_defs.h\"\n",
        "constexpr ckernel::MathFidelity MATH_FIDELITY = "
        f"static_cast<ckernel::MathFidelity>({headers.math_fidelities[fidelity]});\n",
        f"constexpr bool APPROX = {flag(config.get('math_approx_mode', False))};\n#endif\n\n",
        "#if !defined(UCK_CHLKC_PACK)\n",
        array("constexpr std::int32_t", "unpack_src_format", l1_format),
        array("constexpr std::int32_t", "unpack_dst_format", unpack_dst_format),
        tile_dims("unpack"), "#endif\n\n",
        "#if !defined(UCK_CHLKC_MATH) && !defined(UCK_CHLKC_UNPACK)\n",
        array("constexpr unsigned char", "pack_src_format", dst_format),
        array("constexpr unsigned char", "pack_dst_format", l1_format),
        tile_dims("pack"), "#endif\n\n",
        "#if defined(UCK_CHLKC_MATH) || defined(UCK_CHLKC_PACK) || defined(UCK_CHLKC_UNPACK) || "
        "defined(UCK_CHLKC_ISOLATE_SFPU)\n",
        f"constexpr bool DST_ACCUM_MODE = {flag(fp32_dest)};\n",
        f"#define DST_SYNC_MODE DstSync::Sync{'Full' if config.get('dst_full_sync_en') else 'Half'}\n#endif\n",
    ])
