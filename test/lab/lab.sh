#!/usr/bin/env bash
# stackmend lab: a real, single-machine OpenStack (Debian bookworm packages = Zed) on 127.0.0.1.
#
#   npm run lab -- up | status | down | logs <service> | reset | kill-host <computeN> | revive-host <computeN>
#
# Everything the lab needs lives beside this file (test/lab/): package list, debconf answers,
# config templates (etc/), the Keystone/reset helper (labctl.py), the Zaqar Redis Lua scripts.
# Processes are started without systemd (setsid, one process group each); pidfiles live in
# /var/lib/stackmend-lab/run, logs in /var/log/stackmend-lab/<service>.log.
set -euo pipefail

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Debian's python3 (with the OpenStack libraries), never a pyenv/venv one that may come first in PATH.
export PATH=/usr/local/sbin:/usr/sbin:/sbin:/usr/bin:/bin:/usr/local/bin
PY=/usr/bin/python3
# the package tool; tests point this at a missing file to check the "no apt" refusal
APT_GET=${STACKMEND_LAB_APT_GET:-apt-get}
STATE=/var/lib/stackmend-lab
RUN=$STATE/run
STAMPS=$STATE/stamps
LOGS=/var/log/stackmend-lab
export LAB_DIR STATE RUN LOGS

# Lab-wide constants (also read by labctl.py through the environment).
export LAB_SERVICE_PASSWORD=labservice
export LAB_ADMIN_PASSWORD=labadmin
export LAB_MEMBER_PASSWORD=labmember
# Masakari sleeps this long after disabling a failed host's nova-compute before evacuating.
# The benchmark reads it from $STATE/masakari.env.
MASAKARI_WAIT_PERIOD=5

say() { printf '[lab %s] %s\n' "$(date +%T)" "$*"; }
err() { printf 'lab: %s\n' "$*" >&2; }
now_ms() { date +%s%3N; }
secs_since() { local d=$(( $(now_ms) - $1 )); printf '%d.%01d' $((d / 1000)) $(((d % 1000) / 100)); }

usage() {
  cat >&2 <<'EOF'
usage: npm run lab -- <command>   (or: bash test/lab/lab.sh <command>)

  up                     install (first time), configure and start the whole lab; fast no-op when healthy
  status                 table of services: port, pid, health (+ Nova compute states)
  down                   stop every process the lab started (only those)
  logs <service>         tail -f that service's log (see `status` for names)
  reset                  delete stacks, servers, alarms, queues, trusts, Masakari notifications;
                         restart stopped computes; un-force/re-enable compute1+2, keep compute3 disabled
  kill-host <computeN>   SIGKILL that nova-compute's process group ("the host died")
  revive-host <computeN> start that nova-compute again and wait until Nova reports it up
  stop <service>         stop one lab service (SIGTERM to its process group; a fault for tests)
  start <service>        start it again and wait until its API answers (`reset` also restarts it)

Hosts: compute1 compute2 (enabled), compute3 (disabled: a reserved host; `reset` disables it again).  Logs: /var/log/stackmend-lab/  State: /var/lib/stackmend-lab/
EOF
}

# ------------------------------------------------------------------------- services
# name|port|health url (empty = process only)|config files that trigger a restart when changed
SERVICES=(
  "keystone|5000|http://127.0.0.1:5000/v3|/etc/keystone/keystone.conf"
  "placement|8778|http://127.0.0.1:8778/|/etc/placement/placement.conf"
  "glance-api|9292|http://127.0.0.1:9292/|/etc/glance/glance-api.conf"
  "neutron-api|9696|http://127.0.0.1:9696/|/etc/neutron/neutron.conf /etc/neutron/plugins/ml2/ml2_conf.ini"
  "nova-api|8774|http://127.0.0.1:8774/|/etc/nova/nova.conf"
  "nova-conductor|||/etc/nova/nova.conf"
  "nova-scheduler|||/etc/nova/nova.conf"
  "nova-compute1|||/etc/nova/nova.conf $STATE/etc/nova-compute1.conf"
  "nova-compute2|||/etc/nova/nova.conf $STATE/etc/nova-compute2.conf"
  "nova-compute3|||/etc/nova/nova.conf $STATE/etc/nova-compute3.conf"
  "heat-api|8004|http://127.0.0.1:8004/|/etc/heat/heat.conf /etc/heat/policy.yaml"
  "heat-engine|||/etc/heat/heat.conf /etc/heat/policy.yaml"
  "zaqar|8888|http://127.0.0.1:8888/|/etc/zaqar/zaqar.conf"
  "aodh-api|8042|http://127.0.0.1:8042/|/etc/aodh/aodh.conf"
  "aodh-evaluator|||/etc/aodh/aodh.conf"
  "aodh-listener|||/etc/aodh/aodh.conf"
  "aodh-notifier|||/etc/aodh/aodh.conf"
  "ceilometer-notification|||/etc/ceilometer/ceilometer.conf /etc/ceilometer/event_pipeline.yaml"
  "mistral|8989|http://127.0.0.1:8989/|/etc/mistral/mistral.conf"
  "masakari-api|15868|http://127.0.0.1:15868/|/etc/masakari/masakari.conf"
  "masakari-engine|||/etc/masakari/masakari.conf"
  "ironic|6385|http://127.0.0.1:6385/|/etc/ironic/ironic-lab.conf"
)
svc_field() { # name fieldno
  local s
  for s in "${SERVICES[@]}"; do
    [ "${s%%|*}" = "$1" ] && { echo "$s" | cut -d'|' -f"$2"; return 0; }
  done
  return 1
}
svc_names() { local s; for s in "${SERVICES[@]}"; do echo "${s%%|*}"; done; }

