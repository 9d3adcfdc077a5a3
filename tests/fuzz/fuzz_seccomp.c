/* libFuzzer target: a seccomp profile in Docker's JSON format (core/security/seccomp.c)
 * turned into rules, back to JSON (as `inspect` shows it) and into rules again: the second
 * reading must give the same rules. No filter is compiled or loaded: the kernel is not
 * what is being tested here, the reading of untrusted JSON is. */
#include "fuzz.h"

#include <stdio.h>

#include "security/caps.h"
#include "security/seccomp.h"

static bool same_rule(const struct gb_seccomp_rule *a, const struct gb_seccomp_rule *b)
{
	if (strcmp(a->name, b->name) || a->action != b->action || a->nargs != b->nargs)
		return false;
	for (unsigned i = 0; i < a->nargs; i++)
		if (a->args[i].arg != b->args[i].arg || a->args[i].op != b->args[i].op ||
		    a->args[i].datum_a != b->args[i].datum_a ||
		    a->args[i].datum_b != b->args[i].datum_b)
			return false;
	return true;
}

static void round_trip(const struct gb_seccomp_profile *p, gb_capset caps)
{
	char *json = gb_seccomp_to_json(p);
	struct gb_seccomp_profile q;
	struct gb_err err = { 0 };
	if (!json || gb_seccomp_parse(json, strlen(json), "again.json", caps, &q, &err) < 0) {
		fprintf(stderr, "glassbox cannot read its own profile back: %s\n%s\n", err.msg,
			json ? json : "(null)");
		abort();
	}
	if (q.default_action != p->default_action || q.n_rules != p->n_rules ||
	    q.n_arches != p->n_arches)
		abort();
	for (size_t i = 0; i < p->n_rules; i++)
		if (!same_rule(&p->rules[i], &q.rules[i]))
			abort();
	gb_seccomp_free(&q);
	free(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gb_seccomp_profile p;
	struct gb_err err = { 0 };
	/* Both capability sets: includes/excludes by capability take other paths. */
	gb_capset sets[] = { gb_caps_docker_default(), ~(gb_capset)0 };
	for (size_t i = 0; i < 2; i++) {
		if (gb_seccomp_parse((const char *)data, size, "fuzz.json", sets[i], &p, &err) < 0)
			return 0;
		round_trip(&p, sets[i]);
		gb_seccomp_free(&p);
	}
	return 0;
}
