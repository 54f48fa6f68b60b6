// Kernel API: arguments and circular buffers. A CB is a FIFO of pages in the core's L1 shared by
// one producer and one consumer kernel; the checks below are the ones whose violation would hang
// or corrupt data on a real device.
#include <algorithm>
#include <array>
#include <cstring>
#include <string>

#include "sim/races.h"
#include "sim/runtime.h"

namespace tt_sim {

namespace {
constexpr uint32_t kUnwrittenWord = 0x7fbf7fbfu;
}  // namespace

void mark_unwritten(uint8_t *page, uint32_t bytes) {
    static const std::array<uint32_t, 1024> pattern = [] {
        std::array<uint32_t, 1024> words;
        words.fill(kUnwrittenWord);
        return words;
    }();
    const uint32_t whole_words = bytes / 4 * 4;
    for (uint32_t i = 0; i < whole_words; i += sizeof(pattern))
        std::memcpy(page + i, pattern.data(), std::min<uint32_t>(sizeof(pattern), whole_words - i));
}

bool never_written(const uint8_t *page, uint32_t bytes) {
    for (uint32_t i = 0; i + 4 <= bytes; i += 4)
        if (std::memcmp(page + i, &kUnwrittenWord, 4) != 0) return false;
    return bytes >= 4;
}

}  // namespace tt_sim