UWSGI=(uwsgi --plugin python3 --master --die-on-term --need-app --lazy-apps --enable-threads --thunder-lock
  --buffer-size 65535 --add-header "Connection: close")

svc_cmd() { # prints the argv (one per line) that starts a service
  local a=()
  case $1 in
    keystone)    a=("${UWSGI[@]}" --http-socket 127.0.0.1:5000 --processes 2 --threads 2 --wsgi-file /usr/bin/keystone-wsgi-public --procname-prefix keystone-) ;;
    placement)   a=("${UWSGI[@]}" --http-socket 127.0.0.1:8778 --processes 1 --threads 4 --wsgi-file /usr/bin/placement-api --procname-prefix placement-) ;;
    # neutron is eventlet-patched: one thread per uwsgi process
    neutron-api) a=("${UWSGI[@]}" --http-socket 127.0.0.1:9696 --processes 1 --threads 1 --wsgi-file /usr/bin/neutron-api --procname-prefix neutron-api-) ;;
    glance-api)  a=(glance-api --config-file /etc/glance/glance-api.conf) ;;
    nova-api|nova-conductor|nova-scheduler) a=("$1" --config-file /etc/nova/nova.conf) ;;
    nova-compute[123]) a=(nova-compute --config-file /etc/nova/nova.conf --config-file "$STATE/etc/$1.conf") ;;
    heat-api|heat-engine) a=("$1" --config-file /etc/heat/heat.conf) ;;
    # zaqar-server and aodh-api alone are single-threaded wsgiref servers: run their WSGI apps
    # under uwsgi instead (both read /etc/<svc>/<svc>.conf)
    zaqar)       a=("${UWSGI[@]}" --http-socket 127.0.0.1:8888 --processes 2 --threads 4 --module zaqar.transport.wsgi.app:application --procname-prefix zaqar-) ;;
    aodh-api)    a=("${UWSGI[@]}" --http-socket 127.0.0.1:8042 --processes 2 --threads 4 --wsgi-file /usr/bin/aodh-api --procname-prefix aodh-api-) ;;
    aodh-evaluator|aodh-listener|aodh-notifier) a=("$1" --config-file /etc/aodh/aodh.conf) ;;
    ceilometer-notification) a=(ceilometer-agent-notification --config-file /etc/ceilometer/ceilometer.conf) ;;
    mistral)     a=(mistral-server --server api,engine,executor --config-file /etc/mistral/mistral.conf) ;;
    masakari-api|masakari-engine) a=("$1" --config-file /etc/masakari/masakari.conf) ;;
    # API and conductor in one process (rpc_transport = none): ~140 MB, up in ~3 s
    ironic)      a=(ironic --config-file /etc/ironic/ironic-lab.conf) ;;
    *) return 1 ;;
  esac
  printf '%s\n' "${a[@]}"
}

