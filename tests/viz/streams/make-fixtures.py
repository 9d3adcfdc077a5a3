import json, sys
ID = "3f2a9c41d0be"
class S:
    def __init__(s, name="web", t=1000.0):
        s.seq = 0; s.t = t; s.lines = []; s.name = name
    def ev(s, type_, dt=0.002, cid=True, **kw):
        s.seq += 1; s.t += dt
        e = {"v": 1, "seq": s.seq, "t": round(s.t, 6), "type": type_}
        if cid: e["id"] = ID; e["name"] = s.name
        e.update(kw); s.lines.append(json.dumps(e, separators=(",", ":")))
    def step(s, i, total, step, side, lab, call, explain, ok=True, observed=None, dt=0.003, **fail):
        s.ev("step.begin", step=step, index=i, total=total, side=side, lab=lab, call=call, explain=explain)
        kw = {"step": step, "index": i, "ok": ok}
        kw.update(fail)
        kw["observed"] = observed or {}
        s.ev("step.end", dt=dt, **kw)
    def write(s, path):
        open(path, "w").write("\n".join(s.lines) + "\n")

NSH = {"pid":4026531836,"mnt":4026531841,"uts":4026531838,"ipc":4026531839,"net":4026531840,"cgroup":4026531835,"user":4026531837}
NSC = {"pid":4026532301,"mnt":4026532299,"uts":4026532300,"ipc":4026532298,"net":4026532303,"cgroup":4026532304,"user":4026531837}
LOWER = ["/var/lib/glassbox/images/busybox/rootfs"]
UPPER = "/var/lib/glassbox/containers/3f2a9c41d0be/upper"
ROOTFS = {"lower": LOWER, "upper": UPPER, "work": "/var/lib/glassbox/containers/3f2a9c41d0be/work"}
MOUNTS = [{"target":"/","fstype":"overlay","source":"overlay","options":"rw,relatime"},
          {"target":"/proc","fstype":"proc","source":"proc","options":"rw,nosuid,nodev,noexec"},
          {"target":"/dev","fstype":"tmpfs","source":"tmpfs","options":"rw,nosuid,size=65536k"},
          {"target":"/dev/pts","fstype":"devpts","source":"devpts","options":"rw,nosuid,noexec"},
          {"target":"/dev/shm","fstype":"tmpfs","source":"shm","options":"rw,nosuid,nodev"},
          {"target":"/sys","fstype":"sysfs","source":"sysfs","options":"ro,nosuid,nodev,noexec"},
          {"target":"/sys/fs/cgroup","fstype":"cgroup2","source":"cgroup","options":"ro"}]

def start(s, argv, total=14, mem=None, short=False):
    s.ev("lifecycle", **{"from": "none", "to": "created"})
    steps = [
      ("clone", "host", 2, "clone(CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP)",
       "Start the first process in new namespaces: from now on it sees its own PIDs, mounts, hostname, IPC and network.",
       {"pid": 4242, "nspid": [4242, 1], "ns": NSC, "ns_host": NSH}),
      ("cgroup_create", "host", 7, 'mkdir("/sys/fs/cgroup/glassbox/3f2a9c41d0be")',
       "A cgroup of its own: the kernel will count and limit the memory, CPU and processes of everything inside.",
       {"cgroup": {"path": "/sys/fs/cgroup/glassbox/3f2a9c41d0be", "memory_limit": mem or 0, "pids_max": 64}}),
      ("cgroup_attach", "host", 7, 'write("cgroup.procs", "4242")',
       "Move the container's first process into its cgroup; its children will be born there.", {}),
      ("sethostname", "container", 3, 'sethostname("web", 3)',
       "Give the container its own hostname; the host keeps its own, because the UTS namespace is new.",
       {"hostname": "web", "host_hostname": "lab-pc-07"}),
      ("mount_private", "container", 4, 'mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)',
       "Stop mount events from flowing back to the host before we change anything.", {}),
      ("overlay", "host", 11, 'mount("overlay", rootfs, "overlay", 0, "lowerdir=...,upperdir=...,workdir=...")',
       "Stack a writable upper layer on the read-only image: writes land in the upper layer only.",
       {"rootfs": ROOTFS}),
      ("mount_proc", "container", 2, 'mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)',
       "A fresh /proc for the new PID namespace, so ps inside lists only the container's processes.", {}),
      ("mount_dev", "container", 4, 'mount("tmpfs", "/dev", "tmpfs", MS_NOSUID, "mode=755")',
       "A minimal /dev with only safe device nodes: null, zero, random, tty.", {}),
      ("pivot_root", "container", 4, 'pivot_root(".", ".")',
       "Make the overlay the root of the new mount namespace, so the host's files are out of reach.",
       {"mounts": MOUNTS}),
      ("umount_oldroot", "container", 4, 'umount2(".", MNT_DETACH)',
       "Detach the old root: without it, the host's whole filesystem would still be reachable.", {"mounts": MOUNTS}),
      ("net_lo", "container", 5, 'ioctl(sock, SIOCSIFFLAGS, "lo" UP)',
       "A new network namespace has only the loopback interface, and it starts down.",
       {"net": {"links": [{"name": "lo", "up": True, "addrs": ["127.0.0.1/8"]}]}}),
      ("caps_drop", "container", 16, "prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN) ...",
       "Root inside keeps only the capabilities a normal program needs; mount and module loading are gone.",
       {"caps": {"eff": "0x00000000a80425fb", "bnd": "0x00000000a80425fb"}}),
      ("seccomp", "container", 15, "seccomp(SECCOMP_SET_MODE_FILTER, 0, &prog)",
       "A syscall filter: calls like mount, unshare and kexec_load now fail with EPERM.",
       {"seccomp": 2, "no_new_privs": 1}),
      ("execve", "container", 1, 'execve("%s", argv, envp)' % argv[0],
       "Replace the engine's code with the container's command: it becomes PID 1.",
       {"argv": argv, "cwd": "/", "pid": 4242, "nspid": [4242, 1]}),
    ]
    if short:
        steps = [steps[0], steps[1], steps[5], steps[8], steps[13]]
    total = len(steps)
    for i, (st, side, lab, call, ex, obs) in enumerate(steps, 1):
        s.step(i, total, st, side, lab, call, ex, observed=obs)
    s.ev("lifecycle", **{"from": "created", "to": "running"})
    s.ev("process.start", pid=4242, nspid=[4242, 1], argv=argv)

