# The VRRP raw-socket addon (native/vrrp_socket.c), built by `npm install` through
# native/build.mjs. Node-API only: the binary loads unchanged on any Node with Node-API 8.
{
  "targets": [
    {
      "target_name": "vrrp_socket",
      "sources": ["native/vrrp_socket.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "libraries": ["-lpthread"]
    }
  ]
}
