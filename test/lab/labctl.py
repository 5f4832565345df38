#!/usr/bin/python3
"""stackmend lab helper, run by lab.sh with Debian's /usr/bin/python3 (keystoneauth1 is packaged).

One process does what would otherwise be dozens of slow `openstack` CLI calls:

  labctl.py register                 Keystone projects, roles, users, services, endpoints (idempotent)
  labctl.py bootstrap                flavor m1.tiny, image fake-img, compute host mapping,
                                     Masakari segment lab-seg, one Ironic node per compute host
                                     (fake-hardware, named after it, powered on), clouds.yaml (idempotent)
  labctl.py wait-computes H[:EPOCH]  wait until each host's nova-compute reported after EPOCH
  labctl.py computes                 print compute services (status/state/forced_down)
  labctl.py reset [H:EPOCH ...]      return the cloud to a clean state (see reset())

Passwords and paths come from the environment lab.sh exports.
"""
import concurrent.futures as cf
import datetime
import os
import subprocess
import sys
import time

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import identity, session

KS = "http://127.0.0.1:5000/v3"
SVC_PW = os.environ.get("LAB_SERVICE_PASSWORD", "labservice")
ADMIN_PW = os.environ.get("LAB_ADMIN_PASSWORD", "labadmin")
MEMBER_PW = os.environ.get("LAB_MEMBER_PASSWORD", "labmember")
HOSTS = ("compute1", "compute2", "compute3")
# kept disabled, as a Masakari reserved host is until it is used: nothing is scheduled there unless a test
# enables it; `reset` disables it again
RESERVED = ("compute3",)
RESERVED_REASON = "stackmend lab: reserved host"
MEMBER_USER, MEMBER_PROJECT = "stackmend-member", "demo"
# name: (service type, endpoint url); each gets a user of the same name in project "service"
CATALOG = {
    "placement": ("placement", "http://127.0.0.1:8778"),
    "glance": ("image", "http://127.0.0.1:9292"),
    "nova": ("compute", "http://127.0.0.1:8774/v2.1"),
    "neutron": ("network", "http://127.0.0.1:9696"),
    "heat": ("orchestration", "http://127.0.0.1:8004/v1/%(project_id)s"),
    "zaqar": ("messaging", "http://127.0.0.1:8888"),
    "aodh": ("alarming", "http://127.0.0.1:8042"),
    "mistral": ("workflowv2", "http://127.0.0.1:8989/v2"),
    "masakari": ("instance-ha", "http://127.0.0.1:15868/v1/%(tenant_id)s"),
    "ironic": ("baremetal", "http://127.0.0.1:6385"),
    "ceilometer": (None, None),  # user only (service credentials)
}
NOVA_MV = {"OpenStack-API-Version": "compute 2.53", "X-OpenStack-Nova-API-Version": "2.53"}
# without it Ironic answers as API 1.1, where a node is not found by its name
IRONIC_MV = {"X-OpenStack-Ironic-API-Version": "1.27"}


def log(*a):
    print("[labctl %s]" % time.strftime("%H:%M:%S"), *a, flush=True)


def sess(project="admin", user="admin", password=ADMIN_PW):
    auth = identity.v3.Password(auth_url=KS, username=user, password=password, project_name=project,
                                user_domain_name="Default", project_domain_name="Default")
    # every call answers or fails within 60 s: without a timeout one unanswered call can hold `reset`
    # for ever (after a scale run it once waited 8 min, the machine idle)
    return session.Session(auth=auth, timeout=60)


def ep(service_type):
    return {"service_type": service_type, "interface": "public", "region_name": "RegionOne"}


def get(s, st, path, **kw):
    return s.get(path, endpoint_filter=ep(st), **kw).json()


def wait(pred, timeout, interval=0.5, what="condition"):
    end = time.time() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.time() > end:
            raise TimeoutError("timed out after %ss waiting for %s" % (timeout, what))
        time.sleep(interval)


