#!/usr/bin/env bash
# The two commands a fresh machine needs:
#   ./build.sh test      build and test every project whose packages restore; name what was skipped and why
#   ./build.sh sample    run the main job, the AnomalyDetection sample (any other sample: ./build.sh sample NAME)
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
configuration=Release
logs=artifacts/logs
mkdir -p "$logs"

# Restores one project; prints nothing and succeeds, or prints the packages the feed lacks and fails.
# Any other restore error stops the script: only missing optional packages may be skipped.
restore() {
  local project=$1 log
  log="$logs/restore-$(basename "$project" .csproj).log"
  if dotnet restore "$project" >"$log" 2>&1; then return 0; fi
  local missing
  missing=$(grep -oE "NU110[123]: Unable to find package [A-Za-z0-9.]+" "$log" | awk '{print $NF}' | sed 's/\.$//' | sort -u | paste -sd, - || true)
  if [ -z "$missing" ] || grep -vE "^(Microsoft\.ML|TorchSharp|libtorch|SkiaSharp|SixLabors)" <<<"${missing//,/$'\n'}" | grep -q .; then
    echo "Restore of $project failed for a reason other than an unavailable optional package; see $log:" >&2
    grep -E "error" "$log" | sort -u | head -20 >&2
    exit 1
  fi
  echo "$missing"
  return 1
}

run_tests() {
  local skipped=() reasons=() projects passed=0 failed=0 skipped_tests=0 status=0
  mapfile -t projects < <(git ls-files '*.csproj' 2>/dev/null || find src test bench samples -name '*.csproj')
  local buildable=()
  for project in "${projects[@]}"; do
    if missing=$(restore "$project"); then
      buildable+=("$project")
    else
      skipped+=("$(basename "$project" .csproj)")
      reasons+=("$missing")
    fi
  done

  for project in "${buildable[@]}"; do
    case "$project" in test/*) continue ;; esac
    echo "== build $project"
    dotnet build "$project" -c "$configuration" --no-restore -nologo -clp:ErrorsOnly >"$logs/build-$(basename "$project" .csproj).log" 2>&1 \
      || { cat "$logs/build-$(basename "$project" .csproj).log"; exit 1; }
  done

  for project in "${buildable[@]}"; do
    case "$project" in test/*) ;; *) continue ;; esac
    echo "== test $project"
    local log="$logs/test-$(basename "$project" .csproj).log"
    set +e
    dotnet test "$project" -c "$configuration" --no-restore -nologo 2>&1 | tee "$log" | grep -E "^\s*(Failed |Passed!|Failed!|Skipped )|error" 
    local code=${PIPESTATUS[0]}
    set -e
    [ "$code" -eq 0 ] || status=1
    local line
    line=$(grep -E "(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+" "$log" | tail -1 || true)
    if [ -z "$line" ]; then
      echo "No test summary from $project; see $log" >&2
      status=1
      continue
    fi
    failed=$((failed + $(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"$line")))
    passed=$((passed + $(sed -E 's/.*Passed: +([0-9]+),.*/\1/' <<<"$line")))
    skipped_tests=$((skipped_tests + $(sed -E 's/.*Skipped: +([0-9]+),.*/\1/' <<<"$line")))
  done

  if [ ${#skipped[@]} -gt 0 ]; then
    local all
    all=$(printf '%s\n' "${reasons[@]}" | tr ',' '\n' | sort -u | paste -sd, - | sed 's/,/, /g')
    echo "Skipped ${skipped[*]}: the NuGet feed here lacks ${all}; they build and test wherever those packages restore."
  fi
  echo "Tests: $passed passed, $failed failed, $skipped_tests skipped"
  return $status
}

run_sample() {
  local name=${1:-AnomalyDetection}
  local project="samples/$name/$name.csproj"
  [ -f "$project" ] && [ "$name" != Common ] || { echo "No sample named $name; the samples are: $(ls samples | grep -vx Common | paste -sd' ' -)." >&2; exit 2; }
  if ! missing=$(restore "$project"); then
    echo "The $name sample needs ${missing//,/, }, which the configured NuGet feed does not have; add a feed that does (nuget.org has them) and run again." >&2
    exit 1
  fi
  dotnet run --project "$project" -c "$configuration" --no-restore -- "${@:2}"
}

case "${1:-}" in
  test) run_tests ;;
  sample) shift; run_sample "$@" ;;
  *) echo "usage: ./build.sh test | ./build.sh sample [NAME]" >&2; exit 2 ;;
esac
