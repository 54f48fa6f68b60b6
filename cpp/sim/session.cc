// Buffer transfers, program runs and their statistics, shared by the host API and the Python
// bindings (session.h).
#include "sim/session.h"

#include <cstdlib>
#include <cstring>
#include <fstream>

namespace tt_sim {

namespace {

RunStats g_last;

template <typename Copy>
void for_each_page(const BufferState &buffer, size_t bytes, const char *what, Copy copy) {
    if (bytes > buffer.size)
        throw tt::Error(tt::ErrorKind::Validation, std::string(what) + " of " + std::to_string(bytes) + " bytes exceeds the buffer's " +
                                                       std::to_string(buffer.size));
    DeviceState &dev = *buffer.device;
    for (uint32_t page = 0; page * uint64_t(buffer.page_size) < bytes; ++page) {
        const PagePlace place = buffer.place(page);
        const uint64_t addr = buffer.address + place.slot * buffer.aligned_page_size;
        const size_t offset = size_t(page) * buffer.page_size;
        const size_t n = std::min<size_t>(buffer.page_size, bytes - offset);
        uint8_t *device_bytes = buffer.type == BufferType::DRAM
                                    ? dev.memory.dram(place.bank, addr, buffer.aligned_page_size)
                                    : dev.memory.l1(buffer.bank_cores[place.bank], static_cast<uint32_t>(addr));
        copy(device_bytes, offset, n);
    }
}

}  // namespace

void write_buffer(const BufferState &buffer, const uint8_t *data, size_t bytes) {
    for_each_page(buffer, bytes, "write", [&](uint8_t *dev, size_t offset, size_t n) { std::memcpy(dev, data + offset, n); });
}

void read_buffer(const BufferState &buffer, uint8_t *data, size_t bytes) {
    for_each_page(buffer, bytes, "read", [&](uint8_t *dev, size_t offset, size_t n) { std::memcpy(data + offset, dev, n); });
}

const RunStats &run_and_record(DeviceState &device, const ProgramState &program) {
    g_last = run_program(device, program);
    if (const char *path = std::getenv("TT_SIM_STATS")) {
        if (*path) std::ofstream(path) << g_last.to_json();
    }
    return g_last;
}

const RunStats &last_run_stats() {
    return g_last;
}

}  // namespace tt_sim
