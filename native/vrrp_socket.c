// vrrp_socket: the one thing Node cannot do for VRRP, a raw IP socket for protocol 112.
//
// JS API (wrapped by src/netctl/vrrp-socket-linux.ts; nothing else should call this directly):
//   open({ family: 4|6, ifname, group, join: boolean, netns?: path }, onEvent) -> handle
//   send(handle, bytes: Uint8Array, destination: string, source?: string) -> bytes sent
//   close(handle)
// onEvent(event) is called on the JS thread with either
//   { packet: Buffer, headerLength, from, to, ttl }   (IPv4: packet starts with the IP header)
//   { errno, syscall }                                (a receive error; the socket stays open)
//
// Threads: open() starts one receive thread per socket. It blocks in poll() on the socket and on
// an eventfd, copies each datagram into a heap item and queues it to JS through a Node-API
// thread-safe function (non-blocking: if JS falls 256 packets behind, packets are dropped rather
// than memory growing). The JS thread never blocks on the network: send() uses MSG_DONTWAIT and
// close() wakes the thread through the eventfd and joins it, which takes microseconds.
//
// Failures throw an Error carrying `errno` and `syscall`; the TypeScript side maps errno to a name.
#define _GNU_SOURCE
#include <node_api.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <netpacket/packet.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define VRRP_PROTOCOL 112            // RFC 3768 §5.2.4, RFC 5798 §5.1.1.4 (IPv4) / §5.1.2.4 (IPv6 next header)
#define VRRP_TTL 255                 // RFC 3768 §5.2.3, RFC 5798 §5.1.1.3: sent with 255, others dropped
#define VRRP_TOS 0xc0                // internetwork control precedence, as keepalived sends
#define VRRP_V3_CHECKSUM_OFFSET 6    // RFC 5798 §5.2.8: checksum field, 6 bytes into the message
#define RECEIVE_BUFFER 65536
#define QUEUE_LIMIT 256

typedef struct {
  int fd;
  int wake_fd;                       // eventfd: close() writes to it to stop the receive thread
  int family;
  unsigned ifindex;
  int thread_started;
  int closed;
  pthread_t thread;
  napi_threadsafe_function tsfn;
} vrrp_socket;

// One received datagram (or receive error), handed from the receive thread to JS.
typedef struct {
  int error;                         // errno of a failed recvmsg/poll; 0 for a packet
  const char* syscall;
  int ttl;                           // IPv4 TTL from the header, IPv6 hop limit from IPV6_HOPLIMIT
  size_t header_length;              // bytes of IPv4 header at the start of data; 0 for IPv6
  char from[INET6_ADDRSTRLEN];
  char to[INET6_ADDRSTRLEN];
  size_t length;
  unsigned char data[];
} received_item;

// ---- errors --------------------------------------------------------------------------------

static napi_value throw_errno(napi_env env, const char* syscall, int err) {
  char message[256];
  snprintf(message, sizeof message, "%s failed: %s", syscall, strerror(err));
  napi_value text, error, number, name;
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &text);
  napi_create_error(env, NULL, text, &error);
  napi_create_int32(env, err, &number);
  napi_set_named_property(env, error, "errno", number);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &name);
  napi_set_named_property(env, error, "syscall", name);
  napi_throw(env, error);
  return NULL;
}

static napi_value throw_type(napi_env env, const char* message) {
  napi_throw_type_error(env, NULL, message);
  return NULL;
}

// ---- receive thread ------------------------------------------------------------------------

static void queue_item(vrrp_socket* s, received_item* item) {
  // Non-blocking: a full queue (JS stalled) or a closing function drops the item.
  if (napi_call_threadsafe_function(s->tsfn, item, napi_tsfn_nonblocking) != napi_ok) free(item);
}

static void queue_error(vrrp_socket* s, const char* syscall, int err) {
  received_item* item = calloc(1, sizeof *item);
  if (item == NULL) return;
  item->error = err;
  item->syscall = syscall;
  queue_item(s, item);
}