D = sys.argv[1]
# 1. a full start
s = S(); start(s, ["/bin/sh", "-c", "echo hello; sleep 30"], mem=67108864)
for u in (1.2e6, 1.6e6):
    s.ev("resource.sample", dt=0.5, memory={"usage": u, "limit": 67108864, "max_usage": u},
         cpu={"usage_ns": 3000000, "percent": 1.5, "throttled_ns": 0, "nr_throttled": 0, "quota_us": 50000, "period_us": 100000},
         pids={"current": 2, "max": 64})
s.ev("process.exit", dt=30, pid=4242, exit_code=0, status=0, core=False, oom_killed=False)
s.ev("lifecycle", **{"from": "running", "to": "stopped"})
s.ev("lifecycle", dt=0.5, **{"from": "stopped", "to": "removed"})
s.write(D + "/start.jsonl")

# 2. stop with a grace period that runs out
s = S(name="sleeper"); start(s, ["/bin/sleep", "1000"], short=True)
s.ev("signal.sent", dt=4, pid=4242, signal="SIGTERM", signo=15, by="stop")
s.ev("grace.started", dt=0.001, seconds=10, deadline=round(s.t + 10.001, 6))
s.ev("grace.expired", dt=10, seconds=10)
s.ev("signal.sent", dt=0.001, pid=4242, signal="SIGKILL", signo=9, by="grace")
s.ev("process.exit", dt=0.01, pid=4242, exit_code=137, signal="SIGKILL", signo=9, core=False, oom_killed=False)
s.ev("lifecycle", **{"from": "running", "to": "stopped"})
s.write(D + "/stop-grace.jsonl")

# 3. an OOM kill inside a 64 MiB cgroup
s = S(name="hog"); start(s, ["/bin/sh", "-c", "tail /dev/zero"], mem=67108864, short=True)
for i, u in enumerate([4e6, 18e6, 35e6, 52e6, 61e6, 67108864]):
    s.ev("resource.sample", dt=0.25, memory={"usage": u, "limit": 67108864, "max_usage": u},
         cpu={"usage_ns": 2e8 * (i+1), "percent": 97.0, "throttled_ns": 0, "nr_throttled": 0, "quota_us": -1, "period_us": 100000},
         pids={"current": 2, "max": 64})
    if i in (2, 4):
        s.ev("log", dt=0.001, message="memory.current is at %d%% of memory.max" % int(100*u/67108864))
s.ev("oom.kill", dt=0.05, count=1)
s.ev("process.exit", dt=0.01, pid=4242, exit_code=137, signal="SIGKILL", signo=9, core=False, oom_killed=True)
s.ev("resource.sample", dt=0.1, memory={"usage": 2.1e5, "limit": 67108864, "max_usage": 67108864},
     cpu={"usage_ns": 1.3e9, "percent": 0, "throttled_ns": 0, "nr_throttled": 0, "quota_us": -1, "period_us": 100000},
     pids={"current": 0, "max": 64})
s.ev("lifecycle", **{"from": "running", "to": "stopped"})
s.write(D + "/oom.jsonl")

# 4. overlay: image layers, then writes in the container (copy-up, new file, whiteout)
s = S(name="notes")
for i, (ins, sz) in enumerate([("FROM busybox", 2150400), ("RUN mkdir -p /srv/notes && echo v1 > /srv/notes/motd", 4096),
                              ("COPY app.sh /srv/app.sh", 812)], 1):
    s.ev("build.step", cid=False, index=i, total=3, instruction=ins)
    s.ev("layer.cached" if i == 1 else "layer.create", cid=False, layer=["5e1c0a7d9b22", "a93f01c4e6d8", "0c77e2b1f5a3"][i-1], instruction=ins, size=sz)
