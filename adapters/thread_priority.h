// Scheduling the calling thread ahead of the process's other threads.
#pragma once

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace osic {

// Lowers the calling thread's nice value by `steps` below the one it was started with
// (Linux schedules each thread by its own), to at most -20. Going below the process's
// needs root, CAP_SYS_NICE or a high enough RLIMIT_NICE (systemd's LimitNICE=); false,
// with nothing changed, where none of them is there.
inline bool raise_this_thread_priority(int steps) {
  const auto tid = static_cast<id_t>(syscall(SYS_gettid));
  errno = 0;
  const int now = getpriority(PRIO_PROCESS, tid);  // -1 is a nice value too: errno tells
  if (errno != 0) return false;
  return setpriority(PRIO_PROCESS, tid, std::max(-20, now - steps)) == 0;
}

}  // namespace osic
