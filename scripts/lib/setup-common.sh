# Shared by scripts/demo and scripts/test. Sourced, not run.

require_node20() {
  if ! command -v node >/dev/null 2>&1; then
    echo "Node.js 20 or newer is required (Debian: apt-get install nodejs, or NodeSource's node_20.x)." >&2
    exit 1
  fi
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$major" -lt 20 ]; then
    echo "Node.js $(node -v) is too old: 20 or newer is required." >&2
    exit 1
  fi
}

# Installs the Debian packages named that are not installed yet. Needs root (or sudo).
install_debian_packages() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing Debian packages: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# npm ci when node_modules is missing or older than package-lock.json. onnxruntime-node's
# postinstall would try to download CUDA files (no internet on lane PCs): skip it.
install_npm_dependencies() {
  export ONNXRUNTIME_NODE_INSTALL=skip
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
     || [ ! -f native/sd-notify/build/Release/sd_notify.node ]; then
    npm ci --no-audit --no-fund
  fi
}
