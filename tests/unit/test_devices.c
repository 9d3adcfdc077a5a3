/* Unit tests: the device cgroup's rules (core/cgroup/devrule.c): Docker's "c 1:3 rwm"
 * syntax and its refusals, the kernel's last-match-wins decision over Docker's default
 * list, the v2 eBPF program built from a list (core/cgroup/devices_bpf.c: a small
 * interpreter of the instructions it emits runs it against the same requests), and
 * linux.resources.devices of an OCI config.json (core/oci/oci_devices.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cgroup/devices_bpf.h"
#include "cgroup/devrule.h"
#include "oci/oci_devices.h"

static void parse_ok(void **state)
{
	struct gb_dev_rule r;
	char buf[64];
	struct gb_err err = { 0 };
	assert_int_equal(gb_devrule_parse("c 1:3 rwm", &r, &err), 0);
	assert_true(r.allow);
	assert_int_equal(r.type, 'c');
	assert_int_equal(r.major, 1);
	assert_int_equal(r.minor, 3);
	assert_int_equal(r.access, GB_DEV_RWM);
	assert_int_equal(gb_devrule_parse("b 8:* r", &r, &err), 0);
	assert_int_equal(r.minor, GB_DEV_ANY);
	assert_int_equal(r.access, GB_DEV_READ);
	gb_devrule_format(&r, buf, sizeof buf);
	assert_string_equal(buf, "b 8:* r");
	assert_int_equal(gb_devrule_parse("a", &r, &err), 0);
	gb_devrule_format(&r, buf, sizeof buf);
	assert_string_equal(buf, "a *:* rwm");
}

static void parse_refused(void **state)
{
	static const char *const bad[] = { "",	      "x 1:3 rwm", "c 1:3",    "c 1 rwm",
					   "c 1:x r", "c 1:3 rwx", "c 1:3 rr", "c 4096:0 r",
					   "c 1:3 ",  "c",	   "c1:3 rwm", "c 1:1048576 r" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct gb_dev_rule r;
		struct gb_err err = { 0 };
		assert_int_equal(gb_devrule_parse(bad[i], &r, &err), -EINVAL);
		assert_non_null(strstr(err.msg, "device cgroup rule"));
		assert_non_null(strstr(err.hint, "TYPE MAJOR:MINOR ACCESS"));
	}
}

static void docker_default_decides(void **state)
{
	struct gb_dev_rule l[GB_DEV_RULES_MAX];
	size_t n = gb_devrule_docker_default(l, GB_DEV_RULES_MAX);
	assert_false(l[0].allow); /* deny-all first */
	assert_true(gb_devrule_allows(l, n, 'c', 1, 3, GB_DEV_READ | GB_DEV_WRITE));
	assert_true(gb_devrule_allows(l, n, 'c', 136, 7, GB_DEV_WRITE));
	assert_true(gb_devrule_allows(l, n, 'b', 8, 0, GB_DEV_MKNOD)); /* mknod of anything */
	assert_false(gb_devrule_allows(l, n, 'b', 8, 0, GB_DEV_READ));
	assert_false(gb_devrule_allows(l, n, 'c', 10, 200, GB_DEV_READ)); /* tun: not Docker's */
	assert_false(gb_devrule_allows(l, n, 'c', 1, 1, GB_DEV_READ | GB_DEV_MKNOD));
	/* a later deny takes back part of an allow */
	l[n] = (struct gb_dev_rule){ false, 'c', 1, 3, GB_DEV_WRITE };
	assert_true(gb_devrule_allows(l, n + 1, 'c', 1, 3, GB_DEV_READ));
	assert_false(gb_devrule_allows(l, n + 1, 'c', 1, 3, GB_DEV_READ | GB_DEV_WRITE));
	assert_true(gb_devrule_allows(l, 0, 'c', 1, 1, GB_DEV_READ)); /* no rules: allowed */
}

/* Run the program as the kernel would, for the instructions devices_bpf.c emits. */
static uint64_t run_prog(const struct bpf_insn *p, int n, uint32_t access_type, uint32_t maj,
			 uint32_t min)
{
	uint32_t ctx[3] = { access_type, maj, min };
	uint64_t reg[11] = { 0 };
	for (int pc = 0; pc < n; pc++) {
		const struct bpf_insn *i = &p[pc];
		uint8_t cls = BPF_CLASS(i->code), op = BPF_OP(i->code);
		if (cls == BPF_LDX) {
			reg[i->dst_reg] = ctx[i->off / 4];
		} else if (cls == BPF_ALU64) {
			uint64_t v = BPF_SRC(i->code) == BPF_X ? reg[i->src_reg]
							       : (uint64_t)(int64_t)i->imm;
			reg[i->dst_reg] = op == BPF_MOV	  ? v
					  : op == BPF_AND ? reg[i->dst_reg] & v
					  : op == BPF_RSH ? reg[i->dst_reg] >> v
							  : (fail(), 0);
		} else if (op == BPF_EXIT) {
			return reg[0];
		} else {
			bool eq = reg[i->dst_reg] == (uint64_t)(int64_t)i->imm;
			assert_true(op == BPF_JNE || op == BPF_JEQ);
			if ((op == BPF_JEQ) == eq)
				pc += i->off;
		}
	}
	fail_msg("the program ran off its end");
	return 2;
}

