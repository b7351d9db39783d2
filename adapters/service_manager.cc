#include "adapters/service_manager.h"

#include <systemd/sd-daemon.h>

namespace osic {

void notify_ready(const std::string& status) { sd_notifyf(0, "READY=1\nSTATUS=%s", status.c_str()); }

void notify_reloading() { sd_notify(0, "RELOADING=1"); }

void notify_stopping() { sd_notify(0, "STOPPING=1\nSTATUS=stopping: answering the requests in flight"); }

}  // namespace osic