# ----------------------------------------------------------------------------------- register
def register():
    from keystoneclient.v3 import client
    t0 = time.time()
    ks = client.Client(session=sess())

    def one(lst):
        return lst[0] if lst else None

    def role(name):
        return one(ks.roles.list(name=name)) or ks.roles.create(name)

    def project(name, desc):
        return one(ks.projects.list(name=name, domain="default")) or ks.projects.create(name, "default", description=desc)

    def user(name, pw, dom="default"):
        u = one(ks.users.list(name=name, domain=dom))
        return u or ks.users.create(name, domain=dom, password=pw)

    admin_r, member_r, service_r = role("admin"), role("member"), role("service")
    role("reader"), role("heat_stack_owner"), role("heat_stack_user")
    svc_p = project("service", "OpenStack service users")
    demo_p = project(MEMBER_PROJECT, "stackmend lab: project of the member user")
    admin_p = one(ks.projects.list(name="admin", domain="default"))
    admin_u = one(ks.users.list(name="admin", domain="default"))
    member_u = user(MEMBER_USER, MEMBER_PW)
    ks.roles.grant(member_r, user=member_u, project=demo_p)
    # admin can scope to demo too (reset cleans Zaqar queues there)
    ks.roles.grant(admin_r, user=admin_u, project=demo_p)
    ks.roles.grant(role("heat_stack_owner"), user=admin_u, project=admin_p)

    services = {s.type: s for s in ks.services.list()}
    endpoints = {}
    for e in ks.endpoints.list():
        endpoints.setdefault(e.service_id, set()).add(e.interface)

    def service(name):
        stype, url = CATALOG[name]
        u = user(name, SVC_PW)
        ks.roles.grant(admin_r, user=u, project=svc_p)
        ks.roles.grant(service_r, user=u, project=svc_p)
        if not stype:
            return
        sv = services.get(stype) or ks.services.create(name, type=stype, description="stackmend lab " + name)
        for itf in ("public", "internal", "admin"):
            if itf not in endpoints.get(sv.id, set()):
                ks.endpoints.create(sv, url, interface=itf, region="RegionOne")

    def heat_domain():  # Heat's domain for stack users
        dom = one(ks.domains.list(name="heat")) or ks.domains.create("heat", description="Heat stack users")
        ks.roles.grant(admin_r, user=user("heat_domain_admin", SVC_PW, dom=dom), domain=dom)

    with cf.ThreadPoolExecutor(6) as pool:
        jobs = [pool.submit(service, name) for name in CATALOG] + [pool.submit(heat_domain)]
        for j in jobs:
            j.result()
    log("keystone registration done in %.1f s" % (time.time() - t0))


# ----------------------------------------------------------------------------------- computes
def compute_services(s):
    return get(s, "compute", "/os-services?binary=nova-compute", headers=NOVA_MV)["services"]


def parse_ts(v):
    if not v:
        return 0.0
    v = v.replace("Z", "").split("+")[0]
    fmt = "%Y-%m-%dT%H:%M:%S.%f" if "." in v else "%Y-%m-%dT%H:%M:%S"
    return datetime.datetime.strptime(v, fmt).replace(tzinfo=datetime.timezone.utc).timestamp()


def wait_computes(s, since, timeout=120):
    """since: {host: epoch}. Wait until each host's nova-compute has reported (updated_at) after epoch."""
    if not since:
        return

    def ok():
        svcs = {x["host"]: x for x in compute_services(s)}
        return all(h in svcs and parse_ts(svcs[h]["updated_at"]) >= since[h] - 1 for h in since)
    wait(ok, timeout, 1, "nova-compute on %s to report" % ",".join(since))


def print_computes(s):
    for x in sorted(compute_services(s), key=lambda x: x["host"]):
        print("  nova-compute %-9s status=%-8s state=%-4s forced_down=%s%s" % (
            x["host"], x["status"], x["state"], str(x["forced_down"]).lower(),
            ("  (%s)" % x["disabled_reason"]) if x.get("disabled_reason") else ""))