// Reads one datagram. IPv4 raw sockets deliver the IP header, which has the TTL and both
// addresses; IPv6 raw sockets deliver only the payload, so the destination and hop limit come
// from IPV6_RECVPKTINFO / IPV6_RECVHOPLIMIT control messages.
static void receive_one(vrrp_socket* s, unsigned char* buffer) {
  struct sockaddr_storage peer;
  union {
    char bytes[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  struct iovec iov = {.iov_base = buffer, .iov_len = RECEIVE_BUFFER};
  struct msghdr msg = {
      .msg_name = &peer, .msg_namelen = sizeof peer, .msg_iov = &iov, .msg_iovlen = 1,
      .msg_control = control.bytes, .msg_controllen = sizeof control.bytes};
  ssize_t n = recvmsg(s->fd, &msg, MSG_DONTWAIT);
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) queue_error(s, "recvmsg", errno);
    return;
  }
  if (msg.msg_flags & MSG_TRUNC) return;  // cannot be a valid advert

  received_item* item = calloc(1, sizeof *item + (size_t)n);
  if (item == NULL) return;
  item->length = (size_t)n;
  memcpy(item->data, buffer, (size_t)n);
  item->ttl = -1;

  if (s->family == AF_INET) {
    size_t header_length = (size_t)(buffer[0] & 0x0f) * 4;
    if (n < 20 || (buffer[0] >> 4) != 4 || header_length < 20 || header_length > (size_t)n) {
      free(item);  // not a well-formed IPv4 packet; the kernel should never hand us one
      return;
    }
    item->header_length = header_length;
    item->ttl = buffer[8];
    inet_ntop(AF_INET, buffer + 12, item->from, sizeof item->from);
    inet_ntop(AF_INET, buffer + 16, item->to, sizeof item->to);
  } else {
    inet_ntop(AF_INET6, &((struct sockaddr_in6*)&peer)->sin6_addr, item->from, sizeof item->from);
    for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != IPPROTO_IPV6) continue;
      if (c->cmsg_type == IPV6_PKTINFO) {
        struct in6_pktinfo info;
        memcpy(&info, CMSG_DATA(c), sizeof info);
        inet_ntop(AF_INET6, &info.ipi6_addr, item->to, sizeof item->to);
      } else if (c->cmsg_type == IPV6_HOPLIMIT) {
        memcpy(&item->ttl, CMSG_DATA(c), sizeof item->ttl);
      }
    }
  }
  queue_item(s, item);
}

static void* receive_loop(void* arg) {
  vrrp_socket* s = arg;
  unsigned char* buffer = malloc(RECEIVE_BUFFER);
  if (buffer == NULL) {
    queue_error(s, "malloc", ENOMEM);
    return NULL;
  }
  struct pollfd fds[2] = {{.fd = s->fd, .events = POLLIN}, {.fd = s->wake_fd, .events = POLLIN}};
  for (;;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      queue_error(s, "poll", errno);
      break;
    }
    if (fds[1].revents != 0) break;  // close() asked us to stop
    // POLLERR: a pending socket error (an ICMP error for a unicast peer); recvmsg reports and
    // clears it, so this cannot spin.
    if (fds[0].revents & (POLLIN | POLLERR)) receive_one(s, buffer);
    if (fds[0].revents & POLLNVAL) break;
  }
  free(buffer);
  return NULL;
}

// Runs on the JS thread for each queued item, or with env == NULL when the function is torn
// down with items still queued (then it only frees them). It must not touch the socket struct:
// the struct may already be freed while the queue drains.
static void call_js(napi_env env, napi_value callback, void* context, void* data) {
  (void)context;
  received_item* item = data;
  if (env == NULL || callback == NULL) {
    free(item);
    return;
  }
  napi_value event, value, undefined;
  napi_create_object(env, &event);
  if (item->error != 0) {
    napi_create_int32(env, item->error, &value);
    napi_set_named_property(env, event, "errno", value);
    napi_create_string_utf8(env, item->syscall, NAPI_AUTO_LENGTH, &value);
    napi_set_named_property(env, event, "syscall", value);
  } else {
    void* copy;
    napi_create_buffer_copy(env, item->length, item->data, &copy, &value);
    napi_set_named_property(env, event, "packet", value);
    napi_create_uint32(env, (uint32_t)item->header_length, &value);
    napi_set_named_property(env, event, "headerLength", value);
    napi_create_string_utf8(env, item->from, NAPI_AUTO_LENGTH, &value);
    napi_set_named_property(env, event, "from", value);
    napi_create_string_utf8(env, item->to, NAPI_AUTO_LENGTH, &value);
    napi_set_named_property(env, event, "to", value);
    napi_create_int32(env, item->ttl, &value);
    napi_set_named_property(env, event, "ttl", value);
  }
  free(item);
  napi_get_undefined(env, &undefined);
  // An exception thrown by the callback is left pending; Node reports it as uncaught. The
  // TypeScript wrapper catches listener errors itself, so this does not happen in practice.
  napi_call_function(env, undefined, callback, 1, &event, NULL);
}

