/* The v2 device controller (devices_bpf.h): a BPF_PROG_TYPE_CGROUP_DEVICE program built
 * from a rule list, loaded and attached with the raw bpf(2) syscall (devprog.h; no libbpf: the
 * program is a few dozen instructions and a student sees each one).
 * man 2 bpf; Documentation/bpf/ (instruction set); cgroup-v2.rst. Lab 21. */
#include "cgroup/devices_bpf.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "cgroup/devprog.h"

/* The registers the program keeps the request in (R1 is the context on entry, R0 the
 * return value; R2-R7 are free: the program calls no helper). */
enum { R0, R1, R2, R3, R4, R5, R6, R7 };

static struct bpf_insn insn(__u8 code, __u8 dst, __u8 src, __s16 off, __s32 imm)
{
	return (struct bpf_insn){
		.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm
	};
}

/* The context is struct bpf_cgroup_dev_ctx: access_type = (access << 16) | type, then
 * major, then minor, three u32. R3 = type, R4 = access, R5 = major, R6 = minor. */
static size_t prologue(struct bpf_insn *p)
{
	size_t k = 0;
	p[k++] = insn(BPF_LDX | BPF_MEM | BPF_W, R2, R1,
		      offsetof(struct bpf_cgroup_dev_ctx, access_type), 0);
	p[k++] = insn(BPF_ALU64 | BPF_MOV | BPF_X, R3, R2, 0, 0);
	p[k++] = insn(BPF_ALU64 | BPF_AND | BPF_K, R3, 0, 0, 0xffff);
	p[k++] = insn(BPF_ALU64 | BPF_MOV | BPF_X, R4, R2, 0, 0);
	p[k++] = insn(BPF_ALU64 | BPF_RSH | BPF_K, R4, 0, 0, 16);
	p[k++] = insn(BPF_LDX | BPF_MEM | BPF_W, R5, R1, offsetof(struct bpf_cgroup_dev_ctx, major),
		      0);
	p[k++] = insn(BPF_LDX | BPF_MEM | BPF_W, R6, R1, offsetof(struct bpf_cgroup_dev_ctx, minor),
		      0);
	return k;
}

/* Our access bits (r=1, w=2, m=4) in the kernel's (BPF_DEVCG_ACC_*). */
static __s32 devcg_access(unsigned a)
{
	return (a & GB_DEV_READ ? BPF_DEVCG_ACC_READ : 0) |
	       (a & GB_DEV_WRITE ? BPF_DEVCG_ACC_WRITE : 0) |
	       (a & GB_DEV_MKNOD ? BPF_DEVCG_ACC_MKNOD : 0);
}

/* One rule: each test that fails jumps past the block (its offset patched at the end,
 * marked with off = -1 meanwhile); all pass: return the rule's verdict. */
static size_t rule_block(const struct gb_dev_rule *r, struct bpf_insn *p)
{
	size_t k = 0;
	if (r->type != 'a')
		p[k++] = insn(BPF_JMP | BPF_JNE | BPF_K, R3, 0, -1,
			      r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
	if (r->major != GB_DEV_ANY)
		p[k++] = insn(BPF_JMP | BPF_JNE | BPF_K, R5, 0, -1, (__s32)r->major);
	if (r->minor != GB_DEV_ANY)
		p[k++] = insn(BPF_JMP | BPF_JNE | BPF_K, R6, 0, -1, (__s32)r->minor);
	/* allow: only when it grants every bit asked (access & ~granted == 0);
	 * deny: when it takes any bit asked (access & taken != 0). */
	__s32 mask = r->allow ? (~devcg_access(r->access) & 0x7) : devcg_access(r->access);
	if (mask) {
		p[k++] = insn(BPF_ALU64 | BPF_MOV | BPF_X, R7, R4, 0, 0);
		p[k++] = insn(BPF_ALU64 | BPF_AND | BPF_K, R7, 0, 0, mask);
		p[k++] = insn(BPF_JMP | (r->allow ? BPF_JNE : BPF_JEQ) | BPF_K, R7, 0, -1, 0);
	}
	p[k++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, r->allow ? 1 : 0);
	p[k++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	for (size_t i = 0; i < k; i++)
		if (BPF_CLASS(p[i].code) == BPF_JMP && p[i].off == -1)
			p[i].off = (__s16)(k - i - 1);
	return k;
}

int gb_devbpf_build(const struct gb_dev_rule *rules, size_t n, struct bpf_insn *out, size_t max)
{
	struct bpf_insn block[8];
	if (max < 9)
		return -E2BIG;
	size_t k = prologue(out);
	/* Last rule first: the first block that matches returns, so the last rule that
	 * matches wins, as when v1's devices.allow/deny are written in order. */
	for (size_t i = n; i-- > 0;) {
		size_t b = rule_block(&rules[i], block);
		if (k + b + 2 > max)
			return -E2BIG;
		memcpy(out + k, block, b * sizeof *block);
		k += b;
	}
	out[k++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, 1); /* no rule matched: allow */
	out[k++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return (int)k;
}

int gb_devbpf_apply(const char *dir, const struct gb_dev_rule *rules, size_t n, struct gb_err *err)
{
	struct bpf_insn prog[GB_DEVBPF_MAX_INSNS];
	unsigned old[64];
	size_t nold = 0;
	int len = gb_devbpf_build(rules, n, prog, GB_ARRAY_LEN(prog));
	if (len < 0)
		return gb_err_set(err, -len, "", "%zu device rules are too many (at most %d)", n,
				  GB_DEV_RULES_MAX);
	gb_autoclose int cgfd = gb_devprog_open_dir(dir, err);
	if (cgfd < 0)
		return cgfd;
	gb_devprog_query(cgfd, old, GB_ARRAY_LEN(old), &nold);
	gb_autoclose int fd = gb_devprog_load(prog, len, err);
	if (fd < 0)
		return fd;
	int r = gb_devprog_attach(cgfd, fd, dir, err);
	for (size_t i = 0; r == 0 && i < nold; i++)
		gb_devprog_detach_id(cgfd, old[i]);
	return r;
}

int gb_devbpf_query(const char *dir, unsigned *ids, size_t max, size_t *n, struct gb_err *err)
{
	*n = 0;
	gb_autoclose int cgfd = gb_devprog_open_dir(dir, err);
	if (cgfd < 0)
		return cgfd;
	int r = gb_devprog_query(cgfd, ids, max, n);
	return r < 0 ? gb_err_set(err, -r, "bpf", "bpf(BPF_PROG_QUERY) of %s", dir) : 0;
}
