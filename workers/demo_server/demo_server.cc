// A small server of faultlab's own, built twice from this file: a prefork
// model (demo-prefork: a master that respawns worker processes, each
// serving many connections from one poll loop) and a threaded model
// (demo-threaded: one process, one thread per connection). Both answer the
// same requests through the same handler:
//   "PING\n"                 -> "PONG pid=<pid>\n"
//   "GET <path> HTTP/1.1..." -> 200 "ok pid=<pid>\n" (keep-alive)
//   "GET /crash ..."         -> the handler writes through a null pointer
// A fault in one handler therefore costs the prefork server one worker and
// its connections, and the threaded server everything.
//   demo-prefork  --port P [--workers N] [--daemon --pidfile F]
//   demo-threaded --port P
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#ifndef DEMO_PREFORK
#error "build with -DDEMO_PREFORK=0 or 1"
#endif

namespace {

int g_port = 0, g_workers = 2;
bool g_daemon = false;
const char* g_pidfile = nullptr;

[[noreturn]] void Die(const char* what) {
  fprintf(stderr, "demo: %s: %s\n", what, strerror(errno));
  exit(1);
}

// A bug on purpose: the optimiser must not see through it.
void CrashHandler() {
  volatile int* volatile p = nullptr;
  *p = 1;
}

// Consumes every complete request at the front of `in`, appends the replies
// to `out`. Returns false when the peer asked to close.
bool Handle(std::string* in, std::string* out) {
  for (;;) {
    if (in->compare(0, 4, "GET ") == 0) {
      size_t end = in->find("\r\n\r\n");
      if (end == std::string::npos) return true;
      std::string head = in->substr(0, end);
      in->erase(0, end + 4);
      if (head.compare(0, 11, "GET /crash ") == 0) CrashHandler();
      std::string body = "ok pid=" + std::to_string(getpid()) + "\n";
      *out +=
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
          std::to_string(body.size()) + "\r\n\r\n" + body;
      continue;
    }
    size_t nl = in->find('\n');
    if (nl == std::string::npos) return true;
    std::string line = in->substr(0, nl);
    in->erase(0, nl + 1);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line == "QUIT") return false;
    if (line == "PING")
      *out += "PONG pid=" + std::to_string(getpid()) + "\n";
    else
      *out += "ECHO " + line + "\n";
  }
}

// Prefork workers each listen on their own SO_REUSEPORT socket, so the
// kernel spreads connections over them (as nginx's `reuseport` does).
int Listen(int port, bool reuseport) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) Die("socket");
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (reuseport) setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(uint16_t(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) Die("bind");
  if (listen(fd, 128) != 0) Die("listen");
  return fd;
}

bool WriteAll(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += size_t(n);
  }
  return true;
}

// One connection, blocking, in its own thread (the threaded model).
void ServeBlocking(int fd, int n) {
  char name[16];
  snprintf(name, sizeof name, "conn-%d", n);
  pthread_setname_np(pthread_self(), name);
  std::string in, out;
  char buf[4096];
  for (;;) {
    ssize_t r = recv(fd, buf, sizeof buf, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    in.append(buf, size_t(r));
    bool keep = Handle(&in, &out);
    if (!WriteAll(fd, out) || !keep) break;
    out.clear();
  }
  close(fd);
}

[[noreturn]] void RunThreaded(int lfd) {
  printf("listening on 127.0.0.1:%d (threaded, pid %d)\n", g_port, getpid());
  fflush(stdout);
  for (int n = 0;; ++n) {
    int fd = accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      Die("accept");
    }
    std::thread(ServeBlocking, fd, n).detach();
  }
}

