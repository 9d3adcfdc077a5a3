/* The mutation switch (mutate.h): real only in the test build. */
#include "base/mutate.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>

#ifdef GB_TEST_MUTATIONS

bool gb_mutation(const char *name)
{
	const char *skip = getenv("GLASSBOX_SKIP_STEP");
	return skip && name && !strcmp(skip, name);
}

int gb_mutation_clone_flags(void)
{
	static const struct {
		const char *name;
		int flag;
	} ns[] = {
		{ "ns-pid", CLONE_NEWPID },   { "ns-uts", CLONE_NEWUTS },
		{ "ns-ipc", CLONE_NEWIPC },   { "ns-net", CLONE_NEWNET },
		{ "ns-user", CLONE_NEWUSER },
	};
	for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
		if (gb_mutation(ns[i].name))
			return ns[i].flag;
	return 0;
}

bool gb_mutation_fail_exec(void)
{
	const char *v = getenv("GLASSBOX_FAIL_EXEC");
	return v && !strcmp(v, "1");
}

bool gb_mutation_built(void)
{
	return true;
}

#else

bool gb_mutation(const char *name)
{
	(void)name;
	return false;
}

int gb_mutation_clone_flags(void)
{
	return 0;
}

bool gb_mutation_fail_exec(void)
{
	return false;
}

bool gb_mutation_built(void)
{
	return false;
}

#endif