proc_start() { # pid -> start time in clock ticks since boot (field 22 of /proc/pid/stat; comm may hold spaces)
  local st; st=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  st=${st##*) }; set -- $st; echo "${20}"
}
pid_of() { [ -f "$RUN/$1.pid" ] && cat "$RUN/$1.pid" 2>/dev/null || true; }
alive() { # name: the recorded process is alive and is still the one we started (not a reused pid)
  local p; p=$(pid_of "$1"); [ -n "$p" ] || return 1
  [ -d "/proc/$p" ] || return 1   # (not kill -0: `status` may run as another user)
  [ "$(proc_start "$p")" = "$(cat "$RUN/$1.start" 2>/dev/null)" ]
}
cfg_sum() { # name: checksum of the command line and the config files the service reads
  local f; { svc_cmd "$1"; for f in $(svc_field "$1" 4); do cat "$f" 2>/dev/null; done; } | md5sum | cut -c1-32
}

start_svc() { # name
  local name=$1 argv=() p
  mapfile -t argv < <(svc_cmd "$name")
  printf '\n===== %s starting: %s\n' "$(date -u +%FT%TZ)" "${argv[*]}" >>"$LOGS/$name.log"
  setsid nohup "${argv[@]}" >>"$LOGS/$name.log" 2>&1 </dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &  # no inherited fd (a caller's flock) may outlive the caller
  p=$!
  echo "$p" >"$RUN/$name.pid"
  # the start time (in clock ticks since boot) tells our process from a later one that reuses the pid
  for _ in 1 2 3 4 5; do [ -r "/proc/$p/stat" ] && break; sleep 0.05; done
  proc_start "$p" >"$RUN/$name.start"
  cfg_sum "$name" >"$RUN/$name.cfgsum"
  date +%s >"$RUN/$name.started"
}

stop_svc() { # name [signal]: signal the whole process group the lab started, wait for it to go
  local name=$1 sig=${2:-TERM} p
  alive "$name" || { rm -f "$RUN/$name.pid"; return 0; }
  p=$(pid_of "$name")
  kill -"$sig" -- "-$p" 2>/dev/null || kill -"$sig" "$p" 2>/dev/null || true
}
wait_gone() { # name timeout_s: wait for the group to exit, SIGKILL it after timeout
  local name=$1 n=$(( ${2:-10} * 10 )) p
  p=$(pid_of "$name"); [ -n "$p" ] || return 0
  while [ $n -gt 0 ] && kill -0 -- "-$p" 2>/dev/null; do sleep 0.1; n=$((n - 1)); done
  kill -0 -- "-$p" 2>/dev/null && kill -KILL -- "-$p" 2>/dev/null || true
  rm -f "$RUN/$name.pid" "$RUN/$name.start"
}

http_code() { curl -s -o /dev/null -m "${2:-3}" -w '%{http_code}' "$1" 2>/dev/null || true; }

# ------------------------------------------------------------------------- preflight
preflight() { # before touching anything: root + Debian/apt
  local bad=0
  if [ "$(id -u)" != 0 ]; then
    err "\`$1\` must run as root: it installs Debian packages, writes /etc and starts OpenStack services."
    err "You are $(id -un 2>/dev/null || echo "uid $(id -u)"). Nothing was changed. Re-run as root (e.g. sudo npm run lab -- $1)."
    bad=1
  fi
  if ! command -v "$APT_GET" >/dev/null 2>&1 || ! command -v dpkg >/dev/null 2>&1; then
    err "\`$1\` needs a Debian (bookworm) machine with apt-get and dpkg; none found. Nothing was changed."
    bad=1
  fi
  [ $bad = 0 ] || exit 1
}
need_root() {
  [ "$(id -u)" = 0 ] || { err "\`$1\` must run as root (the lab's processes belong to root). Nothing was changed."; exit 1; }
}

# ------------------------------------------------------------------------- install
lab_packages() { grep -v '^\s*#' "$LAB_DIR/apt-packages.txt" | tr -s ' \n' '\n' | grep -v '^$'; }
missing_packages() {
  local p
  # shellcheck disable=SC2046
  dpkg-query -W -f='${Package} ${db:Status-Status}\n' $(lab_packages) 2>/dev/null | awk '$2=="installed"{print $1}' >"$STATE/.installed" || true
  for p in $(lab_packages); do grep -qx "$p" "$STATE/.installed" || echo "$p"; done
  rm -f "$STATE/.installed"
}
do_install() {
  local miss t0
  miss=$(missing_packages)
  [ -n "$miss" ] || return 0
  t0=$(now_ms)
  say "installing Debian packages (missing: $(echo $miss | wc -w) of $(lab_packages | wc -l)) in one apt transaction"
  # nothing may auto-start (there is no systemd; the lab starts its own processes)
  local prc=/usr/sbin/policy-rc.d had_prc=0
  [ -e $prc ] && { had_prc=1; cp -a $prc "$STATE/policy-rc.d.orig"; }
  printf '#!/bin/sh\n# stackmend lab: do not start services from maintainer scripts\nexit 101\n' >$prc; chmod 755 $prc
  debconf-set-selections "$LAB_DIR/debconf-preseed.txt"
  # refresh the package lists only when they do not know our packages
  # shellcheck disable=SC2046
  if ! apt-cache show $(lab_packages) >/dev/null 2>&1; then
    say "apt package lists lack some packages: apt-get update"
    "$APT_GET" update -q >>"$LOGS/apt.log" 2>&1
  fi
  # shellcheck disable=SC2046
  if ! DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=l "$APT_GET" install -y -q --no-install-recommends \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold $(lab_packages) >>"$LOGS/apt.log" 2>&1; then
    tail -20 "$LOGS/apt.log" >&2
    err "apt-get install failed (full log: $LOGS/apt.log)"; exit 1
  fi
  if [ $had_prc = 1 ]; then mv "$STATE/policy-rc.d.orig" $prc; else rm -f $prc; fi
  INSTALL_SECS=$(secs_since "$t0")
  say "packages installed in ${INSTALL_SECS} s"
  echo "$INSTALL_SECS" >"$STATE/install-seconds"
}

# ------------------------------------------------------------------------- infra
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { # port timeout_s
  local n=$(( $2 * 10 ))
  while [ $n -gt 0 ]; do port_open "$1" && return 0; sleep 0.1; n=$((n - 1)); done
  return 1
}
do_infra() { # reuse RabbitMQ/MariaDB/Redis when they listen on 127.0.0.1; start them otherwise
  if ! port_open 3306; then
    say "starting MariaDB"
    # mariadbd refuses to run as root without user=mysql
    printf '[mysqld]\nuser = mysql\nbind-address = 127.0.0.1\nmax_connections = 1000\nskip-name-resolve\n' \
      >/etc/mysql/mariadb.conf.d/99-stackmend-lab.cnf
    mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd 9>&-
  fi
  if ! port_open 5672; then say "starting RabbitMQ"; rabbitmq-server -detached >>"$LOGS/rabbitmq-start.log" 2>&1 9>&-; fi
  if ! port_open 6379; then
    say "starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null 9>&-
  fi
  wait_port 3306 60 || { err "MariaDB does not listen on 127.0.0.1:3306"; exit 1; }
  wait_port 6379 10 || { err "Redis does not listen on 127.0.0.1:6379"; exit 1; }
  wait_port 5672 120 || { err "RabbitMQ does not listen on 127.0.0.1:5672"; exit 1; }
  # ~20 OpenStack processes with connection pools need more than MariaDB's default 151 connections
  local mc; mc=$(mysql -N -e 'SELECT @@max_connections')
  [ "$mc" -ge 1000 ] || mysql -e 'SET GLOBAL max_connections = 1000'
}

# ------------------------------------------------------------------------- configs and package fixes
render() { # template -> stdout: @PW@, @MASAKARI_WAIT@, @AUTHTOKEN user@, @KSAUTH section user@
  awk -v pw="$LAB_SERVICE_PASSWORD" -v mw="$MASAKARI_WAIT_PERIOD" '
    function creds(u) {
      print "auth_type = password"; print "project_domain_name = Default"; print "user_domain_name = Default"
      print "project_name = service"; print "username = " u; print "password = " pw
    }
    /^@AUTHTOKEN [a-z_]+@$/ { u = $2; sub(/@$/, "", u)
      print "[keystone_authtoken]"; print "www_authenticate_uri = http://127.0.0.1:5000"
      print "auth_url = http://127.0.0.1:5000"; creds(u); print "service_token_roles_required = true"; next }
    /^@KSAUTH [a-z_]+ [a-z_]+@$/ { u = $3; sub(/@$/, "", u)
      print "[" $2 "]"; print "auth_url = http://127.0.0.1:5000/v3"; creds(u); print "region_name = RegionOne"; next }
    { gsub(/@PW@/, pw); gsub(/@MASAKARI_WAIT@/, mw); print }' "$1"
}
install_file() { # content-file dest: replace dest only when it differs; keep Debian's original once
  local src=$1 dst=$2
  cmp -s "$src" "$dst" && return 0
  [ -f "$dst" ] && [ ! -f "$dst.dist" ] && cp -a "$dst" "$dst.dist"
  mkdir -p "$(dirname "$dst")"
  install -m 0640 "$src" "$dst"
  say "config: wrote $dst"
}
do_configs() {
  local f rel tmp="$STATE/.render"
  (cd "$LAB_DIR/etc" && find . -type f | sed 's|^\./||') | while read -r rel; do
    render "$LAB_DIR/etc/$rel" >"$tmp"; install_file "$tmp" "/etc/$rel"
  done
  for f in 1 2 3; do
    printf '# stackmend lab: nova-compute%s (read after /etc/nova/nova.conf)\n[DEFAULT]\nhost = compute%s\n' "$f" "$f" >"$tmp"
    install_file "$tmp" "$STATE/etc/nova-compute$f.conf"
  done
  rm -f "$tmp"
  printf 'MASAKARI_WAIT_PERIOD_AFTER_SERVICE_UPDATE=%s\nMASAKARI_EVACUATE_ALL_INSTANCES=false\nNOVA_SERVICE_DOWN_TIME=60\nNOVA_REPORT_INTERVAL=10\nAODH_EVENT_ALARM_CACHE_TTL=%s\n' \
    "$MASAKARI_WAIT_PERIOD" "$(sed -n 's/^event_alarm_cache_ttl = //p' /etc/aodh/aodh.conf)" >"$STATE/masakari.env.tmp"
  cmp -s "$STATE/masakari.env.tmp" "$STATE/masakari.env" && rm -f "$STATE/masakari.env.tmp" || mv "$STATE/masakari.env.tmp" "$STATE/masakari.env"
  mkdir -p /var/lib/glance/images /var/lib/glance/lock /var/lib/neutron/lock /var/lib/nova/instances /var/lib/nova/tmp \
    /etc/keystone/fernet-keys /etc/keystone/credential-keys
}
do_patches() {
  # Debian's python3-zaqar 15.0.0 lacks the Redis driver's Lua scripts (message POST -> 503)
  local zs=/usr/lib/python3/dist-packages/zaqar/storage/redis/scripts f
  mkdir -p "$zs"
  for f in "$LAB_DIR"/zaqar-redis/*.lua; do
    cmp -s "$f" "$zs/$(basename "$f")" || { install -m 0644 "$f" "$zs/"; say "zaqar: installed $(basename "$f")"; }
  done
  # each patch once (forward only): masakari-read-deleted (masakari 14.0.2 + oslo.messaging 14.0.3+deb12u1:
  # read_deleted=None -> HTTP 500 on every create); nova-fake-power-update (the fake virt driver honours
  # os-server-external-events power-update as Ironic's driver does: a server powered off behind Nova's back);
  # nova-allocations-on-reshape (nova 26.2.2's resource tracker GETs every consumer's allocations on each
  # claim and periodic update, unused unless a reshape or PCI-in-placement needs them: a host's cost per boot
  # grew with the servers on it, 61,000 GETs while 280 servers booted; later upstream Nova reads them only
  # for a reshape)
  local pkg=/usr/lib/python3/dist-packages p
  for p in "$LAB_DIR"/patches/*.patch; do
    if patch -d "$pkg" -p1 --dry-run --forward -s <"$p" >/dev/null 2>&1; then
      patch -d "$pkg" -p1 --forward -s --no-backup-if-mismatch <"$p"
      say "patched $(sed -n 's|^+++ b/||p' "$p" | head -1) ($(basename "$p" .patch))"
    fi
  done
}

# ------------------------------------------------------------------------- databases + keystone
DBS="keystone glance placement nova_api nova nova_cell0 neutron heat zaqar aodh mistral masakari ironic"
db_user() { case $1 in nova*) echo nova ;; *) echo "$1" ;; esac; }
sync_cmd() { # service: its schema sync, run with the lab's config
  case $1 in
    keystone)  keystone-manage db_sync ;;
    placement) placement-manage db sync ;;
    glance)    glance-manage --config-file /etc/glance/glance-api.conf db_sync ;;
    neutron)   neutron-db-manage --config-file /etc/neutron/neutron.conf --config-file /etc/neutron/plugins/ml2/ml2_conf.ini upgrade heads ;;
    nova)      nova-manage api_db sync
               nova-manage cell_v2 list_cells | grep -q ' cell0 ' || nova-manage cell_v2 map_cell0
               nova-manage cell_v2 list_cells | grep -q ' cell1 ' || nova-manage cell_v2 create_cell --name=cell1
               nova-manage db sync ;;
    heat)      heat-manage db_sync ;;
    zaqar)     zaqar-sql-db-manage --config-file /etc/zaqar/zaqar.conf upgrade head ;;
    aodh)      aodh-dbsync --config-file /etc/aodh/aodh.conf ;;
    mistral)   mistral-db-manage --config-file /etc/mistral/mistral.conf upgrade head
               mistral-db-manage --config-file /etc/mistral/mistral.conf populate ;;
    masakari)  masakari-manage --config-file /etc/masakari/masakari.conf db sync ;;
    ironic)    ironic-dbsync --config-file /etc/ironic/ironic-lab.conf create_schema ;;
  esac
}
db_sync() { # service: once per machine (stamp), in its own log
  local svc=$1 t0
  [ -f "$STAMPS/db-$svc" ] && return 0
  t0=$(now_ms)
  if ! ( set -e; sync_cmd "$svc" ) >>"$LOGS/dbsync-$svc.log" 2>&1; then
    err "database sync of $svc failed; see $LOGS/dbsync-$svc.log"; tail -5 "$LOGS/dbsync-$svc.log" >&2; return 1
  fi
  touch "$STAMPS/db-$svc"
  say "db sync $svc: $(secs_since "$t0") s"
}
do_databases() {
  local have db sql="" u
  have=$(mysql -N -e 'SHOW DATABASES')
  for db in $DBS; do
    if ! grep -qx "$db" <<<"$have"; then
      # a missing database invalidates what was done in it
      rm -f "$STAMPS/db-${db%%_*}" "$STAMPS/bootstrap"
      [ "$db" = keystone ] && rm -f "$STAMPS/keystone-bootstrap" "$STAMPS/keystone-register"
      u=$(db_user "$db")
      sql+="CREATE DATABASE IF NOT EXISTS $db;
CREATE USER IF NOT EXISTS '$u'@'127.0.0.1' IDENTIFIED BY '$LAB_SERVICE_PASSWORD';
CREATE USER IF NOT EXISTS '$u'@'localhost' IDENTIFIED BY '$LAB_SERVICE_PASSWORD';
GRANT ALL ON $db.* TO '$u'@'127.0.0.1'; GRANT ALL ON $db.* TO '$u'@'localhost'; "
    fi
  done
  [ -z "$sql" ] || { mysql -e "$sql FLUSH PRIVILEGES;"; say "databases created"; }
}
labctl_sum() { # section...: checksum of labctl.py's constants + those sections, so a step reruns only when its code changed
  awk -v want=" $* " '/^# -+ [a-z]+$/ { sec = $3; hdr = 1 } !hdr || index(want, " " sec " ") { print }' "$LAB_DIR/labctl.py" | md5sum | cut -c1-32
}
keystone_chain() { # db sync, keys, bootstrap, start, register (runs beside the other db syncs)
  db_sync keystone
  [ -f /etc/keystone/fernet-keys/0 ] || keystone-manage fernet_setup --keystone-user root --keystone-group root
  [ -f /etc/keystone/credential-keys/0 ] || keystone-manage credential_setup --keystone-user root --keystone-group root
  if [ ! -f "$STAMPS/keystone-bootstrap" ]; then
    keystone-manage bootstrap --bootstrap-password "$LAB_ADMIN_PASSWORD" --bootstrap-username admin \
      --bootstrap-project-name admin --bootstrap-role-name admin --bootstrap-service-name keystone \
      --bootstrap-region-id RegionOne --bootstrap-admin-url http://127.0.0.1:5000/v3/ \
      --bootstrap-internal-url http://127.0.0.1:5000/v3/ --bootstrap-public-url http://127.0.0.1:5000/v3/ \
      >>"$LOGS/dbsync-keystone.log" 2>&1
    touch "$STAMPS/keystone-bootstrap"
  fi
  ensure_running keystone
  wait_api keystone 60 || { err "keystone does not answer; see $LOGS/keystone.log"; return 1; }
  local sum; sum=$(labctl_sum register)
  if [ "$(cat "$STAMPS/keystone-register" 2>/dev/null)" != "$sum" ]; then
    $PY "$LAB_DIR/labctl.py" register >>"$LOGS/labctl.log" 2>&1 || { err "keystone registration failed; see $LOGS/labctl.log"; tail -5 "$LOGS/labctl.log" >&2; return 1; }
    echo "$sum" >"$STAMPS/keystone-register"
    say "keystone: projects, users, services and endpoints registered"
  fi
}

# ------------------------------------------------------------------------- processes
ensure_running() { # name: start if not running, restart if its config changed since it started
  local name=$1
  if alive "$name"; then
    [ "$(cfg_sum "$name")" = "$(cat "$RUN/$name.cfgsum" 2>/dev/null)" ] && return 0
    say "$name: config changed, restarting"
    stop_svc "$name"; wait_gone "$name" 15
  fi
  rm -f "$RUN/$name.killed"
  start_svc "$name"
  say "started $name (pid $(pid_of "$name"))"
}
api_ok() { # name: the API answers (any HTTP status below 500)
  local url code; url=$(svc_field "$1" 3); [ -n "$url" ] || return 0
  code=$(http_code "$url" 3); [ -n "$code" ] && [ "$code" != 000 ] && [ "$code" -lt 500 ]
}
wait_api() { # name timeout_s
  local n=$(( $2 * 4 ))
  while [ $n -gt 0 ]; do
    alive "$1" || return 1
    api_ok "$1" && return 0
    sleep 0.25; n=$((n - 1))
  done
  return 1
}
wait_all_apis() { # in parallel; returns non-zero if any failed
  local name pids=() rc=0
  for name in $(svc_names); do
    [ -n "$(svc_field "$name" 3)" ] || continue
    wait_api "$name" "${1:-150}" &
    pids+=($!)
  done
  for name in "${pids[@]}"; do wait "$name" || rc=1; done
  return $rc
}

# ------------------------------------------------------------------------- table
health_of() { # name -> text
  local name=$1 url code
  if ! alive "$name"; then
    [ -f "$RUN/$name.killed" ] && echo "DOWN (kill-host)" || echo "DOWN"
    return
  fi
  url=$(svc_field "$name" 3)
  [ -n "$url" ] || { echo "running"; return; }
  code=$(http_code "$url" 3)
  if [ -n "$code" ] && [ "$code" != 000 ] && [ "$code" -lt 500 ]; then echo "ok (HTTP $code)"; else echo "NOT ANSWERING (HTTP $code)"; fi
}
print_table() { # prints the table; returns non-zero if anything is unhealthy
  local name tmp rc=0
  tmp=$(mktemp -d)
  local pids=()
  for name in $(svc_names); do health_of "$name" >"$tmp/$name" & pids+=($!); done
  wait "${pids[@]}"
  printf '%-24s %-6s %-8s %s\n' SERVICE PORT PID HEALTH
  for name in $(svc_names); do
    local h; h=$(cat "$tmp/$name")
    printf '%-24s %-6s %-8s %s\n' "$name" "$(svc_field "$name" 2 | sed 's/^$/-/')" "$(alive "$name" && pid_of "$name" || echo -)" "$h"
    case $h in ok*|running) ;; *) rc=1 ;; esac
  done
  rm -rf "$tmp"
  return $rc
}

# ------------------------------------------------------------------------- commands
cmd_up() {
  local t0 t_up rc=0
  t0=$(now_ms)
  INSTALL_SECS=""
  do_install
  t_up=$(now_ms)
  do_infra
  do_configs
  do_patches
  do_databases
  # Keystone (sync, bootstrap, start, register) beside every other schema sync; the other services
  # start only once all syncs are done (2 cores: starting them earlier slows the syncs down more
  # than it gains; measured 82 s against 71 s from nothing)
  local jobs=() svc name
  keystone_chain & jobs+=($!)
  for svc in placement glance neutron nova heat zaqar aodh mistral masakari ironic; do db_sync "$svc" & jobs+=($!); done
  for svc in "${jobs[@]}"; do wait "$svc" || rc=1; done
  [ $rc = 0 ] || { err "bring-up failed (see the messages above)"; exit 1; }
  for name in $(svc_names); do ensure_running "$name"; done
  if ! wait_all_apis 150; then
    print_table || true
    err "some APIs did not come up; see $LOGS/<service>.log"; exit 1
  fi
  # computes that (re)started must have reported before the cloud can schedule on them
  local since=() started
  for name in nova-compute1 nova-compute2 nova-compute3; do
    started=$(cat "$RUN/$name.started")
    [ "$started" -ge $((t_up / 1000)) ] && since+=("compute${name#nova-compute}:$started")
  done
  local sum; sum=$(labctl_sum computes bootstrap)
  if [ "$(cat "$STAMPS/bootstrap" 2>/dev/null)" != "$sum" ] || ! grep -q 'stackmend-lab-member' ~/.config/openstack/clouds.yaml 2>/dev/null; then
    ( rabbitmqctl set_policy --apply-to queues stackmend-lab-versioned-cap '^versioned_notifications\.' '{"max-length":10000}' \
        >>"$LOGS/labctl.log" 2>&1 || err "could not set the RabbitMQ policy for versioned_notifications" ) &
    local rp=$!
    $PY "$LAB_DIR/labctl.py" bootstrap >>"$LOGS/labctl.log" 2>&1 || { err "bootstrap (flavor/image/segment/clouds.yaml) failed; see $LOGS/labctl.log"; tail -5 "$LOGS/labctl.log" >&2; exit 1; }
    wait $rp || true
    echo "$sum" >"$STAMPS/bootstrap"
    say "bootstrap: flavor m1.tiny, image fake-img, segment lab-seg, clouds.yaml"
  fi
  if [ ${#since[@]} -gt 0 ]; then
    $PY "$LAB_DIR/labctl.py" wait-computes "${since[@]}" >>"$LOGS/labctl.log" 2>&1 || { err "nova-compute did not report; see $LOGS/nova-compute*.log"; exit 1; }
  fi
  print_table || rc=1
  [ -n "$INSTALL_SECS" ] && echo "install: ${INSTALL_SECS} s" || echo "install: already installed"
  echo "bring-up: $(secs_since "$t_up") s (total $(secs_since "$t0") s)"
  if [ $rc = 0 ]; then
    [ -f "$STATE/READY" ] || date -u +%FT%TZ >"$STATE/READY"
    echo "lab is up: clouds.yaml entries stackmend-lab, stackmend-lab-member (~/.config/openstack/clouds.yaml)"
  else
    err "some services are unhealthy"; exit 1
  fi
}

cmd_status() {
  local rc=0
  if [ ! -d "$RUN" ]; then echo "the lab has never been started on this machine (npm run lab -- up)"; return 1; fi
  print_table || rc=1
  if alive keystone && alive nova-api; then
    $PY "$LAB_DIR/labctl.py" computes 2>/dev/null || true
  fi
  [ -f "$STATE/masakari.env" ] && sed 's/^/  /' "$STATE/masakari.env"
  return $rc
}

cmd_down() {
  local name
  for name in $(svc_names | tac); do
    alive "$name" && { stop_svc "$name" TERM; say "stopping $name (pid $(pid_of "$name"))"; }
  done
  local pids=()
  for name in $(svc_names); do wait_gone "$name" 5 & pids+=($!); done
  wait "${pids[@]}"
  rm -f "$STATE/READY"
  say "lab stopped (RabbitMQ, MariaDB and Redis are left running)"
}

cmd_logs() {
  local name=${1:-}
  if [ -z "$name" ] || { ! svc_field "$name" 1 >/dev/null && [ ! -f "$LOGS/$name.log" ]; }; then
    [ -n "$name" ] && err "unknown service: $name"
    err "usage: npm run lab -- logs <service>   services: $(svc_names | tr '\n' ' ')"
    exit 2
  fi
  [ -f "$LOGS/$name.log" ] || { err "no log yet: $LOGS/$name.log"; exit 1; }
  if [ -t 1 ]; then exec tail -n 100 -F "$LOGS/$name.log"; else tail -n 200 "$LOGS/$name.log"; fi
}

host_arg() { # computeN -> service name, or usage + exit 2
  case ${1:-} in
    compute1|compute2|compute3) echo "nova-$1" ;;
    *) [ -n "${1:-}" ] && err "unknown host: $1"; err "usage: npm run lab -- $2 <compute1|compute2|compute3>"; exit 2 ;;
  esac
}
cmd_kill_host() {
  local svc; svc=$(host_arg "${1:-}" kill-host)
  need_root kill-host
  if ! alive "$svc"; then say "$1: nova-compute is not running"; return 0; fi
  kill -KILL -- "-$(pid_of "$svc")"
  touch "$RUN/$svc.killed"
  wait_gone "$svc" 5
  say "$1: nova-compute killed (SIGKILL to its process group); Nova will see the service down after service_down_time (60 s) unless forced down"
}
cmd_revive_host() {
  local svc; svc=$(host_arg "${1:-}" revive-host)
  need_root revive-host
  local t0; t0=$(now_ms)
  if alive "$svc"; then say "$1: nova-compute already running (pid $(pid_of "$svc"))"
  else
    rm -f "$RUN/$svc.killed"; start_svc "$svc"
    say "$1: nova-compute started (pid $(pid_of "$svc")), waiting for it to report to Nova"
  fi
  $PY "$LAB_DIR/labctl.py" wait-computes "$1:$(cat "$RUN/$svc.started")" || { err "$1 did not report within 120 s; see $LOGS/$svc.log"; exit 1; }
  $PY "$LAB_DIR/labctl.py" computes | grep " $1 " || true
  say "$1 revived in $(secs_since "$t0") s"
}

svc_arg() { # name command -> the name, or usage + exit 2
  local n
  for n in $(svc_names); do [ "$n" = "${1:-}" ] && { echo "$n"; return 0; }; done
  [ -n "${1:-}" ] && err "unknown service: $1"
  err "usage: npm run lab -- $2 <service>   services: $(svc_names | tr '\n' ' ')"; exit 2
}
cmd_stop() {
  local svc; svc=$(svc_arg "${1:-}" stop)
  if ! alive "$svc"; then say "$svc: not running"; return 0; fi
  stop_svc "$svc"; wait_gone "$svc" 10
  say "$svc: stopped"
}
cmd_start() {
  local svc t0; svc=$(svc_arg "${1:-}" start); t0=$(now_ms)
  if alive "$svc"; then say "$svc: already running (pid $(pid_of "$svc"))"; return 0; fi
  rm -f "$RUN/$svc.killed"; start_svc "$svc"
  if [ -n "$(svc_field "$svc" 3)" ]; then wait_api "$svc" 120 || { err "$svc does not answer; see $LOGS/$svc.log"; exit 1; }; fi
  say "$svc: started (pid $(pid_of "$svc")) in $(secs_since "$t0") s"
}

cmd_reset() {
  need_root reset
  local t0 name since=(); t0=$(now_ms)
  # any lab process that died (a killed host, a crashed service) is started again first
  for name in $(svc_names); do
    if ! alive "$name"; then
      rm -f "$RUN/$name.killed"; start_svc "$name"; say "reset: started $name"
      case $name in nova-compute*) since+=("compute${name#nova-compute}:$(cat "$RUN/$name.started")") ;; esac
    fi
  done
  wait_all_apis 120 || { err "reset: some APIs do not answer (npm run lab -- status)"; exit 1; }
  $PY "$LAB_DIR/labctl.py" reset "${since[@]}" || { err "reset failed"; exit 1; }
  say "reset: $(secs_since "$t0") s"
}

# ------------------------------------------------------------------------- entry
lock() { # one lab command that changes things at a time (parallel `npm test` runs call up/reset)
  exec 9>"$STATE/.lock"
  flock -w 900 9 || { err "another lab command has held $STATE/.lock for 15 min"; exit 1; }
}

main() {
  local cmd=${1:-}
  [ $# -gt 0 ] && shift
  case $cmd in
    up)          preflight up; mkdir -p "$STATE" "$RUN" "$STAMPS" "$LOGS" "$STATE/etc"; lock; cmd_up ;;
    status)      cmd_status ;;
    down)        need_root down; lock; cmd_down ;;
    logs)        cmd_logs "$@" ;;
    reset)       need_root reset; lock; cmd_reset ;;
    kill-host)   host_arg "${1:-}" kill-host >/dev/null; need_root kill-host; lock; cmd_kill_host "$@" ;;
    revive-host) host_arg "${1:-}" revive-host >/dev/null; need_root revive-host; lock; cmd_revive_host "$@" ;;
    stop)        svc_arg "${1:-}" stop >/dev/null; need_root stop; lock; cmd_stop "$@" ;;
    start)       svc_arg "${1:-}" start >/dev/null; need_root start; lock; cmd_start "$@" ;;
    -h|--help|help) usage ;;
    *) [ -n "$cmd" ] && err "unknown command: $cmd"; usage; exit 2 ;;
  esac
}
main "$@"