static uint32_t acc(unsigned a)
{
	return (a & GB_DEV_READ ? BPF_DEVCG_ACC_READ : 0) |
	       (a & GB_DEV_WRITE ? BPF_DEVCG_ACC_WRITE : 0) |
	       (a & GB_DEV_MKNOD ? BPF_DEVCG_ACC_MKNOD : 0);
}

static void program_matches_rules(void **state)
{
	struct gb_dev_rule l[GB_DEV_RULES_MAX];
	struct bpf_insn prog[GB_DEVBPF_MAX_INSNS];
	size_t n = gb_devrule_docker_default(l, GB_DEV_RULES_MAX);
	struct gb_err err = { 0 };
	assert_int_equal(gb_devrule_parse("c 10:200 rw", &l[n++], &err), 0);
	l[n++] = (struct gb_dev_rule){ false, 'c', 1, 9, GB_DEV_WRITE };
	int len = gb_devbpf_build(l, n, prog, GB_DEVBPF_MAX_INSNS);
	assert_true(len > 0);
	static const long long devs[][2] = { { 1, 3 },	 { 1, 1 }, { 1, 9 }, { 10, 200 },
					     { 136, 4 }, { 8, 0 }, { 5, 2 }, { 4095, 1048575 } };
	for (size_t d = 0; d < sizeof devs / sizeof *devs; d++)
		for (int t = 0; t < 2; t++)
			for (unsigned a = 1; a <= GB_DEV_RWM; a++) {
				char type = t ? 'b' : 'c';
				uint32_t at = acc(a) << 16 |
					      (t ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
				bool want =
					gb_devrule_allows(l, n, type, devs[d][0], devs[d][1], a);
				assert_int_equal(run_prog(prog, len, at, (uint32_t)devs[d][0],
							  (uint32_t)devs[d][1]),
						 want);
			}
	assert_int_equal(gb_devbpf_build(l, n, prog, 20), -E2BIG);
}

static int oci(const char *json, struct gb_dev_rule *out, size_t *n, bool *given,
	       struct gb_err *err)
{
	char why[128];
	struct gb_jval *v = gb_json_parse(json, strlen(json), why, sizeof why);
	assert_non_null(v);
	int r = gb_oci_devices_parse(v, out, GB_DEV_RULES_MAX, n, given, err);
	gb_jval_free(v);
	return r;
}

static void oci_devices(void **state)
{
	struct gb_dev_rule l[GB_DEV_RULES_MAX];
	size_t n;
	bool given;
	struct gb_err err = { 0 };
	/* What Docker 20.10 writes: deny all, then its allow list (two of it here). */
	assert_int_equal(
		oci("{\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
		    "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":5,\"access\":\"rwm\"},"
		    "{\"allow\":true,\"type\":\"c\",\"major\":136,\"access\":\"rwm\"}]}}",
		    l, &n, &given, &err),
		0);
	assert_true(given);
	assert_true(n > 3); /* runc's allow list after them */
	assert_false(l[0].allow);
	assert_int_equal(l[0].type, 'a');
	assert_int_equal(l[2].minor, GB_DEV_ANY);
	assert_true(gb_devrule_allows(l, n, 'c', 10, 200, GB_DEV_READ)); /* runc's tun */
	assert_false(gb_devrule_allows(l, n, 'c', 1, 1, GB_DEV_READ));
	assert_int_equal(oci("{\"resources\":{}}", l, &n, &given, &err), 0);
	assert_false(given);
	assert_int_equal(n, 0);
	assert_int_equal(oci("{\"resources\":{\"devices\":[{\"allow\":true,\"access\":\"rwx\"}]}}",
			     l, &n, &given, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "linux.resources.devices[0].access"));
	assert_int_equal(oci("{\"resources\":{\"devices\":[{\"allow\":true},{\"type\":\"c\"}]}}", l,
			     &n, &given, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "linux.resources.devices[1].allow"));
	assert_int_equal(oci("{\"resources\":{\"devices\":[{\"allow\":true,\"major\":5000}]}}", l,
			     &n, &given, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "[0].major"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_ok),
		cmocka_unit_test(parse_refused),
		cmocka_unit_test(docker_default_decides),
		cmocka_unit_test(program_matches_rules),
		cmocka_unit_test(oci_devices),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
