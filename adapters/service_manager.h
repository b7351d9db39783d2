// Telling systemd how the service is doing (a Type=notify unit): ready once it listens,
// reloading on SIGHUP, stopping on SIGTERM, with a status line `systemctl status` shows.
// Outside systemd (no NOTIFY_SOCKET) each call does nothing. Kept in one translation
// unit so libsystemd's header stays out of the rest.
#pragma once

#include <string>

namespace osic {

void notify_ready(const std::string& status);
void notify_reloading();
void notify_stopping();

}  // namespace osic
