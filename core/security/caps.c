/* Capabilities: names, Docker's default set, --cap-add/--cap-drop, and dropping the
 * rest from the bounding, inheritable, permitted, effective and ambient sets.
 * capabilities(7), capset(2), prctl(2) PR_CAPBSET_DROP / PR_CAP_AMBIENT. Lab 16. */
#include "security/caps.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/util.h"

/* Indexed by capability number, as in <linux/capability.h>. A kernel newer than this
 * table may know more: those print as "CAP_42" and are still dropped. */
static const char *const cap_names[] = {
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_DAC_READ_SEARCH",
	"CAP_FOWNER",
	"CAP_FSETID",
	"CAP_KILL",
	"CAP_SETGID",
	"CAP_SETUID",
	"CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",
	"CAP_NET_RAW",
	"CAP_IPC_LOCK",
	"CAP_IPC_OWNER",
	"CAP_SYS_MODULE",
	"CAP_SYS_RAWIO",
	"CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",
	"CAP_SYS_ADMIN",
	"CAP_SYS_BOOT",
	"CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",
	"CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG",
	"CAP_MKNOD",
	"CAP_LEASE",
	"CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL",
	"CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN",
	"CAP_SYSLOG",
	"CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",
	"CAP_AUDIT_READ",
	"CAP_PERFMON",
	"CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

int gb_caps_last(void)
{
	/* Read once per process: a start asks three times (bounding set, the sets kept, the
	 * ambient set), and the kernel's answer cannot change while we run. */
	static int cached;
	int n = __atomic_load_n(&cached, __ATOMIC_RELAXED);
	if (n)
		return n;
	char line[32];
	/* The running kernel, not our headers, decides which capabilities exist. */
	if (gb_read_line("/proc/sys/kernel/cap_last_cap", line, sizeof line) == 0)
		n = atoi(line);
	n = n > 0 && n < 64 ? n : CAP_LAST_CAP;
	__atomic_store_n(&cached, n, __ATOMIC_RELAXED);
	return n;
}

gb_capset gb_caps_all(void)
{
	int last = gb_caps_last();
	return last >= 63 ? ~(gb_capset)0 : GB_CAP_BIT(last + 1) - 1;
}

gb_capset gb_caps_docker_default(void)
{
	/* What Docker (moby oci/caps/defaults.go) keeps: enough for a typical service to
	 * change file owners, bind low ports and switch users; nothing that reaches the
	 * kernel itself (SYS_ADMIN, SYS_MODULE, SYS_PTRACE, NET_ADMIN, ...). */
	static const int keep[] = {
		CAP_CHOWN,   CAP_DAC_OVERRIDE, CAP_FSETID,	     CAP_FOWNER,
		CAP_MKNOD,   CAP_NET_RAW,      CAP_SETGID,	     CAP_SETUID,
		CAP_SETFCAP, CAP_SETPCAP,      CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT,
		CAP_KILL,    CAP_AUDIT_WRITE,
	};
	gb_capset set = 0;
	for (size_t i = 0; i < GB_ARRAY_LEN(keep); i++)
		set |= GB_CAP_BIT(keep[i]);
	return set;
}

const char *gb_caps_name(int cap)
{
	if (cap < 0 || (size_t)cap >= GB_ARRAY_LEN(cap_names))
		return NULL;
	return cap_names[cap];
}

int gb_caps_from_name(const char *name, int *cap, struct gb_err *err)
{
	const char *bare = strncasecmp(name, "CAP_", 4) == 0 ? name + 4 : name;
	int last = gb_caps_last();
	for (int i = 0; i <= last && (size_t)i < GB_ARRAY_LEN(cap_names); i++) {
		if (strcasecmp(bare, cap_names[i] + 4) == 0) {
			*cap = i;
			return 0;
		}
	}
	int r = gb_err_set(err, EINVAL, "", "unknown capability \"%s\"", name);
	gb_err_hint(err,
		    "use a name from capabilities(7) such as NET_ADMIN or CAP_SYS_TIME, "
		    "or ALL; this kernel knows capabilities 0..%d",
		    last);
	return r;
}

static bool list_has_all(char *const *list)
{
	for (size_t i = 0; list && list[i]; i++)
		if (strcasecmp(list[i], "ALL") == 0)
			return true;
	return false;
}

/* OR the capabilities named in list into *set ("ALL" is skipped: callers handle it). */
static int names_to_set(char *const *list, gb_capset *set, struct gb_err *err)
{
	for (size_t i = 0; list && list[i]; i++) {
		if (strcasecmp(list[i], "ALL") == 0)
			continue;
		int cap, r = gb_caps_from_name(list[i], &cap, err);
		if (r < 0)
			return r;
		*set |= GB_CAP_BIT(cap);
	}
	return 0;
}

int gb_caps_resolve(gb_capset base, char *const *add, char *const *drop, gb_capset *out,
		    struct gb_err *err)
{
	gb_capset added = 0, dropped = 0;
	int r = names_to_set(add, &added, err);
	if (r < 0)
		return r;
	r = names_to_set(drop, &dropped, err);
	if (r < 0)
		return r;
	if (list_has_all(add))
		*out = gb_caps_all() & ~dropped;
	else if (list_has_all(drop))
		*out = added;
	else
		*out = (base & ~dropped) | added;
	return 0;
}

int gb_caps_format(gb_capset set, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < 64; i++) {
		if (!(set & GB_CAP_BIT(i)))
			continue;
		char unnamed[16];
		const char *name = gb_caps_name(i);
		if (!name) {
			snprintf(unnamed, sizeof unnamed, "CAP_%d", i);
			name = unnamed;
		}
		int n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", name);
		if (n < 0 || (size_t)n >= len - used)
			return -ENAMETOOLONG;
		used += (size_t)n;
	}
	return 0;
}