// ---- open ----------------------------------------------------------------------------------

static int set_int(int fd, int level, int name, int value) {
  return setsockopt(fd, level, name, &value, sizeof value);
}

// Applies every socket option; returns 0, or -1 with errno set and *failed naming the step.
static int configure(vrrp_socket* s, const char* ifname, const char* group, int join, const char** failed) {
  int fd = s->fd;
#define TRY(call, name) \
  if ((call) < 0) {     \
    *failed = name;     \
    return -1;          \
  }
  // Only this interface's packets in, and our packets out of it whatever the routing table says.
  TRY(setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)), "setsockopt(SO_BINDTODEVICE)");
  if (s->family == AF_INET) {
    struct in_addr group_address;
    if (inet_pton(AF_INET, group, &group_address) != 1) {
      errno = EINVAL;
      *failed = "inet_pton(group)";
      return -1;
    }
    TRY(set_int(fd, IPPROTO_IP, IP_TOS, VRRP_TOS), "setsockopt(IP_TOS)");
    TRY(set_int(fd, IPPROTO_IP, IP_TTL, VRRP_TTL), "setsockopt(IP_TTL)");  // unicast peers
    TRY(set_int(fd, IPPROTO_IP, IP_MULTICAST_TTL, VRRP_TTL), "setsockopt(IP_MULTICAST_TTL)");
    // Our own adverts must not come back to us as if from a peer.
    TRY(set_int(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0), "setsockopt(IP_MULTICAST_LOOP)");
    // Only groups this socket joined, not every group any socket on the host joined.
    TRY(set_int(fd, IPPROTO_IP, IP_MULTICAST_ALL, 0), "setsockopt(IP_MULTICAST_ALL)");
    struct ip_mreqn request = {.imr_multiaddr = group_address, .imr_ifindex = (int)s->ifindex};
    TRY(setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &request, sizeof request), "setsockopt(IP_MULTICAST_IF)");
    // Without the membership the kernel delivers no multicast adverts to a raw socket.
    if (join) TRY(setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &request, sizeof request), "setsockopt(IP_ADD_MEMBERSHIP)");
  } else {
    struct ipv6_mreq request = {.ipv6mr_interface = s->ifindex};
    if (inet_pton(AF_INET6, group, &request.ipv6mr_multiaddr) != 1) {
      errno = EINVAL;
      *failed = "inet_pton(group)";
      return -1;
    }
    TRY(set_int(fd, IPPROTO_IPV6, IPV6_TCLASS, VRRP_TOS), "setsockopt(IPV6_TCLASS)");
    TRY(set_int(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, VRRP_TTL), "setsockopt(IPV6_UNICAST_HOPS)");
    TRY(set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, VRRP_TTL), "setsockopt(IPV6_MULTICAST_HOPS)");
    TRY(set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0), "setsockopt(IPV6_MULTICAST_LOOP)");
    TRY(set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_ALL, 0), "setsockopt(IPV6_MULTICAST_ALL)");
    TRY(set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, (int)s->ifindex), "setsockopt(IPV6_MULTICAST_IF)");
    // The kernel fills in the VRRPv3 checksum (with the IPv6 pseudo-header, whose source address
    // only it knows for sure) on send, and drops received packets whose checksum is wrong.
    TRY(set_int(fd, IPPROTO_IPV6, IPV6_CHECKSUM, VRRP_V3_CHECKSUM_OFFSET), "setsockopt(IPV6_CHECKSUM)");
    TRY(set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1), "setsockopt(IPV6_RECVPKTINFO)");
    TRY(set_int(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1), "setsockopt(IPV6_RECVHOPLIMIT)");
    if (join) TRY(setsockopt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &request, sizeof request), "setsockopt(IPV6_ADD_MEMBERSHIP)");
  }
