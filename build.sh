#!/usr/bin/env bash
# The two commands a fresh machine needs (the .NET 10 SDK, and Debian's apt for the data set):
#   ./build.sh sample [NAME [ARGS...]]   the main job: the AnomalyDetection sample, or the sample NAME with its arguments
#   ./build.sh test                      build every project and run every test project; fails when any build or test fails
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
configuration=Release
logs=artifacts/logs
mkdir -p "$logs"

# Fashion-MNIST, which the tests and samples read, comes from Debian's dataset-fashion-mnist (or the folder FASHION_MNIST_DIR names).
# The pictures' text needs a font file: SkiaSharp's NoDependencies library reads /usr/share/fonts and, finding none, draws no text.
# The TableAnomalies sample (and its test) reads a real table from R's mlbench package (r-cran-mlbench, which brings Rscript).
install_data() {
  local packages=() sudo=""
  [ -n "${FASHION_MNIST_DIR:-}" ] || dpkg -s dataset-fashion-mnist >/dev/null 2>&1 || packages+=(dataset-fashion-mnist)
  dpkg -s fonts-dejavu-core >/dev/null 2>&1 || packages+=(fonts-dejavu-core)
  dpkg -s r-cran-mlbench >/dev/null 2>&1 || packages+=(r-cran-mlbench)
  [ ${#packages[@]} -gt 0 ] || return 0
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "== installing Debian's ${packages[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${packages[@]}" >/dev/null
}

run_tests() {
  install_data
  echo "== build Ml.Autoencoders.sln"
  dotnet build Ml.Autoencoders.sln -c "$configuration" -nologo -clp:ErrorsOnly >"$logs/build.log" 2>&1 || { cat "$logs/build.log"; exit 1; }

  local passed=0 failed=0 skipped=0 status=0 project log line code
  for project in $(git ls-files 'test/*.csproj'); do
    echo "== test $project"
    log="$logs/test-$(basename "$project" .csproj).log"
    set +e
    dotnet test "$project" -c "$configuration" --no-build -nologo 2>&1 | tee "$log" | grep -E "^\s*(Failed |Skipped |Passed!|Failed!)|error"
    code=${PIPESTATUS[0]}
    set -e
    [ "$code" -eq 0 ] || status=1
    line=$(grep -E "(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+" "$log" | tail -1 || true)
    if [ -z "$line" ]; then
      echo "No test summary from $project; see $log" >&2
      status=1
      continue
    fi
    failed=$((failed + $(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"$line")))
    passed=$((passed + $(sed -E 's/.*Passed: +([0-9]+),.*/\1/' <<<"$line")))
    skipped=$((skipped + $(sed -E 's/.*Skipped: +([0-9]+),.*/\1/' <<<"$line")))
  done
  echo "Tests: $passed passed, $failed failed, $skipped skipped"
  return $status
}

run_sample() {
  local name=${1:-AnomalyDetection}
  local project="samples/$name/$name.csproj"
  # A sample is a folder samples/NAME with NAME.csproj; samples/Common and samples/Plotting hold what the samples share.
  [ -f "$project" ] || { echo "No sample named $name; the samples are: $(cd samples && for d in */; do [ -f "$d${d%/}.csproj" ] && echo "${d%/}"; done | paste -sd' ' -)." >&2; exit 2; }
  install_data
  dotnet run --project "$project" -c "$configuration" -- "${@:2}"
}

case "${1:-}" in
  test) run_tests ;;
  sample) shift; run_sample "$@" ;;
  *) echo "usage: ./build.sh sample [NAME [ARGS...]] | ./build.sh test" >&2; exit 2 ;;
esac