int gb_caps_parse_hex(const char *hex, gb_capset *out)
{
	while (isspace((unsigned char)*hex))
		hex++;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(hex, &end, 16);
	if (errno || end == hex || (*end && !isspace((unsigned char)*end)))
		return -EINVAL;
	*out = (gb_capset)v;
	return 0;
}

int gb_caps_read_status(pid_t pid, struct gb_caps_status *out, struct gb_err *err)
{
	char path[64];
	if (pid)
		snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	else
		snprintf(path, sizeof path, "/proc/self/status");
	gb_autofree char *data = NULL;
	int r = gb_read_file(path, &data, NULL);
	if (r < 0)
		return gb_err_set(err, r, "open", "cannot read %s", path);
	static const struct {
		const char *key;
		size_t off;
	} fields[] = {
		{ "CapInh:", offsetof(struct gb_caps_status, inheritable) },
		{ "CapPrm:", offsetof(struct gb_caps_status, permitted) },
		{ "CapEff:", offsetof(struct gb_caps_status, effective) },
		{ "CapBnd:", offsetof(struct gb_caps_status, bounding) },
		{ "CapAmb:", offsetof(struct gb_caps_status, ambient) },
	};
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < GB_ARRAY_LEN(fields); i++) {
		const char *line = strstr(data, fields[i].key);
		gb_capset *dst = (gb_capset *)((char *)out + fields[i].off);
		if (!line || gb_caps_parse_hex(line + strlen(fields[i].key), dst) < 0)
			return gb_err_set(err, EINVAL, "", "%s has no valid %s line", path,
					  fields[i].key);
	}
	return 0;
}

/* The bounding set limits what any later execve() can ever gain, even from a setuid
 * or file-capability binary. Dropping needs CAP_SETPCAP, so it comes first. */
static int drop_bounding(gb_capset keep, int last, struct gb_err *err)
{
	for (int i = 0; i <= last; i++) {
		if (keep & GB_CAP_BIT(i))
			continue;
		if (prctl(PR_CAPBSET_DROP, i, 0, 0, 0) < 0) {
			int r = gb_err_set(err, errno, "prctl(PR_CAPBSET_DROP)",
					   "cannot drop %s from the bounding set", gb_caps_name(i));
			gb_err_hint(err, "dropping needs CAP_SETPCAP in the effective set");
			return r;
		}
	}
	return 0;
}

/* capset(2) with the 64-bit (version 3) layout: two 32-bit halves per set. */
static int set_sets(gb_capset inh, gb_capset prm_eff, struct gb_err *err)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2];
	for (int half = 0; half < 2; half++) {
		data[half].effective = data[half].permitted = (uint32_t)(prm_eff >> (32 * half));
		data[half].inheritable = (uint32_t)(inh >> (32 * half));
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		return gb_err_set(err, errno, "capset", "cannot set the capability sets");
	return 0;
}

/* Without ambient capabilities, an execve() of an ordinary binary (no file caps) as a
 * non-root uid loses everything; raising them makes `keep` survive exec for any uid. */
static int set_ambient(gb_capset keep, int last, struct gb_err *err)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return gb_err_set(err, errno, "prctl(PR_CAP_AMBIENT_CLEAR_ALL)",
				  "cannot clear the ambient set");
	for (int i = 0; i <= last; i++) {
		if (!(keep & GB_CAP_BIT(i)))
			continue;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, i, 0, 0) < 0)
			return gb_err_set(err, errno, "prctl(PR_CAP_AMBIENT_RAISE)",
					  "cannot raise %s in the ambient set", gb_caps_name(i));
	}
	return 0;
}

/* What this process holds now: nobody can give a container more than that. */
static int get_permitted(gb_capset *out, struct gb_err *err)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2];
	if (syscall(SYS_capget, &hdr, data) < 0)
		return gb_err_set(err, errno, "capget", "cannot read the capability sets");
	*out = (gb_capset)data[0].permitted | (gb_capset)data[1].permitted << 32;
	return 0;
}

int gb_caps_apply_hold(gb_capset keep, gb_capset hold, struct gb_err *err)
{
	int last = gb_caps_last();
	gb_capset held = 0;
	int r = get_permitted(&held, err);
	if (r < 0)
		return r;
	/* capset(2) may only lower the permitted set: a cap the engine itself lacks (as in
	 * a nested sandbox) cannot be kept, so ask for no more than we hold. */
	keep &= gb_caps_all() & held;
	hold &= gb_caps_all() & held;
	r = drop_bounding(keep, last, err);
	if (r == 0)
		r = set_sets(keep, keep | hold, err);
	if (r == 0)
		r = set_ambient(keep, last, err);
	return r;
}

int gb_caps_apply(gb_capset keep, struct gb_err *err)
{
	return gb_caps_apply_hold(keep, 0, err);
}

int gb_caps_after_setuid(gb_capset keep, char *const *ambient, struct gb_err *err)
{
	gb_capset held = 0, amb = 0;
	int r = get_permitted(&held, err);
	if (r == 0)
		r = names_to_set(ambient, &amb, err);
	/* PR_SET_KEEPCAPS kept the permitted set through setresuid; the effective set was
	 * cleared: raise it again, and the ambient set the exec will turn into both. */
	if (r == 0)
		r = set_sets(keep & held, keep & held, err);
	if (r == 0)
		r = set_ambient(amb & keep & held, gb_caps_last(), err);
	return r;
}

int gb_caps_release(gb_capset keep, struct gb_err *err)
{
	gb_capset held = 0;
	int r = get_permitted(&held, err);
	if (r < 0)
		return r;
	return set_sets(keep & held, keep & held, err);
}