#undef TRY
  return 0;
}

static void close_socket(vrrp_socket* s) {
  if (s->closed) return;
  s->closed = 1;
  if (s->thread_started) {
    uint64_t one = 1;
    ssize_t ignored = write(s->wake_fd, &one, sizeof one);
    (void)ignored;
    pthread_join(s->thread, NULL);
  }
  if (s->fd >= 0) close(s->fd);
  if (s->wake_fd >= 0) close(s->wake_fd);
  // Abort: packets still queued are freed, not delivered; the event loop may now exit.
  if (s->tsfn != NULL) napi_release_threadsafe_function(s->tsfn, napi_tsfn_abort);
}

// The handle was garbage-collected: close the socket if JS never did, then free it.
static void finalize_handle(napi_env env, void* data, void* hint) {
  (void)env;
  (void)hint;
  close_socket(data);
  free(data);
}

static int get_string(napi_env env, napi_value object, const char* key, char* out, size_t size) {
  napi_value value;
  napi_valuetype type;
  size_t length;
  if (napi_get_named_property(env, object, key, &value) != napi_ok) return -1;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_string) return -1;
  if (napi_get_value_string_utf8(env, value, out, size, &length) != napi_ok || length >= size - 1) return -1;
  return 0;
}

// What open() asks for and what setup reports back; setup may run on a helper thread.
typedef struct {
  vrrp_socket* s;
  const char* ifname;
  const char* group;
  const char* netns;  // path such as /run/netns/NAME, or "" for the caller's namespace
  int join;
  int err;
  const char* failed;
} setup_request;

// Creates and configures the socket. A socket belongs to the network namespace it was created
// in for good, so with a namespace this runs on a short-lived thread that first enters it
// (setns only moves the calling thread), leaving the JS thread where it was.
static void* setup(void* arg) {
  setup_request* r = arg;
  vrrp_socket* s = r->s;
  if (r->netns[0] != '\0') {
    int ns = open(r->netns, O_RDONLY | O_CLOEXEC);
    if (ns < 0 || setns(ns, CLONE_NEWNET) < 0) {
      r->err = errno;
      r->failed = ns < 0 ? "open(netns)" : "setns";
      if (ns >= 0) close(ns);
      return NULL;
    }
    close(ns);
  }
  s->ifindex = if_nametoindex(r->ifname);
  if (s->ifindex == 0) {
    r->err = errno;
    r->failed = "if_nametoindex";
    return NULL;
  }
  s->fd = socket(s->family, SOCK_RAW | SOCK_CLOEXEC, VRRP_PROTOCOL);
  if (s->fd < 0) {
    r->err = errno;
    r->failed = "socket";
    return NULL;
  }
  if (configure(s, r->ifname, r->group, r->join, &r->failed) != 0) {
    r->err = errno;
    return NULL;
  }
  return NULL;
}

