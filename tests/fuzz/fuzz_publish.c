/* libFuzzer target: `-p [IP:]HOST:CONTAINER[/tcp]` (gb_net_publish_parse in
 * core/net/net_proxy.c), which the engine parses again from the state file at each start. */
#include "fuzz.h"

#include "net/net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	struct gb_net_publish p;
	struct gb_err err = { 0 };
	if (gb_net_publish_parse(s, &p, &err) == 0 &&
	    (p.host_port < 1 || p.host_port > 65535 || p.container_port < 1 ||
	     p.container_port > 65535))
		abort(); /* accepted a port the kernel would refuse */
	free(s);
	return 0;
}