# ----------------------------------------------------------------------------------- bootstrap
def bootstrap():
    t0 = time.time()
    s = sess()
    # every compute registered, then mapped into cell1 (the scheduler would do it within 10 s anyway)
    wait(lambda: {x["host"] for x in compute_services(s)} >= set(HOSTS), 120, 1, "every nova-compute service")
    subprocess.run(["nova-manage", "cell_v2", "discover_hosts"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    flavors = get(s, "compute", "/flavors")["flavors"]
    if not any(f["id"] == "1" for f in flavors):
        s.post("/flavors", endpoint_filter=ep("compute"),
               json={"flavor": {"name": "m1.tiny", "id": "1", "ram": 64, "vcpus": 1, "disk": 1}})
    imgs = get(s, "image", "/v2/images?name=fake-img")["images"]
    if not imgs or imgs[0]["status"] != "active":
        for im in imgs:
            s.delete("/v2/images/%s" % im["id"], endpoint_filter=ep("image"))
        im = s.post("/v2/images", endpoint_filter=ep("image"), json={
            "name": "fake-img", "disk_format": "raw", "container_format": "bare", "visibility": "public"}).json()
        s.put("/v2/images/%s/file" % im["id"], endpoint_filter=ep("image"), data=b"\0" * 1024,
              headers={"Content-Type": "application/octet-stream"})
    disable_reserved(s)
    segment(s)
    ironic_nodes(s)
    write_clouds_yaml()
    log("bootstrap done in %.1f s" % (time.time() - t0))


def segment(s):
    segs = get(s, "instance-ha", "/segments")["segments"]
    seg = next((x for x in segs if x["name"] == "lab-seg"), None)
    if not seg:
        seg = s.post("/segments", endpoint_filter=ep("instance-ha"), json={"segment": {
            "name": "lab-seg", "recovery_method": "auto", "service_type": "COMPUTE",
            "description": "stackmend lab: compute1 + compute2, compute3 reserved"}}).json()["segment"]
    have = {h["name"] for h in get(s, "instance-ha", "/segments/%s/hosts" % seg["uuid"])["hosts"]}
    for h in HOSTS:
        if h not in have:
            s.post("/segments/%s/hosts" % seg["uuid"], endpoint_filter=ep("instance-ha"), json={"host": {
                "name": h, "type": "COMPUTE", "control_attributes": "SSH", "reserved": h in RESERVED,
                "on_maintenance": False}})


def disable_reserved(s):
    """The reserved computes disabled (with a reason saying so), whatever a test left them as."""
    for x in compute_services(s):
        if x["host"] in RESERVED and x["status"] != "disabled":
            s.put("/os-services/%s" % x["id"], endpoint_filter=ep("compute"), headers=NOVA_MV,
                  json={"status": "disabled", "disabled_reason": RESERVED_REASON})
            log("%s: disabled (reserved host)" % x["host"])


def ironic_nodes(s):
    """One fake-hardware node per compute host, named after it, powered on (the fencing driver's target)."""
    b = ep("baremetal")
    have = {n["name"] for n in get(s, "baremetal", "/v1/nodes", headers=IRONIC_MV)["nodes"]}
    for h in HOSTS:
        if h not in have:
            s.post("/v1/nodes", endpoint_filter=b, headers=IRONIC_MV, json={"name": h, "driver": "fake-hardware"})
    power_on_nodes(s)


def power_on_nodes(s):
    """Every node powered on and out of maintenance; waits until Ironic reads each back on."""
    b = ep("baremetal")
    for n in get(s, "baremetal", "/v1/nodes?fields=name,power_state,maintenance", headers=IRONIC_MV)["nodes"]:
        if n.get("maintenance"):
            s.delete("/v1/nodes/%s/maintenance" % n["name"], endpoint_filter=b, headers=IRONIC_MV)
        if n["power_state"] != "power on":
            s.put("/v1/nodes/%s/states/power" % n["name"], endpoint_filter=b, headers=IRONIC_MV,
                  json={"target": "power on"})
            log("ironic: %s powered on" % n["name"])

    def all_on():
        nodes = get(s, "baremetal", "/v1/nodes?fields=name,power_state,target_power_state", headers=IRONIC_MV)["nodes"]
        return all(n["power_state"] == "power on" and not n["target_power_state"] for n in nodes)
    wait(all_on, 30, 0.2, "Ironic nodes powered on")


def write_clouds_yaml():
    import yaml
    path = os.path.expanduser("~/.config/openstack/clouds.yaml")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    doc = {}
    if os.path.exists(path):
        with open(path) as f:
            doc = yaml.safe_load(f) or {}
    clouds = doc.setdefault("clouds", {})

    def entry(user, pw, project):
        return {"auth": {"auth_url": KS, "username": user, "password": pw, "project_name": project,
                         "user_domain_name": "Default", "project_domain_name": "Default"},
                "region_name": "RegionOne", "interface": "public", "identity_api_version": 3}
    want = {"stackmend-lab": entry("admin", ADMIN_PW, "admin"),
            "stackmend-lab-member": entry(MEMBER_USER, MEMBER_PW, MEMBER_PROJECT)}
    if all(clouds.get(k) == v for k, v in want.items()):
        return
    clouds.update(want)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        yaml.safe_dump(doc, f, default_flow_style=False, sort_keys=False)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    log("clouds.yaml: wrote stackmend-lab, stackmend-lab-member in %s" % path)


# ----------------------------------------------------------------------------------- reset
def reset(restarted):
    """Delete Heat stacks, servers (all projects), Aodh alarms, Zaqar queues + subscriptions in the lab
    projects, the Keystone trusts Zaqar/Aodh leave behind, Masakari notifications, Mistral executions
    and workflows; un-force and
    re-enable compute services; clear Masakari maintenance flags. Keeps image, flavor, segment, users."""
    t0 = time.time()
    s = sess()
    project_sessions = {"admin": s}
    try:
        project_sessions[MEMBER_PROJECT] = sess(project=MEMBER_PROJECT)
    except ks_exc.Unauthorized:
        pass
    with cf.ThreadPoolExecutor(8) as pool:
        # the computes first: deletes and un-forcing need them running
        fc = pool.submit(reset_computes, s, restarted)
        # servers of stacks too: Heat's own delete treats an already deleted server as done
        jobs = [pool.submit(reset_heat, s), pool.submit(reset_servers, s), pool.submit(reset_alarms, s)]
        jobs += [pool.submit(reset_zaqar, ps) for ps in project_sessions.values()]
        jobs.append(pool.submit(reset_masakari, s))
        jobs.append(pool.submit(reset_mistral, s))
        jobs.append(pool.submit(power_on_nodes, s))
        for j in jobs:
            j.result()
        reset_trusts(s)  # after queues/alarms/stacks are gone
        fc.result()
    log("reset done in %.1f s" % (time.time() - t0))


def reset_heat(s):
    st = ep("orchestration")
    stacks = s.get("/stacks?global_tenant=true", endpoint_filter=st).json()["stacks"]
    if not stacks:
        return
    log("deleting %d stack(s)" % len(stacks))
    # a stack Heat is deleting gets up to 15 min (a scale bench's group of 150 members took longer
    # than 2 min); one that does not start deleting within 2 min is an error
    deadline, slow_deadline = time.time() + 120, time.time() + 900
    attempts = {}
    while stacks:
        for x in stacks:
            if x["stack_status"] != "DELETE_IN_PROGRESS" and attempts.get(x["id"], 0) < 3:
                attempts[x["id"]] = attempts.get(x["id"], 0) + 1
                # the stack may belong to another project: address it through its own project path
                url = "http://127.0.0.1:8004/v1/%s/stacks/%s/%s" % (x["project"], x["stack_name"], x["id"])
                s.delete(url, raise_exc=False)
        deleting = all(x["stack_status"] == "DELETE_IN_PROGRESS" for x in stacks)
        if time.time() > (slow_deadline if deleting else deadline):
            raise TimeoutError("stacks not deleted: %s" % [(x["stack_name"], x["stack_status"]) for x in stacks])
        time.sleep(0.5)
        stacks = s.get("/stacks?global_tenant=true", endpoint_filter=st).json()["stacks"]


def reset_servers(s):
    c = ep("compute")
    servers = s.get("/servers/detail?all_tenants=1", endpoint_filter=c, headers=NOVA_MV).json()["servers"]
    if not servers:
        return
    log("deleting %d server(s)" % len(servers))
    for x in servers:
        s.delete("/servers/%s" % x["id"], endpoint_filter=c, raise_exc=False)
    # 90 s without progress is a stall; hundreds of servers (the scale bench) take longer in all, as
    # each delete on a host costs nova-compute a Placement read per server still there
    deadline, kicked, left = time.time() + 90, time.time() + 20, len(servers)
    while True:
        servers = s.get("/servers/detail?all_tenants=1", endpoint_filter=c, headers=NOVA_MV).json()["servers"]
        if not servers:
            return
        if len(servers) < left:
            deadline, kicked, left = time.time() + 90, max(kicked, time.time() + 20), len(servers)
        if time.time() > kicked:
            # stuck (e.g. deleting on a compute that died): reset the state and delete again
            for x in servers:
                s.post("/servers/%s/action" % x["id"], endpoint_filter=c, json={"os-resetState": {"state": "error"}},
                       raise_exc=False)
                s.delete("/servers/%s" % x["id"], endpoint_filter=c, raise_exc=False)
            kicked = time.time() + 15
        if time.time() > deadline:
            raise TimeoutError("servers not deleted: %s" % [(x["name"], x["status"]) for x in servers])
        time.sleep(0.5)


def reset_alarms(s):
    a = ep("alarming")
    alarms = s.get("/v2/alarms?q.field=all_projects&q.op=eq&q.value=true", endpoint_filter=a).json()
    # each delete of an alarm with a trust+ action also deletes its trust in Keystone: in parallel
    with cf.ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda x: s.delete("/v2/alarms/%s" % x["alarm_id"], endpoint_filter=a, raise_exc=False), alarms))
    if alarms:
        log("deleted %d alarm(s)" % len(alarms))


