/*
 * sd_notify for Node: sends ONE datagram to systemd's notification socket.
 *
 * Node has no API for AF_UNIX datagram sockets, and shelling out to systemd-notify would make
 * a child process the sender (systemd then needs NotifyAccess=all and the child may be gone
 * before systemd reads its credentials). Sending from the main process keeps
 * NotifyAccess=main. Only Node-API (node_api.h) is used, so the built file works across Node
 * versions without a rebuild.
 *
 * JS: notify(socketPath: string, message: string): void
 *   socketPath  NOTIFY_SOCKET as systemd sets it: an absolute path, or '@name' for an
 *               abstract socket (the '@' becomes a leading NUL byte).
 *   message     newline-separated assignments, e.g. "READY=1\nSTATUS=running".
 * Throws TypeError on wrong argument types, Error (with .code and .errno) when the address
 * is invalid or the kernel refuses the datagram.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <node_api.h>

/* systemd reads notification datagrams into a buffer of this size and drops longer ones. */
#define MAX_MESSAGE_BYTES 4096

/*
 * The send blocks while the receiver's queue is full (net.unix.max_dgram_qlen; systemd raises
 * it to 512). PID 1 normally drains it at once; if it does not, give up after this long with
 * EAGAIN rather than freeze the lane's event loop behind a stuck service manager.
 */
#define SEND_TIMEOUT_MS 1000

#define CHECK_NAPI(env, call)                                                                  \
  do {                                                                                         \
    if ((call) != napi_ok) {                                                                   \
      napi_throw_error((env), "ERR_SD_NOTIFY_NAPI", "sd_notify: Node-API call failed: " #call); \
      return NULL;                                                                             \
    }                                                                                          \
  } while (0)

static const char *errno_name(int err) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  const char *name = strerrorname_np(err);
  if (name != NULL) return name;
#endif
  switch (err) {
    case ENOENT: return "ENOENT";
    case ECONNREFUSED: return "ECONNREFUSED";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EAGAIN: return "EAGAIN";
    case ENOBUFS: return "ENOBUFS";
    case EMSGSIZE: return "EMSGSIZE";
    case ENOTDIR: return "ENOTDIR";
    case EPROTOTYPE: return "EPROTOTYPE";
    default: return "ESDNOTIFY";
  }
}

/* Throws an Error whose message names the syscall, the socket and strerror(err). */
static void throw_errno(napi_env env, const char *syscall, const char *socket_path, int err) {
  char text[512];
  snprintf(text, sizeof text, "sd_notify: %s %s failed: %s (%s)", syscall, socket_path, strerror(err),
           errno_name(err));
  napi_value message, code, error, errnum, sys;
  if (napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &message) != napi_ok ||
      napi_create_string_utf8(env, errno_name(err), NAPI_AUTO_LENGTH, &code) != napi_ok ||
      napi_create_error(env, code, message, &error) != napi_ok) {
    napi_throw_error(env, "ERR_SD_NOTIFY", text);
    return;
  }
  if (napi_create_int32(env, err, &errnum) == napi_ok) napi_set_named_property(env, error, "errno", errnum);
  if (napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &sys) == napi_ok)
    napi_set_named_property(env, error, "syscall", sys);
  napi_throw(env, error);
}

/* Copies a JS string argument into a fresh NUL-terminated buffer; NULL after throwing. */
static char *string_arg(napi_env env, napi_value value, const char *name, size_t *out_len) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_string) {
    char text[128];
    snprintf(text, sizeof text, "sd_notify: %s must be a string", name);
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", text);
    return NULL;
  }
  size_t len = 0;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &len) != napi_ok) {
    napi_throw_error(env, "ERR_SD_NOTIFY_NAPI", "sd_notify: cannot read string argument");
    return NULL;
  }
  char *buf = malloc(len + 1);
  if (buf == NULL) {
    napi_throw_error(env, "ENOMEM", "sd_notify: out of memory");
    return NULL;
  }
  if (napi_get_value_string_utf8(env, value, buf, len + 1, &len) != napi_ok) {
    free(buf);
    napi_throw_error(env, "ERR_SD_NOTIFY_NAPI", "sd_notify: cannot read string argument");
    return NULL;
  }
  /* An embedded NUL would silently cut a path short, and systemd ignores messages holding one. */
  if (strlen(buf) != len) {
    char text[128];
    snprintf(text, sizeof text, "sd_notify: %s must not contain NUL characters", name);
    free(buf);
    napi_throw_error(env, "ERR_INVALID_ARG_VALUE", text);
    return NULL;
  }
  *out_len = len;
  return buf;
}

