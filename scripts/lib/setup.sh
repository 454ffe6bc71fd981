# Shared by scripts/demo and scripts/test: make sure the Debian packages foliorc needs are there.
# As root, installs what is missing; otherwise prints the exact command and fails.

FOLIORC_PACKAGES=(cmake ninja-build pkg-config g++ clang libclang-rt-14-dev libgtest-dev libgmock-dev libbenchmark-dev
                  librange-v3-dev librapidcheck-dev)

# Extra package names may be given (scripts that need more, like gnuplot for the benchmark plot).
foliorc_require_packages() {
  local missing=()
  for p in "${FOLIORC_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    echo "foliorc: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "foliorc: missing Debian packages. Run as root:" >&2
    echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
}

# Configure (once) and build a preset.
foliorc_build() {
  local preset=$1; shift
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" "$@"
}
