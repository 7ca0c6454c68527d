#include "harness/program/socket_activation.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>

#include "absl/strings/str_cat.h"
#include "harness/errno_status.h"

namespace faultlab::program {
namespace {

// "127.0.0.1:PORT" or "localhost:PORT" (the loader allows no other host).
bool ParseLoopback(const std::string& address, sockaddr_in* out) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) return false;
  const std::string host = address.substr(0, colon);
  if (host != "127.0.0.1" && host != "localhost") return false;
  int port = 0;
  const char* end = address.data() + address.size();
  auto [p, err] = std::from_chars(address.data() + colon + 1, end, port);
  if (err != std::errc() || p != end || port < 1 || port > 65535) return false;
  *out = sockaddr_in{};
  out->sin_family = AF_INET;
  out->sin_port = htons(uint16_t(port));
  out->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return true;
}

}  // namespace

absl::StatusOr<std::vector<UniqueFd>> OpenListeners(
    const std::vector<ListenSocket>& sockets) {
  std::vector<UniqueFd> fds;
  for (const ListenSocket& s : sockets) {
    sockaddr_in a;
    if (!ParseLoopback(s.address, &a))
      return absl::InvalidArgumentError(
          absl::StrCat("listen socket '", s.name,
                       "': expected 127.0.0.1:PORT, got '", s.address, "'"));
    UniqueFd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) return ErrnoStatus("socket", s.name);
    const int one = 1;
    setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
      return ErrnoStatus("bind", s.address);
    if (listen(fd.get(), 128) != 0) return ErrnoStatus("listen", s.address);
    fds.push_back(std::move(fd));
  }
  return fds;
}

void HandOver(const std::vector<ListenSocket>& sockets,
              const std::vector<UniqueFd>& fds, ProgramSpawn* spawn) {
  auto& env = spawn->env;
  env.erase(std::remove_if(env.begin(), env.end(),
                           [](const std::string& e) {
                             return e.rfind("LISTEN_FDS=", 0) == 0 ||
                                    e.rfind("LISTEN_PID=", 0) == 0 ||
                                    e.rfind("LISTEN_FDNAMES=", 0) == 0;
                           }),
            env.end());
  spawn->listen_pid = false;
  if (sockets.empty()) return;
  std::string names;
  for (size_t i = 0; i < sockets.size(); ++i) {
    spawn->fds.push_back({fds[i].get(), kListenFdsStart + int(i)});
    absl::StrAppend(&names, i ? ":" : "", sockets[i].name);
  }
  env.push_back(absl::StrCat("LISTEN_FDS=", sockets.size()));
  env.push_back(absl::StrCat("LISTEN_FDNAMES=", names));
  spawn->listen_pid = true;
}

}  // namespace faultlab::program