namespace tt_sim::k {

namespace {

CircularBuffer &cb_of(int32_t cb, const char *call, const Loc &loc) {
    KernelInstance &k = current_kernel();
    const int limit = current_run().device->spec.num_circular_buffers;
    if (cb < 0 || cb >= limit)
        fail(call, loc, "cb index " + std::to_string(cb) + " is out of range (0.." + std::to_string(limit - 1) + ")");
    CircularBuffer &state = current_run().cbs[k.core][cb];
    if (!state.configured)
        fail(call, loc, "cb " + std::to_string(cb) + " was not created on this core (CreateCircularBuffer)");
    return state;
}

void check_pages(const CircularBuffer &state, int32_t cb, int32_t pages, const char *call, const Loc &loc) {
    if (pages <= 0) fail(call, loc, "page count must be positive, got " + std::to_string(pages));
    if (static_cast<uint32_t>(pages) > state.num_pages)
        fail(call, loc,
             "asks for " + std::to_string(pages) + " pages but cb " + std::to_string(cb) + " holds only " +
                 std::to_string(state.num_pages) + " (CB overflow: this would never complete)");
}

}  // namespace

[[noreturn]] void not_modelled(const char *call, const char *what, Loc loc) {
    fail(call, loc, std::string(what) + " is not modelled by the simulator");
}

uint32_t runtime_arg(uint32_t index, bool common, Loc loc) {
    KernelInstance &k = current_kernel();
    const std::vector<uint32_t> &args = common ? k.spec->common_runtime_args : k.runtime_args;
    if (index >= args.size())
        fail(common ? "get_common_arg_val" : "get_arg_val", loc,
             "runtime argument index " + std::to_string(index) + " is out of range; this core was given " +
                 std::to_string(args.size()) +
                 (common ? " common runtime argument(s)" : " runtime argument(s) (SetRuntimeArgs)"));
    return args[index];
}

void cb_reserve_back(int32_t cb, int32_t pages, Loc loc) {
    CircularBuffer &state = cb_of(cb, "cb_reserve_back", loc);
    check_pages(state, cb, pages, "cb_reserve_back", loc);
    block_until(
        "cb_reserve_back", loc, [&state, pages]() { return state.free_pages() >= static_cast<uint32_t>(pages); },
        [&state, cb, pages]() {
            return "cb " + std::to_string(cb) + ": needs " + std::to_string(pages) + " free page(s), " +
                   std::to_string(state.free_pages()) + " of " + std::to_string(state.num_pages) + " free";
        });
    races::acquire_cb(cb, false);
    const bool packer = current_kernel().spec->compute;
    if (packer && state.reserved_over.empty()) state.reserved_over.resize(size_t(state.num_pages) * state.page_size);
    for (uint32_t page = state.reserved; page < static_cast<uint32_t>(pages); ++page) {
        uint8_t *bytes = current_run().device->memory.l1(current_kernel().core, state.slot_address(state.write_slot + page));
        if (packer) {
            const uint32_t slot = (state.write_slot + page) % state.num_pages;
            std::memcpy(&state.reserved_over[size_t(slot) * state.page_size], bytes, state.page_size);
        }
        mark_unwritten(bytes, state.page_size);
    }
    state.reserved = std::max(state.reserved, static_cast<uint32_t>(pages));
    state.producer = &current_kernel();
    state.reserve_loc = loc;
}

void cb_push_back(int32_t cb, int32_t pages, Loc loc) {
    CircularBuffer &state = cb_of(cb, "cb_push_back", loc);
    KernelInstance &k = current_kernel();
    if (pages <= 0) fail("cb_push_back", loc, "page count must be positive, got " + std::to_string(pages));
    if (static_cast<uint32_t>(pages) > state.reserved)
        fail("cb_push_back", loc,
             "pushes " + std::to_string(pages) + " page(s) of cb " + std::to_string(cb) + " but only " +
                 std::to_string(state.reserved) + " are reserved (missing cb_reserve_back)");
    const uint32_t slot = state.write_slot % state.num_pages;
    if (slot + pages > state.num_pages)
        fail("cb_push_back", loc,
             "CB overflow: pushing " + std::to_string(pages) + " page(s) at page " + std::to_string(slot) +
                 " runs past the end of cb " + std::to_string(cb) + " (" + std::to_string(state.num_pages) +
                 " pages); pages pushed per step must divide the CB size");
    const uint32_t begin = state.slot_address(slot), end = begin + pages * state.page_size;
    for (const PendingTransfer &r : k.pending_reads)
        if (r.l1_begin < end && begin < r.l1_end)
            fail("cb_push_back", loc,
                 "pushes pages of cb " + std::to_string(cb) + " that a noc_async_read started at line " +
                     std::to_string(r.loc.line) + " may still be writing (missing noc_async_read_barrier)");
    state.write_slot = (slot + pages) % state.num_pages;
    state.received += pages;
    state.reserved -= pages;
    state.pack_cursor = state.pack_cursor > static_cast<uint32_t>(pages) ? state.pack_cursor - pages : 0;
    races::release_cb(cb, true);
}

void cb_wait_front(int32_t cb, int32_t pages, Loc loc) {
    CircularBuffer &state = cb_of(cb, "cb_wait_front", loc);
    check_pages(state, cb, pages, "cb_wait_front", loc);
    block_until(
        "cb_wait_front", loc, [&state, pages]() { return state.available() >= static_cast<uint32_t>(pages); },
        [&state, cb, pages]() {
            return "cb " + std::to_string(cb) + ": needs " + std::to_string(pages) + " page(s), " +
                   std::to_string(state.available()) + " available";
        });
    state.waited = std::max(state.waited, static_cast<uint32_t>(pages));
    races::acquire_cb(cb, true);
}

void cb_pop_front(int32_t cb, int32_t pages, Loc loc) {
    CircularBuffer &state = cb_of(cb, "cb_pop_front", loc);
    KernelInstance &k = current_kernel();
    if (pages <= 0) fail("cb_pop_front", loc, "page count must be positive, got " + std::to_string(pages));
    if (static_cast<uint32_t>(pages) > state.available())
        fail("cb_pop_front", loc,
             "pops " + std::to_string(pages) + " page(s) of cb " + std::to_string(cb) + " but only " +
                 std::to_string(state.available()) + " are available");
    if (static_cast<uint32_t>(pages) > state.waited)
        fail("cb_pop_front", loc,
             "pops " + std::to_string(pages) + " page(s) of cb " + std::to_string(cb) + " after waiting for " +
                 std::to_string(state.waited) + " (missing cb_wait_front)");
    const uint32_t slot = state.read_slot % state.num_pages;
    if (slot + pages > state.num_pages)
        fail("cb_pop_front", loc,
             "pops " + std::to_string(pages) + " page(s) at page " + std::to_string(slot) + " past the end of cb " +
                 std::to_string(cb) + "; pages popped per step must divide the CB size");
    const uint32_t begin = state.slot_address(slot), end = begin + pages * state.page_size;
    for (const PendingTransfer &w : k.pending_writes)
        if (w.l1_begin < end && begin < w.l1_end)
            fail("cb_pop_front", loc,
                 "frees pages of cb " + std::to_string(cb) + " that a noc_async_write started at line " +
                     std::to_string(w.loc.line) + " may still be reading (missing noc_async_write_barrier)");
    state.read_slot = (slot + pages) % state.num_pages;
    state.acked += pages;
    state.waited -= pages;
    races::release_cb(cb, false);
}

namespace {

/*! A kernel polling a CB in a loop must let its peers run, or the poll would never succeed. */
bool poll(bool ready, int32_t cb, int32_t pages, const char *call, const Loc &loc) {
    if (!ready)
        yield_polling(call, loc, "cb " + std::to_string(cb) + ": polls for " + std::to_string(pages) + " page(s)");
    return ready;
}

}  // namespace

bool cb_pages_reservable_at_back(int32_t cb, int32_t pages, Loc loc) {
    const char *call = "cb_pages_reservable_at_back";
    return poll(cb_of(cb, call, loc).free_pages() >= static_cast<uint32_t>(pages), cb, pages, call, loc);
}

bool cb_pages_available_at_front(int32_t cb, int32_t pages, Loc loc) {
    const char *call = "cb_pages_available_at_front";
    return poll(cb_of(cb, call, loc).available() >= static_cast<uint32_t>(pages), cb, pages, call, loc);
}

uint32_t cb_write_ptr(uint32_t cb, Loc loc) {
    const CircularBuffer &state = cb_of(static_cast<int32_t>(cb), "get_write_ptr", loc);
    return state.slot_address(state.write_slot);
}

uint32_t cb_read_ptr(uint32_t cb, Loc loc) {
    const CircularBuffer &state = cb_of(static_cast<int32_t>(cb), "get_read_ptr", loc);
    return state.slot_address(state.read_slot);
}

uint32_t cb_page_size(uint32_t cb, Loc loc) {
    return cb_of(static_cast<int32_t>(cb), "CircularBuffer::get_tile_address", loc).page_size;
}

void check_cb_index(int32_t cb, const char *call, Loc loc) {
    cb_of(cb, call, loc);
}

uint32_t logical_x() {
    return static_cast<uint32_t>(current_kernel().coord.x);
}

uint32_t logical_y() {
    return static_cast<uint32_t>(current_kernel().coord.y);
}

}  // namespace tt_sim::k