// Many connections from one poll loop (a prefork worker).
// `ready_fd`: a byte is written there once the worker listens.
[[noreturn]] void RunWorker(int ready_fd) {
  prctl(PR_SET_NAME, "demo-worker");
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  int lfd = Listen(g_port, true);
  fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK);
  if (ready_fd >= 0) {
    (void)!write(ready_fd, "r", 1);
    close(ready_fd);
  }
  struct Conn {
    int fd;
    std::string in;
  };
  std::vector<Conn> conns;
  for (;;) {
    std::vector<pollfd> fds{{lfd, POLLIN, 0}};
    for (const Conn& c : conns) fds.push_back({c.fd, POLLIN, 0});
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      Die("poll");
    }
    for (size_t i = conns.size(); i-- > 0;) {
      if (!fds[i + 1].revents) continue;
      char buf[4096];
      ssize_t r = recv(conns[i].fd, buf, sizeof buf, 0);
      bool keep = r > 0;
      if (keep) {
        conns[i].in.append(buf, size_t(r));
        std::string out;
        keep = Handle(&conns[i].in, &out);
        keep = WriteAll(conns[i].fd, out) && keep;
      }
      if (!keep) {
        close(conns[i].fd);
        conns.erase(conns.begin() + long(i));
      }
    }
    if (fds[0].revents) {
      int fd = accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) conns.push_back({fd, {}});
    }
  }
}

pid_t StartWorker(int ready_fd, const sigset_t& old) {
  pid_t pid = fork();
  if (pid < 0) Die("fork");
  if (pid == 0) {
    sigprocmask(SIG_SETMASK, &old, nullptr);
    RunWorker(ready_fd);
  }
  return pid;
}

void Daemonize() {
  pid_t p = fork();
  if (p < 0) Die("fork");
  if (p > 0) _exit(0);
  setsid();
  p = fork();
  if (p < 0) Die("fork");
  if (p > 0) _exit(0);
}

// The master: starts the workers, respawns any that dies, and on SIGTERM
// or SIGINT stops them all.
[[noreturn]] void RunPrefork() {
  if (g_daemon) Daemonize();
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, SIGCHLD);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigprocmask(SIG_BLOCK, &set, &old);
  std::vector<pid_t> workers;
  int ready[2];
  if (pipe2(ready, O_CLOEXEC) != 0) Die("pipe2");
  for (int i = 0; i < g_workers; ++i)
    workers.push_back(StartWorker(ready[1], old));
  close(ready[1]);
  char byte;
  for (int i = 0; i < g_workers; ++i)
    if (read(ready[0], &byte, 1) != 1) Die("a worker did not start");
  close(ready[0]);
  if (g_pidfile) {  // written once the workers listen: a readiness signal
    FILE* f = fopen(g_pidfile, "w");
    if (f) fprintf(f, "%d\n", getpid()), fclose(f);
  }
  printf("listening on 127.0.0.1:%d (prefork, master %d, %d workers)\n", g_port,
         getpid(), g_workers);
  fflush(stdout);
  for (;;) {
    siginfo_t si;
    if (sigwaitinfo(&set, &si) < 0) continue;
    if (si.si_signo != SIGCHLD) {
      for (pid_t w : workers) kill(w, SIGTERM);
      while (wait(nullptr) > 0) {
      }
      exit(0);
    }
    int status;
    pid_t dead;
    while ((dead = waitpid(-1, &status, WNOHANG)) > 0) {
      for (pid_t& w : workers) {
        if (w != dead) continue;
        if (WIFSIGNALED(status))
          printf("worker %d died of signal %d; respawning\n", dead,
                 WTERMSIG(status));
        else
          printf("worker %d exited %d; respawning\n", dead,
                 WEXITSTATUS(status));
        fflush(stdout);
        w = StartWorker(-1, old);
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--port" && i + 1 < argc)
      g_port = atoi(argv[++i]);
    else if (a == "--workers" && i + 1 < argc)
      g_workers = atoi(argv[++i]);
    else if (a == "--daemon")
      g_daemon = true;
    else if (a == "--pidfile" && i + 1 < argc)
      g_pidfile = argv[++i];
    else {
      fprintf(stderr,
              "usage: %s --port P [--workers N] [--daemon --pidfile F]\n",
              argv[0]);
      return 2;
    }
  }
  if (g_port <= 0 || g_workers < 1) {
    fprintf(stderr, "%s: --port is required\n", argv[0]);
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  if (DEMO_PREFORK) RunPrefork();
  RunThreaded(Listen(g_port, false));
}