start(s, ["/srv/app.sh"], short=True)
s.ev("volume.mount", kind="volume", source="/var/lib/glassbox/volumes/notes-data", target="/data", ro=False)
s.ev("rootfs.changes", dt=1, changes=[{"path": "/etc/hostname", "kind": "copy-up", "size": 6}])
s.ev("rootfs.changes", dt=1, changes=[{"path": "/srv/notes/today.txt", "kind": "new", "size": 120}])
s.ev("rootfs.changes", dt=1, changes=[{"path": "/bin/vi", "kind": "whiteout", "size": 0},
                                       {"path": "/srv/notes/motd", "kind": "copy-up", "size": 3}])
s.write(D + "/overlay.jsonl")

# 5. PID 1: zombies pile up without an init, signals, then an init reaps them
s = S(name="reaper"); start(s, ["/bin/sh", "-c", "for i in 1 2 3; do (sleep 1 &) ; done; sleep 100"], short=True)
for p in (4250, 4251, 4252):
    s.ev("process.start", dt=0.05, pid=p, nspid=[p, p - 4242], argv=["sleep", "1"])
s.ev("zombies", dt=1.2, count=3, pids=[4250, 4251, 4252])
s.ev("signal.forwarded", dt=2, pid=4242, signal="SIGUSR1", signo=10)
for p in (4250, 4251, 4252):
    s.ev("zombie.reaped", dt=0.01, pid=p, status=0)
s.ev("zombies", dt=0.5, count=0, pids=[])
s.ev("signal.sent", dt=1, pid=4242, signal="SIGTERM", signo=15, by="stop")
s.ev("grace.started", dt=0.001, seconds=10, deadline=round(s.t + 10.001, 6))
s.ev("process.exit", dt=0.2, pid=4242, exit_code=143, signal="SIGTERM", signo=15, core=False, oom_killed=False)
s.ev("lifecycle", **{"from": "running", "to": "stopped"})
s.write(D + "/pid1.jsonl")

# 6. bridge networking
s = S(name="api"); start(s, ["/bin/httpd", "-f", "-p", "80"], short=True)
s.ev("net.veth", host_if="gbv3f2a9c", container_if="eth0", bridge="glassbox0")
s.ev("net.addr", ifname="glassbox0", addr="10.88.0.1/16", netns="host")
s.ev("net.addr", ifname="eth0", addr="10.88.0.2/16", netns="container")
s.ev("net.route", dst="default", gateway="10.88.0.1", ifname="eth0")
s.ev("net.publish", host_ip="0.0.0.0", host_port=8080, container_port=80, proto="tcp")
s.ev("step.begin", step="net_check", index=6, total=6, side="container", lab=17, call="getifaddrs()",
     explain="Read back the interfaces the container sees.")
s.ev("step.end", step="net_check", index=6, ok=True, observed={"net": {"links": [
    {"name": "lo", "up": True, "addrs": ["127.0.0.1/8"]}, {"name": "eth0", "up": True, "addrs": ["10.88.0.2/16"]}]}})
s.write(D + "/network.jsonl")

# 7. a newer engine: unknown types and members, plus a failed step that is undone
s = S(name="future")
s.ev("lifecycle", **{"from": "none", "to": "created"}, colour="teal")
s.ev("hologram.project", beam=7, nested={"a": [1, 2, {"b": None}]})
s.step(1, 3, "clone", "host", 2, "clone(CLONE_NEWPID | CLONE_NEWUSER)", "New namespaces for the first process.",
       observed={"pid": 4300, "nspid": [4300, 1], "ns": NSC, "ns_host": NSH, "quantum": True})
s.ev("step.begin", step="mount_overlay", index=2, total=3, side="host", lab=11,
     call='mount("overlay", rootfs, "overlay", 0, opts)', explain="Stack the writable layer on the image.")
s.ev("step.end", step="mount_overlay", index=2, ok=False, errno="EINVAL",
     error='mount("overlay", "/var/lib/glassbox/containers/3f2a/rootfs"): invalid argument: the upper dir is on overlayfs',
     hint="Put the data root on ext4 or tmpfs: an overlay upper dir cannot live on overlayfs (--data-root DIR).",
     observed={})
s.ev("step.undo", step="clone", index=1)
s.ev("error", error="start failed at step 2 (mount_overlay)", hint="see the step above")
s.ev("lifecycle", **{"from": "created", "to": "removed"})
s.write(D + "/unknown.jsonl")

# 8. containers vs VMs (numbers from shared/FACTS.md, measured on the project machines)
s = S(name="bench")
s.ev("measure", what="container", start_ms=3.7, rss_mb=3.3, kernel="6.18.0")
s.ev("measure", what="vm", start_ms=2800, rss_mb=205, kernel="6.1.0-cloud")
s.write(D + "/vms.jsonl")
