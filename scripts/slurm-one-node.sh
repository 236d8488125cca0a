#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, driven by `taxonomy sweep --backend slurm`: installs slurm-wlm and munge
# when missing (Debian, as root or with sudo), starts its own munged, slurmctld and slurmd (state, spool, logs and the
# munge socket in a temporary folder; nothing of the system's own configuration is touched), submits the 4-run
# examples/grid-quick.json, waits, checks `sweep --status` and the collected table, and stops the daemons it started.
# Prints PASS/FAIL lines (which .ci/run counts), or one "SKIP slurm: reason" line when this machine cannot run Slurm.
# Environment: TAXONOMY (default: dotnet src/Taxonomy.Host/bin/Debug/net10.0/taxonomy.dll), KEEP=1 keeps the folder,
# SLURM_WAIT (seconds to wait for the array, default 600).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
taxonomy=(${TAXONOMY:-dotnet "$root/src/Taxonomy.Host/bin/Debug/net10.0/taxonomy.dll"})

skip() { echo "SKIP slurm: $*"; exit 0; }
pass() { echo "PASS slurm: $*"; }
fail() { echo "FAIL slurm: $*"; failures=$((failures + 1)); }
failures=0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo -n true 2>/dev/null || skip "not root and no password-less sudo: cannot start slurmd"
  sudo="sudo -n"
fi
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  command -v apt-get >/dev/null || skip "slurm-wlm and munge are missing and there is no apt-get"
  echo "installing slurm-wlm and munge (apt-get)"
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq slurm-wlm munge; } >/dev/null 2>&1 \
    || skip "apt-get could not install slurm-wlm and munge"
fi
[ -f "${taxonomy[-1]}" ] || [ -n "${TAXONOMY:-}" ] || skip "taxonomy is not built (${taxonomy[-1]}); run dotnet build first"

work=$(mktemp -d /tmp/taxonomy-slurm.XXXXXX)
chmod 755 "$work"
pids=()
stop() {
  for pid in "${pids[@]}"; do $sudo kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do while $sudo kill -0 "$pid" 2>/dev/null; do sleep 0.2; done; done
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $work"; else $sudo rm -rf "$work"; fi
}
trap stop EXIT

# Free ports, so a cluster that already runs here (or another copy of this script) is left alone.
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
mkdir -p "$work"/{munge,state,spool,log}
chmod 700 "$work/munge"
head -c 1024 /dev/urandom > "$work/munge/munge.key"
chmod 400 "$work/munge/munge.key"
$sudo munged --foreground --force --socket="$work/munge/socket" --key-file="$work/munge/munge.key" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/log/munged.log" --seed-file="$work/munge/seed" > "$work/log/munged.out" 2>&1 &
pids+=($!)

node=$(slurmd -C | head -n 1)   # this machine as Slurm sees it: NodeName=… CPUs=… RealMemory=…
export SLURM_CONF="$work/slurm.conf"
cat > "$SLURM_CONF" <<CONF
ClusterName=taxonomy-test
SlurmctldHost=$(hostname)(127.0.0.1)
SlurmctldPort=$(port)
SlurmdPort=$(port)
SlurmUser=$(id -un)
AuthType=auth/munge
AuthInfo=socket=$work/munge/socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
for _ in $(seq 50); do [ -S "$work/munge/socket" ] && break; sleep 0.1; done
[ -S "$work/munge/socket" ] || skip "munged did not start: $(tail -n 1 "$work/log/munged.log" 2>/dev/null)"
$sudo env SLURM_CONF="$SLURM_CONF" slurmctld -D -i -f "$SLURM_CONF" > "$work/log/slurmctld.out" 2>&1 &
pids+=($!)
$sudo env SLURM_CONF="$SLURM_CONF" slurmd -D -f "$SLURM_CONF" > "$work/log/slurmd.out" 2>&1 &
pids+=($!)
up=0
for _ in $(seq 60); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then up=1; break; fi
  sleep 0.5