static napi_value open_socket(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_valuetype type;
  if (argc < 2 || napi_typeof(env, argv[1], &type) != napi_ok || type != napi_function) {
    return throw_type(env, "open(options, onEvent): onEvent must be a function");
  }

  int family_number = 0;
  napi_value value;
  bool join = false;
  char ifname[IF_NAMESIZE + 1], group[INET6_ADDRSTRLEN + 1], netns[PATH_MAX] = "";
  if (napi_get_named_property(env, argv[0], "family", &value) != napi_ok ||
      napi_get_value_int32(env, value, &family_number) != napi_ok || (family_number != 4 && family_number != 6)) {
    return throw_type(env, "open: options.family must be 4 or 6");
  }
  if (get_string(env, argv[0], "ifname", ifname, sizeof ifname) != 0) {
    return throw_type(env, "open: options.ifname must be an interface name");
  }
  if (get_string(env, argv[0], "group", group, sizeof group) != 0) {
    return throw_type(env, "open: options.group must be an address");
  }
  bool has_netns = false;
  napi_has_named_property(env, argv[0], "netns", &has_netns);
  if (has_netns && get_string(env, argv[0], "netns", netns, sizeof netns) != 0) {
    return throw_type(env, "open: options.netns must be a path");
  }
  if (napi_get_named_property(env, argv[0], "join", &value) == napi_ok) napi_get_value_bool(env, value, &join);

  vrrp_socket* s = calloc(1, sizeof *s);
  if (s == NULL) return throw_errno(env, "calloc", ENOMEM);
  s->family = family_number == 4 ? AF_INET : AF_INET6;
  s->fd = -1;
  s->wake_fd = -1;
  setup_request request = {.s = s, .ifname = ifname, .group = group, .netns = netns, .join = join};
  if (netns[0] == '\0') {
    setup(&request);
  } else {
    pthread_t helper;
    int err = pthread_create(&helper, NULL, setup, &request);
    if (err != 0) {
      request.err = err;
      request.failed = "pthread_create";
    } else {
      pthread_join(helper, NULL);
    }
  }
  if (request.failed == NULL) {
    s->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (s->wake_fd < 0) {
      request.err = errno;
      request.failed = "eventfd";
    }
  }
  if (request.failed != NULL) {
    if (s->fd >= 0) close(s->fd);
    free(s);
    return throw_errno(env, request.failed, request.err);
  }

  napi_value resource_name;
  napi_create_string_utf8(env, "vigil.vrrpSocket", NAPI_AUTO_LENGTH, &resource_name);
  if (napi_create_threadsafe_function(env, argv[1], NULL, resource_name, QUEUE_LIMIT, 1, NULL, NULL, NULL, call_js,
                                      &s->tsfn) != napi_ok) {
    close(s->fd);
    close(s->wake_fd);
    free(s);
    return throw_errno(env, "napi_create_threadsafe_function", EINVAL);
  }
  int err = pthread_create(&s->thread, NULL, receive_loop, s);
  if (err != 0) {
    close_socket(s);
    free(s);
    return throw_errno(env, "pthread_create", err);
  }
  s->thread_started = 1;

  napi_value handle;
  if (napi_create_external(env, s, finalize_handle, NULL, &handle) != napi_ok) {
    close_socket(s);
    free(s);
    return throw_errno(env, "napi_create_external", EINVAL);
  }
  return handle;
}

// ---- send / close --------------------------------------------------------------------------

static vrrp_socket* get_handle(napi_env env, napi_value value) {
  void* data = NULL;
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_external) return NULL;
  napi_get_value_external(env, value, &data);
  return data;
}