static void throw_too_long(napi_env env, size_t len, size_t max) {
  char text[128];
  snprintf(text, sizeof text, "sd_notify: socket path is %zu bytes, longer than the %zu a Unix socket allows", len,
           max);
  napi_throw_error(env, "ENAMETOOLONG", text);
}

/* Fills addr from NOTIFY_SOCKET; returns the address length, or 0 after throwing. */
static socklen_t build_address(napi_env env, const char *path, size_t len, struct sockaddr_un *addr) {
  memset(addr, 0, sizeof *addr);
  addr->sun_family = AF_UNIX;
  if (len > 1 && path[0] == '@') {
    if (len > sizeof addr->sun_path) {
      throw_too_long(env, len, sizeof addr->sun_path);
      return 0;
    }
    /* Abstract namespace: a leading NUL, then the name; the length counts no trailing NUL. */
    memcpy(addr->sun_path + 1, path + 1, len - 1);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
  }
  if (len > 0 && path[0] == '/') {
    if (len >= sizeof addr->sun_path) {
      throw_too_long(env, len, sizeof addr->sun_path - 1);
      return 0;
    }
    memcpy(addr->sun_path, path, len + 1);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
  }
  char text[256];
  snprintf(text, sizeof text, "sd_notify: socket path must be absolute or start with '@' (got \"%.160s\")", path);
  napi_throw_error(env, "ERR_SD_NOTIFY_ADDRESS", text);
  return 0;
}

static napi_value Notify(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK_NAPI(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2) {
    napi_throw_type_error(env, "ERR_MISSING_ARGS", "sd_notify: notify(socketPath, message) needs two strings");
    return NULL;
  }

  size_t path_len = 0, message_len = 0;
  char *path = string_arg(env, argv[0], "socketPath", &path_len);
  if (path == NULL) return NULL;
  char *message = string_arg(env, argv[1], "message", &message_len);
  if (message == NULL) {
    free(path);
    return NULL;
  }

  if (message_len == 0 || message_len > MAX_MESSAGE_BYTES) {
    char text[128];
    snprintf(text, sizeof text, "sd_notify: message is %zu bytes; it must be 1 to %d bytes", message_len,
             MAX_MESSAGE_BYTES);
    napi_throw_error(env, "ERR_INVALID_ARG_VALUE", text);
    goto done;
  }

  struct sockaddr_un addr;
  socklen_t addr_len = build_address(env, path, path_len, &addr);
  if (addr_len == 0) goto done;

  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    throw_errno(env, "socket", path, errno);
    goto done;
  }
  struct timeval timeout = {.tv_sec = SEND_TIMEOUT_MS / 1000, .tv_usec = (SEND_TIMEOUT_MS % 1000) * 1000};
  if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout) < 0) {
    int err = errno;
    close(fd);
    throw_errno(env, "setsockopt", path, err);
    goto done;
  }
  ssize_t sent;
  do {
    /* MSG_NOSIGNAL: a vanished receiver must give an error, not SIGPIPE the daemon. */
    sent = sendto(fd, message, message_len, MSG_NOSIGNAL, (const struct sockaddr *)&addr, addr_len);
  } while (sent < 0 && errno == EINTR);
  int send_errno = errno;
  close(fd);
  if (sent < 0) {
    throw_errno(env, "sendto", path, send_errno);
  } else if ((size_t)sent != message_len) {
    throw_errno(env, "sendto", path, EMSGSIZE);
  }

done:
  free(path);
  free(message);
  return NULL;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_value fn;
  CHECK_NAPI(env, napi_create_function(env, "notify", NAPI_AUTO_LENGTH, Notify, NULL, &fn));
  CHECK_NAPI(env, napi_set_named_property(env, exports, "notify", fn));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
