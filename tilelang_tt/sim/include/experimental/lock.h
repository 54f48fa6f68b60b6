/*! \file lock.h
 *  \brief experimental::Lock, the scope guard CircularBuffer::scoped_lock() returns, as TT-Metalium
 *  v0.67's experimental/lock.h declares it: it calls its release function when it leaves scope.
 */
#pragma once

namespace experimental {

/*! \brief Calls `ReleaseFunc` once, when the lock goes out of scope; neither copied nor moved. */
template <typename ReleaseFunc>
class Lock {
public:
    inline __attribute__((always_inline)) Lock(ReleaseFunc release_func) : release_func_(release_func) {}
    inline __attribute__((always_inline)) ~Lock() { release_func_(); }

    Lock(const Lock &) = delete;
    Lock(Lock &&) = delete;
    Lock &operator=(const Lock &) = delete;
    Lock &operator=(Lock &&) = delete;

private:
    ReleaseFunc release_func_;
};

}  // namespace experimental