def zaqar_headers():
    return {"Client-ID": "5c0f7f3e-6b1c-4c3f-9d8e-1a2b3c4d5e6f"}


def reset_zaqar(s):
    z, h = ep("messaging"), zaqar_headers()
    names, marker = [], None
    while True:
        q = "/v2/queues?limit=20" + ("&marker=%s" % marker if marker else "")
        r = s.get(q, endpoint_filter=z, headers=h, raise_exc=False)
        if r.status_code == 204 or not r.content:
            break
        page = r.json().get("queues", [])
        if not page:
            break
        names += [x["name"] for x in page]
        marker = page[-1]["name"]
        if len(page) < 20:
            break
    for n in names:
        subs = s.get("/v2/queues/%s/subscriptions?limit=20" % n, endpoint_filter=z, headers=h,
                     raise_exc=False)
        while subs.status_code == 200 and subs.content and subs.json().get("subscriptions"):
            for sub in subs.json()["subscriptions"]:
                s.delete("/v2/queues/%s/subscriptions/%s" % (n, sub["id"]), endpoint_filter=z, headers=h,
                         raise_exc=False)
            subs = s.get("/v2/queues/%s/subscriptions?limit=20" % n, endpoint_filter=z, headers=h,
                         raise_exc=False)
        s.delete("/v2/queues/%s" % n, endpoint_filter=z, headers=h, raise_exc=False)
    if names:
        log("deleted %d Zaqar queue(s) in project %s" % (len(names), s.get_project_id()))