static napi_value send_packet(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  vrrp_socket* s = argc >= 3 ? get_handle(env, argv[0]) : NULL;
  if (s == NULL) return throw_type(env, "send(handle, bytes, destination, source?): bad handle");
  if (s->closed) return throw_errno(env, "send", EBADF);

  bool is_typedarray = false;
  napi_typedarray_type array_type;
  size_t length;
  void* bytes;
  napi_is_typedarray(env, argv[1], &is_typedarray);
  if (!is_typedarray || napi_get_typedarray_info(env, argv[1], &array_type, &length, &bytes, NULL, NULL) != napi_ok ||
      array_type != napi_uint8_array) {
    return throw_type(env, "send: bytes must be a Uint8Array");
  }
  char destination[INET6_ADDRSTRLEN + 1], source[INET6_ADDRSTRLEN + 1] = "";
  size_t text_length;
  if (napi_get_value_string_utf8(env, argv[2], destination, sizeof destination, &text_length) != napi_ok) {
    return throw_type(env, "send: destination must be an address");
  }
  if (argc >= 4) {
    napi_valuetype type;
    napi_typeof(env, argv[3], &type);
    if (type == napi_string) napi_get_value_string_utf8(env, argv[3], source, sizeof source, &text_length);
  }

  struct sockaddr_storage to;
  socklen_t to_length;
  memset(&to, 0, sizeof to);
  union {
    char bytes[CMSG_SPACE(sizeof(struct in6_pktinfo))];
    struct cmsghdr align;
  } control;
  memset(&control, 0, sizeof control);
  struct iovec iov = {.iov_base = bytes, .iov_len = length};
  struct msghdr msg = {.msg_name = &to, .msg_iov = &iov, .msg_iovlen = 1};

  if (s->family == AF_INET) {
    struct sockaddr_in* to4 = (struct sockaddr_in*)&to;
    to4->sin_family = AF_INET;
    if (inet_pton(AF_INET, destination, &to4->sin_addr) != 1) return throw_type(env, "send: bad IPv4 destination");
    to_length = sizeof *to4;
    if (source[0] != '\0') {
      // IP_PKTINFO's ipi_spec_dst chooses the source address of this one packet. Binding the
      // socket instead would also filter what it receives to that address, losing multicast.
      struct in_pktinfo pktinfo = {0};
      if (inet_pton(AF_INET, source, &pktinfo.ipi_spec_dst) != 1) return throw_type(env, "send: bad IPv4 source");
      msg.msg_control = control.bytes;
      msg.msg_controllen = CMSG_SPACE(sizeof pktinfo);
      struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
      c->cmsg_level = IPPROTO_IP;
      c->cmsg_type = IP_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof pktinfo);
      memcpy(CMSG_DATA(c), &pktinfo, sizeof pktinfo);
    }
  } else {
    struct sockaddr_in6* to6 = (struct sockaddr_in6*)&to;
    to6->sin6_family = AF_INET6;
    if (inet_pton(AF_INET6, destination, &to6->sin6_addr) != 1) return throw_type(env, "send: bad IPv6 destination");
    // ff02::12 and fe80:: peers are link-scoped: name the link.
    if (IN6_IS_ADDR_LINKLOCAL(&to6->sin6_addr) || IN6_IS_ADDR_MC_LINKLOCAL(&to6->sin6_addr)) to6->sin6_scope_id = s->ifindex;
    to_length = sizeof *to6;
    if (source[0] != '\0') {
      struct in6_pktinfo pktinfo = {.ipi6_ifindex = s->ifindex};
      if (inet_pton(AF_INET6, source, &pktinfo.ipi6_addr) != 1) return throw_type(env, "send: bad IPv6 source");
      msg.msg_control = control.bytes;
      msg.msg_controllen = CMSG_SPACE(sizeof pktinfo);
      struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
      c->cmsg_level = IPPROTO_IPV6;
      c->cmsg_type = IPV6_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof pktinfo);
      memcpy(CMSG_DATA(c), &pktinfo, sizeof pktinfo);
    }
  }
  msg.msg_namelen = to_length;

  ssize_t sent = sendmsg(s->fd, &msg, MSG_DONTWAIT);
  if (sent < 0) return throw_errno(env, "sendmsg", errno);
  napi_value result;
  napi_create_int64(env, sent, &result);
  return result;
}

static napi_value close_handle(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  vrrp_socket* s = argc >= 1 ? get_handle(env, argv[0]) : NULL;
  if (s == NULL) return throw_type(env, "close(handle): bad handle");
  close_socket(s);  // the struct itself is freed when the handle is collected
  return NULL;
}

// setThreadNice(n): sets the nice value of the calling thread only (Linux keeps one per thread),
// like keepalived's vrrp_priority. The VRRP thread calls it before opening its sockets, so the
// receive threads it then creates inherit the value; the proxy's threads keep theirs. Returns 0,
// or the errno (EACCES without CAP_SYS_NICE for a negative value).
static napi_value set_thread_nice(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t nice_value = 0;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &nice_value) != napi_ok) return throw_type(env, "setThreadNice(n): n must be a number");
  pid_t tid = (pid_t)syscall(SYS_gettid);
  int rc = setpriority(PRIO_PROCESS, (id_t)tid, nice_value);
  napi_value result;
  napi_create_int32(env, rc == 0 ? 0 : errno, &result);
  return result;
}

// The gratuitous ARP socket stays open for the life of the process. Closing a packet socket waits
// for an RCU grace period in the kernel (packet_release -> synchronize_net), measured at 12 to 16
// ms per close here: opening one per ARP made a MASTER's five ARPs block the VRRP thread some 40
// ms, right when its first adverts were due. Protocol 0 keeps the socket off the receive path (it
// is never handed incoming frames to queue); each frame names its protocol in sockaddr_ll. The
// socket belongs to the network namespace it was opened in, so it is reopened if the calling
// thread has moved to another one.
static pthread_mutex_t arp_lock = PTHREAD_MUTEX_INITIALIZER;
static int arp_fd = -1;
static ino_t arp_netns = 0;

