{
  "targets": [
    {
      "target_name": "sd_notify",
      "sources": ["src/sd_notify.c"],
      "cflags": ["-std=c11", "-Wall", "-Wextra", "-Werror=implicit-function-declaration"],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"]
    }
  ]
}