def reset_trusts(s):
    i = ep("identity")
    users = s.get("/users?domain_id=default", endpoint_filter=i).json()["users"]
    trustees = {u["id"] for u in users if u["name"] in ("zaqar", "aodh")}
    trusts = s.get("/OS-TRUST/trusts", endpoint_filter=i).json()["trusts"]
    gone = [t for t in trusts if t["trustee_user_id"] in trustees]
    for t in gone:
        s.delete("/OS-TRUST/trusts/%s" % t["id"], endpoint_filter=i, raise_exc=False)
    if gone:
        log("deleted %d Zaqar/Aodh trust(s)" % len(gone))


def reset_masakari(s):
    # Masakari has no API to delete notifications
    r = subprocess.run(["mysql", "-N", "-e", "DELETE FROM masakari.notifications"], capture_output=True, text=True)
    if r.returncode:
        log("masakari notifications: %s" % r.stderr.strip())
    m = ep("instance-ha")
    for seg in get(s, "instance-ha", "/segments")["segments"]:
        for h in get(s, "instance-ha", "/segments/%s/hosts" % seg["uuid"])["hosts"]:
            if h["on_maintenance"]:
                s.put("/segments/%s/hosts/%s" % (seg["uuid"], h["uuid"]), endpoint_filter=m,
                      json={"host": {"on_maintenance": False}})
                log("masakari host %s: on_maintenance cleared" % h["name"])