static ino_t current_netns(void) {
  struct stat st;
  return stat("/proc/thread-self/ns/net", &st) == 0 ? st.st_ino : 0;
}

// Returns the shared packet socket, opening it if needed; -1 with errno set on failure.
// Called with arp_lock held.
static int arp_socket(void) {
  ino_t netns = current_netns();
  if (arp_fd >= 0 && netns == arp_netns) return arp_fd;
  if (arp_fd >= 0) close(arp_fd);
  arp_fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  arp_netns = netns;
  return arp_fd;
}

// sendGratuitousArp(ifname, ipv4): one unsolicited ARP request for `ipv4` from the interface's
// MAC, broadcast (sender and target address both the VIP), as keepalived and `arping -U` send.
// A packet socket send costs microseconds; spawning arping from the VRRP thread cost tens of
// milliseconds per packet (fork of a large process) and made adverts late. Returns 0 or errno.
static napi_value send_gratuitous_arp(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char ifname[IF_NAMESIZE + 1] = {0};
  char address[INET_ADDRSTRLEN + 1] = {0};
  size_t length = 0;
  if (argc < 2 || napi_get_value_string_utf8(env, argv[0], ifname, sizeof ifname, &length) != napi_ok ||
      napi_get_value_string_utf8(env, argv[1], address, sizeof address, &length) != napi_ok) {
    return throw_type(env, "sendGratuitousArp(ifname, ipv4): two strings expected");
  }
  struct in_addr ip;
  if (inet_pton(AF_INET, address, &ip) != 1) return throw_type(env, "sendGratuitousArp: not an IPv4 address");
  pthread_mutex_lock(&arp_lock);
  int fd = arp_socket();
  int rc = 0;
  if (fd < 0) {
    rc = errno;
  } else {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, ifname, IF_NAMESIZE - 1);
    int index = 0;
    unsigned char mac[6];
    if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
      rc = errno;
    } else {
      index = ifr.ifr_ifindex;
      if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) rc = errno;
      else memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
    }
    if (rc == 0) {
      unsigned char frame[42];
      memset(frame, 0xff, 6);                 // destination: broadcast
      memcpy(frame + 6, mac, 6);              // source: the interface
      frame[12] = 0x08; frame[13] = 0x06;     // EtherType ARP
      frame[14] = 0x00; frame[15] = 0x01;     // hardware type Ethernet
      frame[16] = 0x08; frame[17] = 0x00;     // protocol IPv4
      frame[18] = 6; frame[19] = 4;           // address lengths
      frame[20] = 0x00; frame[21] = 0x01;     // request (RFC 5227 section 3: an announcement)
      memcpy(frame + 22, mac, 6);             // sender hardware address
      memcpy(frame + 28, &ip, 4);             // sender protocol address: the VIP
      memset(frame + 32, 0, 6);               // target hardware address: unknown
      memcpy(frame + 38, &ip, 4);             // target protocol address: the VIP too
      struct sockaddr_ll to;
      memset(&to, 0, sizeof to);
      to.sll_family = AF_PACKET;
      to.sll_protocol = htons(ETH_P_ARP);
      to.sll_ifindex = index;
      to.sll_halen = 6;
      memset(to.sll_addr, 0xff, 6);
      if (sendto(fd, frame, sizeof frame, MSG_DONTWAIT, (struct sockaddr*)&to, sizeof to) < 0) rc = errno;
    }
  }
  pthread_mutex_unlock(&arp_lock);
  napi_value result;
  napi_create_int32(env, rc, &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor exports_list[] = {
      {"open", NULL, open_socket, NULL, NULL, NULL, napi_enumerable, NULL},
      {"send", NULL, send_packet, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, close_handle, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setThreadNice", NULL, set_thread_nice, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sendGratuitousArp", NULL, send_gratuitous_arp, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof exports_list / sizeof exports_list[0], exports_list);
  return exports;
}
