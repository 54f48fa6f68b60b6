// The happens-before check of DRAM accesses between kernels (contract in races.h).
#include "sim/races.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace tt_sim::races {

namespace {

using Clock = std::vector<uint32_t>;  ///< per kernel instance: the last of its epochs known

/*! The last write of a range of one DRAM bank: [key's address, end). */
struct Write {
    uint32_t end = 0;
    int writer = 0;  ///< instance index
    uint32_t epoch = 0;
    Loc loc{nullptr, 0};
};

struct State {
    const Run *run = nullptr;
    std::vector<Clock> clocks;                           ///< per instance
    std::vector<uint32_t> oldest_unlanded;               ///< per instance: epoch of its oldest unacknowledged write, 0: none
    std::map<std::pair<int, int>, Clock> cb_pushed;      ///< (core, cb): what its pushed pages carry
    std::map<std::pair<int, int>, Clock> cb_freed;       ///< (core, cb): what its freed pages carry
    std::map<std::pair<int, uint32_t>, Clock> semaphores;  ///< (core, L1 address)
    std::map<uint64_t, Write> writes;                    ///< key: bank << 32 | first byte
};

State g_state;

int self() {
    const int index = current_kernel().index;
    return index >= 0 && g_state.run == &current_run() ? index : -1;
}

void join(Clock &into, const Clock &from) {
    if (into.size() < from.size()) into.resize(from.size(), 0);
    for (size_t i = 0; i < from.size(); ++i) into[i] = std::max(into[i], from[i]);
}

/*! The current kernel's knowledge passes into `into`; its epoch advances. Writes not yet
 *  acknowledged are not part of what it passes on. */
void release(Clock &into) {
    const int i = self();
    if (i < 0) return;
    Clock known = g_state.clocks[i];
    if (g_state.oldest_unlanded[i]) known[i] = g_state.oldest_unlanded[i] - 1;
    join(into, known);
    ++g_state.clocks[i][i];
}

void acquire(const Clock &from) {
    const int i = self();
    if (i >= 0) join(g_state.clocks[i], from);
}

std::string kernel_name(int index) {
    const KernelInstance &k = *g_state.run->instances[index];
    return k.spec->describe() + " on core (" + std::to_string(k.coord.x) + "," + std::to_string(k.coord.y) + ")";
}

std::string file_line(const Loc &loc) {
    std::string file = loc.file ? loc.file : "?";
    const size_t slash = file.find_last_of('/');
    return (slash == std::string::npos ? file : file.substr(slash + 1)) + ":" + std::to_string(loc.line);
}

}  // namespace

void begin(Run &run) {
    g_state = State{};
    g_state.run = &run;
    const size_t n = run.instances.size();
    g_state.clocks.assign(n, Clock(n, 0));
    g_state.oldest_unlanded.assign(n, 0);
    for (size_t i = 0; i < n; ++i) {
        run.instances[i]->index = static_cast<int>(i);
        g_state.clocks[i][i] = 1;
    }
}

void release_cb(int cb, bool push) {
    auto &table = push ? g_state.cb_pushed : g_state.cb_freed;
    release(table[{current_kernel().core, cb}]);
}

void acquire_cb(int cb, bool wait) {
    const auto &table = wait ? g_state.cb_pushed : g_state.cb_freed;
    auto it = table.find({current_kernel().core, cb});
    if (it != table.end()) acquire(it->second);
}

void release_semaphore(int core, uint32_t l1_address) {
    if (l1_address < kSemaphoreBase || l1_address >= kSemaphoreBase + current_run().num_semaphores * kSemaphoreStride)
        return;
    release(g_state.semaphores[{core, l1_address}]);
}

void acquire_semaphore(uint32_t l1_address) {
    auto it = g_state.semaphores.find({current_kernel().core, l1_address});
    if (it != g_state.semaphores.end()) acquire(it->second);
}

void writes_landed() {
    const int i = self();
    if (i >= 0) g_state.oldest_unlanded[i] = 0;
}

void dram_access(uint32_t bank, uint32_t address, uint32_t size, bool write, const char *call, const Loc &loc) {
    const int i = self();
    if (i < 0 || size == 0) return;
    const uint64_t base = uint64_t(bank) << 32, begin = base | address, end = begin + size;
    auto &writes = g_state.writes;
    auto it = writes.upper_bound(begin);
    if (it != writes.begin() && (std::prev(it)->first >> 32) == bank && (base | std::prev(it)->second.end) > begin) --it;
    std::vector<std::pair<uint64_t, Write>> kept;  // the parts of overwritten ranges outside this write
    while (it != writes.end() && it->first < end) {
        const Write &w = it->second;
        if (w.writer != i && g_state.clocks[i][w.writer] < w.epoch) {
            fail(call, loc,
                 std::string(write ? "writes" : "reads") + " DRAM bytes that " + kernel_name(w.writer) +
                     " wrote at " + file_line(w.loc) +
                     " without anything ordering that write before this access (a CB page or a semaphore passed "
                     "on after the writer's noc_async_write_barrier); on the device the kernels run concurrently, "
                     "so the " + (write ? "two writes may land in either order" : "read may see the old bytes"));
        }
        if (!write) {
            ++it;
            continue;
        }
        if (it->first < begin) kept.push_back({it->first, Write{static_cast<uint32_t>(begin - base), w.writer, w.epoch, w.loc}});
        if ((base | w.end) > end) kept.push_back({end, w});
        it = writes.erase(it);
    }
    if (!write) return;
    for (auto &[key, part] : kept) writes[key] = part;
    writes[begin] = Write{static_cast<uint32_t>(end - base), i, g_state.clocks[i][i], loc};
    if (!g_state.oldest_unlanded[i]) g_state.oldest_unlanded[i] = g_state.clocks[i][i];
}

}  // namespace tt_sim::races
