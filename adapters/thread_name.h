// Names the calling thread as `top -H`, `ps -L`, `perf` and a debugger show it, so that an
// operator can tell the writer from the request workers (Linux keeps 15 characters).
#pragma once

#include <pthread.h>

namespace osic {

inline void name_this_thread(const char* name) { pthread_setname_np(pthread_self(), name); }

}  // namespace osic