done
[ "$up" = 1 ] || skip "the one-node cluster did not come up: $(tail -n 2 "$work/log/slurmctld.log" "$work/log/slurmd.log" 2>/dev/null | tr '\n' ' ')"
echo "slurm: one node up ($(sinfo -h -o '%N %c CPUs %m MB %T'))"

sweep="$work/sweep"
export TAXONOMY_CACHE="$work/cache"
start=$SECONDS
submitted=$("${taxonomy[@]}" sweep examples/grid-quick.json --backend slurm --out "$sweep" 2>&1)
echo "$submitted"
job=$(sed -n 's/^sweep: submitted job \([0-9]*\),.*/\1/p' <<<"$submitted")
if [ -n "$job" ]; then pass "sweep --backend slurm submitted job $job"; else fail "sweep --backend slurm did not submit"; exit 1; fi
running=$("${taxonomy[@]}" sweep examples/grid-quick.json --backend slurm --out "$sweep" --status 2>&1)
grep -qE '  (PENDING|RUNNING|COMPLETING|COMPLETE)( |$)' <<<"$running" && pass "sweep --status reads the array's states from Slurm while it runs" \
  || fail "sweep --status while the array runs: $running"
grep -q -- '--array=0-3' "$sweep"/slurm/*.sbatch && pass "one array task per run (--array=0-3)" || fail "the sbatch script's array is not 0-3"

waited=0
while [ -n "$(squeue -h -j "$job" 2>/dev/null)" ] && [ "$waited" -lt "${SLURM_WAIT:-600}" ]; do sleep 2; waited=$((waited + 2)); done
[ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && pass "the array finished in $((SECONDS - start)) s after submission" || fail "the array was still queued after ${SLURM_WAIT:-600} s"
ls "$sweep"/slurm/"${job}"_{0,1,2,3}.out >/dev/null 2>&1 && pass "one log per array task (slurm/${job}_%a.out)" || fail "task logs missing: $(ls "$sweep/slurm")"

status=$("${taxonomy[@]}" sweep examples/grid-quick.json --backend slurm --out "$sweep" --status 2>&1)
echo "$status"
grep -q '^sweep: 4 runs: 4 complete$' <<<"$status" && pass "sweep --status: 4 complete" || fail "sweep --status does not say 4 complete"

table=$("${taxonomy[@]}" collect "$sweep" 2>&1)
echo "$table"
rows=$(grep -c '^| AE+k-means | digits | 0.0' <<<"$table")
[ "$rows" = 2 ] && grep -q '| 2 |' <<<"$table" && [ -f "$sweep/results.csv" ] \
  && pass "collect: 2 rows (learning rates) of 2 seeds each, results.md and results.csv" || fail "collect's table is not 2 rows of 2 seeds"

# An incomplete run (its folder gone) is the only one --resume submits again.
lost=$(ls -d "$sweep"/*-s1-*/ | head -n 1)
rm -rf "$lost"
again=$("${taxonomy[@]}" sweep examples/grid-quick.json --backend slurm --out "$sweep" --resume 2>&1)
echo "$again"
job2=$(sed -n 's/^sweep: submitted job \([0-9]*\), array [0-9]* (1 of 4 runs).*/\1/p' <<<"$again")
if [ -n "$job2" ]; then
  waited=0
  while [ -n "$(squeue -h -j "$job2" 2>/dev/null)" ] && [ "$waited" -lt "${SLURM_WAIT:-600}" ]; do sleep 2; waited=$((waited + 2)); done
  [ -f "$lost/result.json" ] && pass "sweep --resume resubmitted only the incomplete run (job $job2) and it completed" \
    || fail "the resubmitted run did not complete"
else
  fail "sweep --resume did not resubmit exactly the one incomplete run: $again"
fi
resumed=$("${taxonomy[@]}" sweep examples/grid-quick.json --backend slurm --out "$sweep" --resume 2>&1)
grep -q 'all 4 runs are complete; nothing to submit' <<<"$resumed" && pass "sweep --resume submits nothing when all runs are complete" || fail "sweep --resume: $resumed"

[ "$failures" -eq 0 ]