def reset_mistral(s):
    """Executions, cron triggers and the workflows tests uploaded (names must be free again)."""
    w = ep("workflowv2")
    q = "?all_projects=true&limit=1000"
    n = 0
    for kind, key, ident in (("cron_triggers", "cron_triggers", "name"), ("executions", "executions", "id"),
                             ("workflows", "workflows", "id")):
        r = s.get("/%s%s" % (kind, q), endpoint_filter=w, raise_exc=False)
        if r.status_code != 200:
            continue
        for x in r.json().get(key, []):
            if kind == "workflows" and x.get("project_id") == "<default-project>":
                continue  # Mistral's own system workflows
            s.delete("/%s/%s" % (kind, x[ident]), endpoint_filter=w, raise_exc=False, headers={"Accept": "*/*"})
            n += 1
    if n:
        log("deleted %d Mistral object(s)" % n)


def reset_computes(s, restarted):
    """Un-force forced-down computes (Nova answers 400 until the restarted compute has moved its
    'done' evacuation migrations to 'completed': retry) and re-enable disabled ones, but only once
    the service reports up (else Placement keeps a stale COMPUTE_STATUS_DISABLED trait for ~60 s)."""
    c = ep("compute")
    if restarted:
        wait_computes(s, restarted)
    deadline = time.time() + 75
    while True:
        pending = []
        for x in compute_services(s):
            if x["forced_down"]:
                r = s.put("/os-services/%s" % x["id"], endpoint_filter=c, headers=NOVA_MV,
                          json={"forced_down": False}, raise_exc=False)
                if r.status_code != 200:
                    pending.append("%s forced_down (%s)" % (x["host"], r.status_code))
                    continue
                log("%s: forced_down cleared" % x["host"])
                x = r.json()["service"]
            if x["host"] in RESERVED:
                continue  # disable_reserved() below
            if x["status"] == "disabled":
                if x["state"] != "up":
                    pending.append("%s disabled, waiting for state up" % x["host"])
                    continue
                s.put("/os-services/%s" % x["id"], endpoint_filter=c, headers=NOVA_MV,
                      json={"status": "enabled"})
                log("%s: re-enabled" % x["host"])
        if not pending:
            disable_reserved(s)
            return
        if time.time() > deadline:
            raise TimeoutError("compute services not restored: %s" % pending)
        time.sleep(1)


# ----------------------------------------------------------------------------------- main
def parse_since(args):
    since = {}
    for a in args:
        h, _, t = a.partition(":")
        since[h] = float(t or time.time())
    return since


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "register":
        register()
    elif cmd == "bootstrap":
        bootstrap()
    elif cmd == "wait-computes":
        wait_computes(sess(), parse_since(argv[2:]))
    elif cmd == "computes":
        print_computes(sess())
    elif cmd == "reset":
        reset(parse_since(argv[2:]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
