// InferTTLayout: device, core grid and global buffer layouts (contract in infer_tt_layout.h).
#include "transform/infer_tt_layout.h"

#include <algorithm>
#include <numeric>

#include "ir/functor.h"
#include "transform/analysis.h"
#include "transform/shard_placement.h"
#include "transform/shape_formula.h"
#include "transform/verify_tt_bounds.h"
#include "transform/verify_tt_padding.h"

namespace tt::transform {

namespace {

using namespace ir;

/*! The function's own requests, then ctx's, key by key (ctx wins: it is the caller's latest word). */
std::map<std::string, LayoutAnnotation> merged_requests(const PrimFunc &func, const PassContext &ctx) {
    std::map<std::string, LayoutAnnotation> requests;
    auto from_ir = func->attrs.find(attr::TT_LAYOUT_REQUESTS);
    if (from_ir != func->attrs.end()) {
        for (const auto &[name, request] : from_ir->second.items()) {
            requests[name] = request.get<LayoutAnnotation>();
            validate_layout_request(name, requests[name], ctx.device());
        }
    }
    for (const auto &[name, request] : ctx.options().layouts) {
        LayoutAnnotation &merged = requests[name];
        if (request.memory) merged.memory = request.memory;
        if (request.layout) merged.layout = request.layout;
        if (request.shard_grid) merged.shard_grid = request.shard_grid;
        if (request.shard_shape_tiles) merged.shard_shape_tiles = request.shard_shape_tiles;
        if (request.data_format) merged.data_format = request.data_format;
    }
    // One launch of a split function (SplitTTLaunches) has the globals it uses as parameters; a
    // request for another of the function's globals is for the launches that use it.
    const auto launch = find_attr<Json>(func, attr::TT_LAUNCH);
    std::vector<std::string> known;
    if (launch && launch->contains("buffers")) known = launch->at("buffers").get<std::vector<std::string>>();
    for (const Buffer &p : func->params) {
        if (std::find(known.begin(), known.end(), p->name) == known.end()) known.push_back(p->name);
    }
    std::string names;
    for (const std::string &name : known) names += (names.empty() ? "" : ", ") + name;
    for (auto it = requests.begin(); it != requests.end();) {
        const std::string &name = it->first;
        const bool is_param =
            std::any_of(func->params.begin(), func->params.end(), [&](const Buffer &p) { return p->name == name; });
        if (!is_param && std::find(known.begin(), known.end(), name) == known.end()) {
            TT_USER_ERROR(Validation, func->span)
                << "a layout is requested for " << name << ", which is not a parameter of " << func->name
                << (launch ? " or a global buffer it allocates" : "") << " (" << (launch ? "buffers" : "parameters")
                << ": " << names << ")";
        }
        it = is_param ? std::next(it) : requests.erase(it);
    }
    return requests;
}

/*! Shard shape: the request's, or the last two tile dimensions split evenly over the shard grid
 *  (x splits columns, y splits rows: block sharding; a grid of one column shards by rows, one row
 *  by columns). Shards are dealt round robin over the grid's cores (shard_placement.h); checked
 *  to fit one core's L1 with the most shards a core holds. */
ShardSpec shard_of(const Buffer &buffer, const BufferLayout &layout, const LayoutAnnotation &request,
                   const target::DeviceSpec &device, const std::vector<std::string> &dynamic_axes) {
    for (size_t d = 0; d < dynamic_axes.size(); ++d) {
        if (dynamic_axes[d].empty()) continue;
        TT_USER_ERROR(Validation, buffer->span)
            << "layouts[" << buffer->name << "]: a sharded tensor needs static extents, and axis " << d << " is the "
            << "dynamic dimension " << dynamic_axes[d] << "; instead give it a static size or keep it interleaved";
    }
    ShardSpec shard;
    shard.grid = *request.shard_grid;
    const std::vector<int64_t> &tiles = layout.shape_tiles;
    const size_t rank = tiles.size();
    if (rank < 2) {
        TT_USER_ERROR(Validation, buffer->span) << "layouts[" << buffer->name << "]: a 1-D tensor cannot be sharded "
                                                << "over a core grid; instead keep it interleaved in DRAM";
    }
    shard.shard_shape_tiles = tiles;
    shard.shard_shape_tiles[rank - 1] = (tiles[rank - 1] + shard.grid[0] - 1) / shard.grid[0];
    shard.shard_shape_tiles[rank - 2] = (tiles[rank - 2] + shard.grid[1] - 1) / shard.grid[1];
    if (request.shard_shape_tiles) shard.shard_shape_tiles = *request.shard_shape_tiles;
    const std::vector<int64_t> &s = shard.shard_shape_tiles;
    const bool positive = std::all_of(s.begin(), s.end(), [](int64_t t) { return t > 0; });
    if (s.size() != rank || !positive) {
        TT_USER_ERROR(Validation, buffer->span)
            << "layouts[" << buffer->name << "]: shard_shape_tiles " << Json(s).dump() << " must give a positive "
            << "number of tiles for each of the tensor's " << rank << " dimensions (its tiles: " << Json(tiles).dump()
            << ")";
    }
    const int64_t per_core = shard_tiles_per_core(shard, tiles);
    const int64_t budget = device.l1_free_bytes();
    if (per_core * layout.page_size > budget) {
        TT_USER_ERROR(Validation, buffer->span)
            << "layouts[" << buffer->name << "]: shards of " << Json(s).dump() << " tiles (" << num_shards(shard, tiles)
            << " in all) put " << per_core << " tiles (" << per_core * layout.page_size << " bytes) on a core of the "
            << shard.grid[0] << "x" << shard.grid[1] << " grid, more than the " << budget << " bytes of L1 a "
            << device.name << " core has for buffers; instead shard it over more cores or keep it in DRAM";
    }
    return shard;
}

/*! `reach`: per dimension, one past the furthest element a T.copy block reaches (verify_tt_bounds), or
 *  null when no copy runs past the tensor's edge; `passed_on`: a later launch of the same function
 *  runs after this one (SplitTTLaunches); `dynamic_axes`: per axis, the dynamic dimension whose
 *  extent it is ("" for a static axis; empty when the function has none). */
BufferLayout layout_of(const PrimFunc &func, const Buffer &buffer, const DataFlow &flow,
                       const LayoutAnnotation &request, const target::DeviceSpec &device,
                       const std::vector<int64_t> *reach, bool passed_on,
                       const std::vector<std::string> &dynamic_axes) {
    BufferLayout layout;
    layout.shape = constant_shape(buffer, "buffer");
    // Tensors of any extent: tiles are stored whole, padded with zeros, and so are the blocks of
    // copies that run past the edge.
    layout.padded_shape = layout.shape;
    for (size_t d = 0; reach && d < reach->size(); ++d)
        layout.padded_shape[d] = std::max(layout.padded_shape[d], (*reach)[d]);
    // A dynamic extent is padded by a rule of its size alone (the plan's formula).
    for (size_t d = 0; d < dynamic_axes.size(); ++d) {
        if (layout.pad_multiples.empty()) layout.pad_multiples.assign(layout.shape.size(), 0);
        if (dynamic_axes[d].empty()) continue;
        int64_t multiple = 1;
        post_order_visit(func->body, [&](const Node *n) {
            if (n->kind != NodeKind::Region) return;
            const auto *region = static_cast<const RegionNode *>(n);
            int64_t extent;
            if (region->buffer.get() == buffer.get() && d < region->ranges.size() &&
                as_const_int(region->ranges[d].extent, &extent) && extent > 0) {
                multiple = std::lcm(multiple, extent);
            }
        });
        layout.pad_multiples[d] = multiple;
        const int64_t padded = (layout.shape[d] + multiple - 1) / multiple * multiple;
        if (layout.padded_shape[d] > padded) {
            TT_USER_ERROR(Validation, buffer->span)
                << "accesses to " << buffer->name << " reach index " << layout.padded_shape[d] - 1 << " of axis " << d
                << ", past its dynamic extent " << dynamic_axes[d] << " = " << layout.shape[d]
                << " rounded up to the blocks copied along it (" << padded << "); a dynamic extent is padded only to "
                << "whole blocks, so index it with blocks of a T.ceildiv grid over " << dynamic_axes[d];
        }
        layout.padded_shape[d] = padded;
    }
    auto axes = flow.global_tile_axes.find(buffer.get());
    layout.tile_axes = axes != flow.global_tile_axes.end() ? axes->second : default_tile_axes(layout.shape.size());
    layout.dtype = buffer->dtype.to_string();
    layout.data_format = tt_data_format(buffer->dtype);
    if (layout.data_format.empty()) {
        TT_USER_ERROR(Validation, buffer->span)
            << "buffer " << buffer->name << " has dtype " << layout.dtype
            << ", which has no Tenstorrent tile format; use bfloat16, float16, float32, int32 or uint32";
    }
    if (layout.dtype == "int8" || layout.dtype == "uint8" || layout.dtype == "uint16") {
        // Tile formats exist on the device, but the host program uploads and reads back tensors
        // only as the element types of TT-Metalium's tilize (see host_plan.cc); the default
        // pipeline's PromoteTTNarrowIntegers holds such tensors as floats before this pass.
        TT_USER_ERROR(Validation, buffer->span)
            << "tensor " << buffer->name << " has dtype " << layout.dtype << ", which the host program cannot upload "
            << "or read back; instead run PromoteTTNarrowIntegers before InferTTLayout (the default pipeline does), "
            << "or use bfloat16, float16, float32, int32 or uint32 tensors";
    }
    layout.page_size = tile_bytes(buffer->dtype);
    auto row_block = flow.global_row_blocks.find(buffer.get());
    if (row_block != flow.global_row_blocks.end()) {
        layout.row_block = row_block->second;
        const int row = layout.tile_axes[0];
        if (kTileRows % layout.row_block != 0 || layout.shape[row] % layout.row_block != 0 ||
            layout.tile_axes.size() != 2 || row + 2 != int(layout.shape.size())) {
            TT_USER_ERROR(Validation, buffer->span)
                << "buffer " << buffer->name << " is copied in blocks of " << layout.row_block
                << " rows of its dimension " << row << " (extent " << layout.shape[row]
                << "), which Tenstorrent stores one block per padded tile "
                << "only when the row count divides 32 and the dimension, and the rows and columns are the tensor's "
                << "last two dimensions; instead use blocks of a divisor of 32 rows, or of 32 rows";
        }
    }
    const auto [tiled, tiled_axes] = blocked_shape(layout);
    layout.shape_tiles = shape_in_tiles(tiled, tiled_axes);
    layout.num_pages = tiles_of_shape(tiled, tiled_axes);
    auto read = flow.global_read.find(buffer.get());
    auto written = flow.global_written.find(buffer.get());
    layout.read = read != flow.global_read.end() && read->second;
    layout.written = written != flow.global_written.end() && written->second;
    if (layout.written && passed_on && layout.padded_shape != layout.shape) {
        TT_USER_ERROR(Validation, buffer->span)
            << "blocks of this launch run past the edge of " << buffer->name << ", which it writes, and later "
            << "launches of the function run after it: one that reads " << buffer->name << " would see what was "
            << "written past the edge instead of zeros; instead give " << buffer->name << " extents that are "
            << "multiples of the blocks copied to and from it (or write it in the last launch)";
    }
    layout.memory = request.memory.value_or(request.layout == LayoutKind::Sharded ? MemoryKind::L1 : MemoryKind::DRAM);
    layout.layout = request.layout.value_or(LayoutKind::Interleaved);
    if (request.data_format) {
        // Weights stored in a block float: quantized when uploaded, dequantized by the unpacker.
        if (layout.dtype != "bfloat16" && layout.dtype != "float32") {
            TT_USER_ERROR(Validation, buffer->span)
                << "layouts[" << buffer->name << "] asks for data_format " << *request.data_format << ", but "
                << buffer->name << " has dtype " << layout.dtype << "; the host quantizes bfloat16 and float32 tensors "
                << "to block floats (TT-Metalium's pack_as_bfp8_tiles / pack_as_bfp4_tiles), so declare it as one "
                << "of those";
        }
        if (layout.written) {
            TT_USER_ERROR(Validation, buffer->span)
                << "layouts[" << buffer->name << "] asks for data_format " << *request.data_format << ", but the kernel "
                << "writes " << buffer->name << "; block-float storage is for tensors the kernel only reads (weights), so "
                << "instead write it in its dtype";
        }
        layout.data_format = *request.data_format;
        layout.page_size = block_float_tile_bytes(layout.data_format);
    }
    if (layout.layout == LayoutKind::Sharded) layout.shard = shard_of(buffer, layout, request, device, dynamic_axes);
    return layout;
}

/*! Per axis of param, the name of the dynamic dimension whose extent it is ("" for a static one);
 *  empty when the function has no dynamic dimensions. */
std::vector<std::string> dynamic_axes(const Buffer &param, const std::optional<DynamicShape> &dynamic) {
    if (!dynamic) return {};
    auto axes = dynamic->tensor_axes.find(param->name);
    return axes == dynamic->tensor_axes.end() ? std::vector<std::string>(param->shape.size()) : axes->second;
}

bool any_sharded(const LayoutDesc &layouts) {
    return std::any_of(layouts.begin(), layouts.end(),
                       [](const auto &entry) { return entry.second.shard.has_value(); });
}

/*! The program runs on the shard grid of the sharded tensors it reads or writes, so they must
 *  agree; and a program with dynamic dimensions serves every size on every core, which a shard
 *  grid would fix. Errors at the second tensor's declaration (or the sharded one's). */
void check_shard_grids(const PrimFunc &func, const LayoutDesc &layouts, bool dynamic) {
    const BufferNode *first = nullptr;
    for (const Buffer &param : func->params) {
        const BufferLayout &layout = layouts.at(param->name);
        if (!layout.shard || !(layout.read || layout.written)) continue;
        if (dynamic) {
            TT_USER_ERROR(Validation, param->span)
                << "layouts[" << param->name << "]: " << func->name << " has dynamic dimensions, so one program "
                << "serves every size on every core, but a sharded tensor fixes the program's cores to its shard grid; "
                << "instead keep " << param->name << " interleaved, or make the dimensions static";
        }
        if (!first) {
            first = param.get();
            continue;
        }
        const auto &grid = layouts.at(first->name).shard->grid;
        if (layout.shard->grid != grid) {
            TT_USER_ERROR(Validation, param->span)
                << "layouts[" << param->name << "]: its shard grid [" << layout.shard->grid[0] << ", "
                << layout.shard->grid[1] << "] differs from " << first->name << "'s [" << grid[0] << ", " << grid[1]
                << "]; a program runs on the shard grid of its sharded tensors, so instead give every sharded tensor "
                << "one launch uses the same shard_grid (shard_shape_tiles may differ)";
        }
    }
}

/*! Buffers whose column axis is padded to whole tiles: tensors by their tile axes, on-chip buffers
 *  of two or more dimensions by their last; a dynamic column axis counts as padded, since some
 *  of its sizes are. */
std::map<const BufferNode *, int> padded_buffers(const PrimFunc &func, const LayoutDesc &layouts) {
    std::map<const BufferNode *, int> padded;
    for (const Buffer &param : func->params) {
        const BufferLayout &layout = layouts.at(param->name);
        const int columns = layout.tile_axes.size() == 2 ? layout.tile_axes[1] : -1;
        const bool dynamic_columns = columns >= 0 && !layout.pad_multiples.empty() && layout.pad_multiples[columns] > 0;
        if (columns >= 0 && (layout.shape[columns] % kTileCols != 0 || dynamic_columns)) {
            padded[param.get()] = layout.tile_axes[1];
        }
    }
    post_order_visit(func->body, [&](const Node *n) {
        if (n->kind != NodeKind::Allocate) return;
        const Buffer &b = static_cast<const AllocateNode *>(n)->buffer;
        int64_t columns = 0;
        if (b->shape.size() >= 2 && as_const_int(b->shape.back(), &columns) && columns % kTileCols != 0) {
            padded[b.get()] = static_cast<int>(b->shape.size()) - 1;
        }
    });
    return padded;
}

/*! The tensor axes whose blocks may run past the edge: those padded to the furthest block, and the
 *  dynamic ones copied in blocks (some of their sizes leave a partial block); each with its extent
 *  as the shape-dependent value the reductions' masks read, a formula of the dimensions when it is
 *  one. */
RaggedAxes ragged_axes(const PrimFunc &func, const LayoutDesc &layouts, const std::optional<DynamicShape> &dynamic) {
    RaggedAxes ragged;
    for (const Buffer &param : func->params) {
        const BufferLayout &layout = layouts.at(param->name);
        for (size_t d = 0; d < layout.shape.size(); ++d) {
            const bool dynamic_blocks = !layout.pad_multiples.empty() && layout.pad_multiples[d] > 1;
            if (layout.padded_shape[d] == layout.shape[d] && !dynamic_blocks) continue;
            std::vector<Expr> args{StringImmNode::make(param->name + "_extent_" + std::to_string(d)),
                                   make_int(layout.shape[d])};
            if (dynamic_blocks) {
                const Json formula = layout_formulas(layout, dynamic_axes(param, dynamic)).shape[d];
                args.push_back(StringImmNode::make(formula.dump()));
            }
            ragged[param.get()][static_cast<int>(d)] = CallNode::make("tt.runtime_constant", args);
        }
    }
    return ragged;
}

/*! On-chip buffers of two or more dimensions with fewer than 32 rows: blocks padded to a tile. */
std::set<const BufferNode *> row_padded_buffers(const PrimFunc &func) {
    std::set<const BufferNode *> padded;
    post_order_visit(func->body, [&](const Node *n) {
        if (n->kind != NodeKind::Allocate) return;
        const Buffer &b = static_cast<const AllocateNode *>(n)->buffer;
        int64_t rows = 0;
        if (b->shape.size() >= 2 && as_const_int(b->shape[b->shape.size() - 2], &rows) && rows < kTileRows) {
            padded.insert(b.get());
        }
    });
    return padded;
}

}  // namespace

CoreGrid choose_core_grid(const std::vector<int64_t> &grid, const target::DeviceSpec &device,
                          const LayoutDesc &layouts) {
    for (const auto &[name, layout] : layouts) {
        if (layout.shard && (layout.read || layout.written)) return CoreGrid{layout.shard->grid[0], layout.shard->grid[1]};
    }
    if (grid.size() == 2 && grid[0] <= device.grid_x && grid[1] <= device.grid_y) {
        return CoreGrid{static_cast<int>(grid[0]), static_cast<int>(grid[1])};
    }
    int64_t blocks = 1;
    for (int64_t g : grid) blocks *= g;
    const int64_t cores = std::min<int64_t>(blocks, device.num_cores());
    const int64_t x = std::min<int64_t>(cores, device.grid_x);
    return CoreGrid{static_cast<int>(x), static_cast<int>((cores + x - 1) / x)};
}

PrimFunc infer_tt_layout(const PrimFunc &func, const PassContext &ctx) {
    const target::DeviceSpec &device = ctx.device();
    const std::map<std::string, LayoutAnnotation> requests = merged_requests(func, ctx);
    const DataFlow flow = analyze_data_flow(func);
    const CheckedBounds bounds = verify_tt_bounds(func);
    const auto launch = find_attr<Json>(func, attr::TT_LAUNCH);
    const bool passed_on = launch && launch->at("index").get<int>() + 1 < launch->at("count").get<int>();
    const auto dynamic = find_attr<DynamicShape>(func, attr::TT_DYNAMIC_SHAPE);
    LayoutDesc layouts;
    for (const Buffer &param : func->params) {
        auto request = requests.find(param->name);
        auto reach = bounds.block_reach.find(param.get());
        layouts[param->name] = layout_of(
            func, param, flow, request == requests.end() ? LayoutAnnotation{} : request->second, device,
            reach == bounds.block_reach.end() ? nullptr : &reach->second, passed_on, dynamic_axes(param, dynamic));
    }
    check_shard_grids(func, layouts, dynamic.has_value());
    // A program that serves every size has every core: its blocks are dealt at run time.
    const CoreGrid core_grid = dynamic && !any_sharded(layouts) ? CoreGrid{device.grid_x, device.grid_y}
                                                                : choose_core_grid(launch_grid(func), device, layouts);
    const PrimFunc checked = verify_tt_padding(bounds.func, padded_buffers(func, layouts), row_padded_buffers(func),
                                               ragged_axes(func, layouts, dynamic), passed_on);
    PrimFunc out = with_attr(checked, attr::TT_DEVICE, device.name);
    out = with_attr(out, attr::TT_CORE_GRID, core_grid);
    return with_attr(out, attr::TT_LAYOUT_DESC, layouts);
}

Pass infer_tt_layout_pass() {
    return Pass{"InferTTLayout", [](const IRModule &mod, const PassContext &ctx) {
                    // The later passes make the kernels of one program from the module.
                    if (mod->functions.size() > 1) {
                        TT_USER_ERROR(Validation, mod->functions[1].second->span)
                            << "the module has " << mod->functions.size() << " functions (" << mod->functions[0].first
                            << ", " << mod->functions[1].first << ", ...); the pipeline "
                            << "lowers one function into one program, so instead run it on each function (or compile "
                            << "with tilelang_tt.compile, which does that for the launches of one function)";
                    }
                    return map_functions(mod, [&](const PrimFunc &f) { return infer_tt_layout(f, ctx); });
                }};
}

}  // namespace tt::transform
