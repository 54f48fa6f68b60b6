// Sharded buffers on the simulator: BufferDistributionSpec (which core holds which pages, with the
// release's rules), allocating a buffer with sharding args, where a page of any buffer lives, and
// the host TensorAccessorArgs words a kernel's accessor reads (interleaved and sharded). Functions
// declared in the TT-Metalium headers have the signatures libtt_metal.so v0.67.4 exports.
#include <algorithm>

#include "sim/runtime.h"

namespace tt::tt_metal {

namespace {

[[noreturn]] void invalid(const std::string &what) {
    throw tt::Error(tt::ErrorKind::Validation, what);
}

uint32_t div_up(uint32_t a, uint32_t b) {
    return (a + b - 1) / b;
}

std::string shape_text(const Shape &shape) {
    std::string text = "[";
    for (size_t i = 0; i < shape.rank(); ++i) text += (i ? ", " : "") + std::to_string(shape[static_cast<int32_t>(i)]);
    return text + "]";
}

}  // namespace

namespace detail {

std::pair<Shape, Shape> squeeze_shape_ranks(const Shape &tensor_shape, const Shape &shard_shape) {
    if (tensor_shape.rank() < shard_shape.rank())
        invalid("a shard shape " + shape_text(shard_shape) + " has a higher rank than its tensor shape " +
                shape_text(tensor_shape));
    // Walk the dimensions from the innermost, merging a dimension into the one inside it when the
    // mapping stays the same: while every dimension so far is whole in the shard, or when the shard
    // takes one row of it and the inner dimension is cut evenly. Innermost first, reversed at the end.
    const uint64_t tensor_volume = tensor_shape.volume(), shard_volume = shard_shape.volume();
    std::vector<uint32_t> tensor_dims, shard_dims;
    bool all_whole_so_far = false, inner_cut_evenly = false;
    uint64_t tensor_seen = 1, shard_seen = 1;
    const int32_t shard_rank = static_cast<int32_t>(shard_shape.rank());
    for (int32_t dim = -1; dim >= -shard_rank; --dim) {
        const uint32_t tensor_size = tensor_shape[dim], shard_size = shard_shape[dim];
        const bool merge = dim < -1 && (all_whole_so_far || (shard_size == 1 && inner_cut_evenly));
        if (merge) {
            tensor_dims.back() *= tensor_size;
            shard_dims.back() *= shard_size;
        } else {
            tensor_dims.push_back(tensor_size);
            shard_dims.push_back(shard_size);
            all_whole_so_far = true;
        }
        all_whole_so_far = all_whole_so_far && tensor_size == shard_size;
        inner_cut_evenly = tensor_size % shard_size == 0;
        tensor_seen *= tensor_size;
        shard_seen *= shard_size;
        if (tensor_seen == tensor_volume && shard_seen == shard_volume) break;
    }
    // Tensor dimensions outside the shard's rank fold into the outermost one kept.
    for (int32_t dim = -shard_rank - 1; dim >= -static_cast<int32_t>(tensor_shape.rank()); --dim)
        tensor_dims.back() *= tensor_shape[dim];
    std::reverse(tensor_dims.begin(), tensor_dims.end());
    std::reverse(shard_dims.begin(), shard_dims.end());
    return {Shape(ShapeBase::Container(tensor_dims.begin(), tensor_dims.end())),
            Shape(ShapeBase::Container(shard_dims.begin(), shard_dims.end()))};
}

}  // namespace detail

BufferDistributionSpec::BufferDistributionSpec(const Shape &tensor_shape_in_pages, const Shape &shard_shape_in_pages,
                                               const CoreRangeSet &core_range_set, ShardOrientation shard_orientation,
                                               ShardDistributionStrategy shard_distribution_strategy)
    : BufferDistributionSpec(tensor_shape_in_pages, shard_shape_in_pages,
                             compute_core_list(tensor_shape_in_pages, shard_shape_in_pages, core_range_set,
                                               shard_orientation, shard_distribution_strategy)) {
    shard_distribution_strategy_ = shard_distribution_strategy;
}

BufferDistributionSpec::BufferDistributionSpec(const Shape &tensor_shape_in_pages, const Shape &shard_shape_in_pages,
                                               std::vector<CoreCoord> cores)
    : cores_(std::move(cores)) {
    if (tensor_shape_in_pages.rank() < 1 || shard_shape_in_pages.rank() < 1)
        invalid("BufferDistributionSpec: the tensor and shard shapes need at least one dimension");
    if (shard_shape_in_pages.volume() == 0)
        invalid("BufferDistributionSpec: the shard shape " + shape_text(shard_shape_in_pages) + " has no pages");
    std::tie(tensor_shape_in_pages_, shard_shape_in_pages_) =
        detail::squeeze_shape_ranks(tensor_shape_in_pages, shard_shape_in_pages);
    if (tensor_shape_in_pages_.volume() != 0 && cores_.empty())
        invalid("BufferDistributionSpec: a tensor of " + std::to_string(tensor_shape_in_pages_.volume()) +
                " pages cannot be distributed over no cores");
    init_precomputed_data();
}

std::vector<CoreCoord>
BufferDistributionSpec::compute_core_list(const Shape &tensor_shape_in_pages, const Shape &shard_shape_in_pages,
                                          const CoreRangeSet &core_range_set, ShardOrientation shard_orientation,
                                          ShardDistributionStrategy shard_distribution_strategy) {
    const bool row_major = shard_orientation == ShardOrientation::ROW_MAJOR;
    if (shard_distribution_strategy == ShardDistributionStrategy::ROUND_ROBIN_1D)
        return corerange_to_cores(core_range_set, core_range_set.num_cores(), row_major);
    if (shard_shape_in_pages.rank() > 2)
        invalid("BufferDistributionSpec: GRID_2D distribution needs a shard shape of rank 2 at most, not " +
                shape_text(shard_shape_in_pages));
    if (core_range_set.ranges().size() != 1)
        invalid("BufferDistributionSpec: GRID_2D distribution needs one contiguous core range");
    const CoreRange grid = core_range_set.ranges()[0];
    // A shard grid of rows x columns takes the top-left rows x columns cores (transposed for COL_MAJOR).
    auto shards_along = [&](int32_t dim) {
        const int32_t rank = static_cast<int32_t>(shard_shape_in_pages.rank());
        if (-dim > rank || -dim > static_cast<int32_t>(tensor_shape_in_pages.rank())) return 1u;
        return std::max(div_up(tensor_shape_in_pages[dim], shard_shape_in_pages[dim]), 1u);
    };
    uint32_t across = shards_along(-1), down = shards_along(-2);
    if (!row_major) std::swap(across, down);
    if (across > grid.grid_size().x || down > grid.grid_size().y)
        invalid("BufferDistributionSpec: GRID_2D needs " + std::to_string(across) + "x" + std::to_string(down) +
                " cores but the core range " + grid.str() + " is smaller");
    const CoreRange used(grid.start_coord, {grid.start_coord.x + across - 1, grid.start_coord.y + down - 1});
    return corerange_to_cores(CoreRangeSet(used), static_cast<uint32_t>(used.size()), row_major);
}

void BufferDistributionSpec::init_precomputed_data() {
    shard_volume_ = shard_shape_in_pages_.volume();
    num_shards_ = 0;
    if (tensor_shape_in_pages_.volume() != 0) {
        num_shards_ = 1;
        for (size_t i = 0; i < tensor_shape_in_pages_.rank(); ++i) {
            const int32_t d = static_cast<int32_t>(i);
            num_shards_ *= div_up(tensor_shape_in_pages_[d], shard_shape_in_pages_[d]);
        }
    }
    cores_with_data_.assign(cores_.begin(), cores_.begin() + static_cast<std::ptrdiff_t>(num_cores_with_data()));
}

size_t BufferDistributionSpec::num_shards() const {
    return num_shards_;
}
size_t BufferDistributionSpec::num_cores_with_data() const {
    return std::min(num_cores(), num_shards());
}
size_t BufferDistributionSpec::max_num_shards_per_core() const {
    return cores_.empty() ? 0 : (num_shards() + cores_.size() - 1) / cores_.size();
}
size_t BufferDistributionSpec::max_num_dev_pages_per_core() const {
    return max_num_shards_per_core() * shard_volume_;
}
size_t BufferDistributionSpec::num_shards_per_core(size_t core_idx) const {
    return num_shards() / num_cores() + (core_idx < num_shards() % num_cores() ? 1 : 0);
}
size_t BufferDistributionSpec::num_dev_pages_per_core(size_t core_idx) const {
    return num_shards_per_core(core_idx) * shard_volume_;
}

bool ShardSpec::operator==(const ShardSpec &other) const {
    return grid == other.grid && shape == other.shape && orientation == other.orientation;
}
bool ShardSpec::operator!=(const ShardSpec &other) const {
    return !(*this == other);
}
std::array<uint32_t, 2> ShardSpecBuffer::shape_in_pages() const {
    const auto in_pages = [&](int i) { return page_shape[i] == 0 ? 0u : tensor_shard_spec.shape[i] / page_shape[i]; };
    return {in_pages(0), in_pages(1)};
}
DeviceAddr ShardSpecBuffer::num_pages() const {
    const auto shape = shape_in_pages();
    return DeviceAddr(shape[0]) * shape[1];
}

std::shared_ptr<Buffer> Buffer::create(IDevice *device, DeviceAddr size, DeviceAddr page_size, BufferType buffer_type,
                                       const BufferShardingArgs &sharding_args, std::optional<bool>,
                                       std::optional<SubDeviceId>) {
    if (!device) invalid("Buffer::create: null device");
    if (sharding_args.shard_spec() && !sharding_args.buffer_distribution_spec())
        invalid("Buffer::create: sharding by a legacy ShardSpecBuffer is not simulated; describe the sharding with "
                "a BufferDistributionSpec");
    return std::make_shared<Buffer>(device->state_->allocate(buffer_type, size, static_cast<uint32_t>(page_size),
                                                             sharding_args.buffer_distribution_spec()));
}

const std::optional<BufferDistributionSpec> &Buffer::buffer_distribution_spec() const {
    return state_->distribution;
}

TensorAccessorArgs::TensorAccessorArgs(const Buffer &buffer, tensor_accessor::ArgsConfig args_config)
    : buffer_(&buffer), config_(args_config) {
    using tensor_accessor::ArgConfig;
    // The buffer decides Sharded and IsDram; an interleaved buffer keeps no other flag.
    if (buffer.buffer_distribution_spec())
        config_.set(ArgConfig::Sharded);
    else
        config_ = ArgConfig::None;
    config_.set(ArgConfig::IsDram, buffer.is_dram());
    if (config_.test(ArgConfig::RuntimeRank) &&
        !(config_.test(ArgConfig::RuntimeTensorShape) && config_.test(ArgConfig::RuntimeShardShape)))
        invalid("TensorAccessorArgs: if rank is runtime, tensor_shape and shard_shape must also be runtime");
    if (config_.test(ArgConfig::RuntimeNumBanks) && !config_.test(ArgConfig::RuntimeBankCoords))
        invalid("TensorAccessorArgs: if num_banks is runtime, bank_coords must also be runtime");
}
TensorAccessorArgs::TensorAccessorArgs(const Buffer *buffer, tensor_accessor::ArgsConfig args_config)
    : TensorAccessorArgs(*buffer, args_config) {}
TensorAccessorArgs::TensorAccessorArgs(const std::shared_ptr<Buffer> &buffer, tensor_accessor::ArgsConfig args_config)
    : TensorAccessorArgs(*buffer, args_config) {}
TensorAccessorArgs::TensorAccessorArgs(const distributed::MeshBuffer &buffer, tensor_accessor::ArgsConfig args_config)
    : TensorAccessorArgs(*buffer.get_reference_buffer(), args_config) {}
TensorAccessorArgs::TensorAccessorArgs(const distributed::MeshBuffer *buffer, tensor_accessor::ArgsConfig args_config)
    : TensorAccessorArgs(*buffer->get_reference_buffer(), args_config) {}
TensorAccessorArgs::TensorAccessorArgs(const std::shared_ptr<distributed::MeshBuffer> &buffer,
                                       tensor_accessor::ArgsConfig args_config)
    : TensorAccessorArgs(*buffer->get_reference_buffer(), args_config) {}

void TensorAccessorArgs::append_words(std::vector<uint32_t> &words, bool runtime) const {
    using tensor_accessor::ArgConfig;
    if (!runtime) {
        words.push_back(config_.raw());
        words.push_back(buffer_ ? static_cast<uint32_t>(buffer_->aligned_page_size()) : 0);
    }
    if (!config_.test(ArgConfig::Sharded)) return;
    const BufferDistributionSpec &spec = *buffer_->buffer_distribution_spec();
    const Shape &tensor_shape = spec.tensor_shape_in_pages(), &shard_shape = spec.shard_shape_in_pages();
    if (tensor_shape.rank() > MAX_NUM_DIMENSIONS)
        invalid("TensorAccessorArgs: a sharded tensor of rank " + std::to_string(tensor_shape.rank()) +
                " exceeds the accessor's " + std::to_string(MAX_NUM_DIMENSIONS) + " dimensions");
    const auto here = [&](ArgConfig flag) { return config_.test(flag) == runtime; };
    if (here(ArgConfig::RuntimeRank)) words.push_back(static_cast<uint32_t>(tensor_shape.rank()));
    if (here(ArgConfig::RuntimeNumBanks)) words.push_back(static_cast<uint32_t>(spec.num_cores()));
    if (here(ArgConfig::RuntimeTensorShape)) words.insert(words.end(), tensor_shape.cbegin(), tensor_shape.cend());
    if (here(ArgConfig::RuntimeShardShape)) words.insert(words.end(), shard_shape.cbegin(), shard_shape.cend());
    if (here(ArgConfig::RuntimeBankCoords)) {
        // Two banks per word, the even bank in the low half: (x << 8) | y of its virtual NoC coordinates.
        const tt::target::DeviceSpec &device = buffer_->state_->device->spec;
        const auto packed = [&](const CoreCoord &c) {
            return ((uint32_t(device.worker_noc_x[c.x]) & 0xFF) << 8) | (uint32_t(device.worker_noc_y[c.y]) & 0xFF);
        };
        const std::vector<CoreCoord> &cores = spec.cores();
        for (size_t i = 0; i < cores.size(); i += 2)
            words.push_back(packed(cores[i]) | (i + 1 < cores.size() ? packed(cores[i + 1]) << 16 : 0));
    }
}

void TensorAccessorArgs::append_to(std::vector<uint32_t> &compile_time_args) const {
    if ((config_.raw() & static_cast<uint8_t>(tensor_accessor::ArgConfig::Runtime)) != 0)
        invalid("TensorAccessorArgs::append_to: ArgsConfig " + std::to_string(config_.raw()) +
                " puts words among the common runtime arguments; call append_to(compile_time_args, "
                "common_runtime_args)");
    append_words(compile_time_args, false);
}
void TensorAccessorArgs::append_to(std::vector<uint32_t> &compile_time_args,
                                   std::vector<uint32_t> &common_runtime_args) const {
    append_words(compile_time_args, false);
    append_words(common_runtime_args, true);
}
std::vector<uint32_t> TensorAccessorArgs::get_compile_time_args() const {
    std::vector<uint32_t> words;
    append_words(words, false);
    return words;
}
std::vector<uint32_t> TensorAccessorArgs::get_common_runtime_args() const {
    std::vector<uint32_t> words;
    append_words(words, true);
    return words;
}

}  // namespace tt::tt_metal

namespace tt_sim {

PagePlace BufferState::place(uint32_t page) const {
    if (!sharded()) return {page % num_banks, page / num_banks};
    // Page coordinates row-major over the tensor; shards row-major over the grid of shards.
    const tt::tt_metal::Shape &tensor = distribution->tensor_shape_in_pages();
    const tt::tt_metal::Shape &shard = distribution->shard_shape_in_pages();
    uint64_t shard_id = 0, in_shard = 0, shard_stride = 1, grid_stride = 1;
    uint32_t rest = page;
    for (int32_t d = static_cast<int32_t>(tensor.rank()) - 1; d >= 0; --d) {
        const uint32_t coord = rest % tensor[d];
        rest /= tensor[d];
        shard_id += (coord / shard[d]) * grid_stride;
        in_shard += (coord % shard[d]) * shard_stride;
        grid_stride *= (tensor[d] + shard[d] - 1) / shard[d];
        shard_stride *= shard[d];
    }
    return {static_cast<uint32_t>(shard_id % num_banks), (shard_id / num_banks) * shard.volume() + in_shard};
}

}  // namespace tt_sim
