/* libFuzzer target: an event stream (docs/events.md) as the viz reads it, one JSON line at
 * a time into viz/stream.c, which applies each event to the model (viz/model.c) and its
 * caption (viz/caption.c); then the model at every beat, as replay shows them. */
#include "fuzz.h"

#include "stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vz_stream s;
	char err[256];
	vz_stream_init(&s);
	const char *p = (const char *)data, *end = p + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = fuzz_cstr((const uint8_t *)p, len);
		vz_stream_push_line(&s, line, len, err, sizeof err);
		free(line);
		p += len + 1;
	}
	struct vz_model *m = malloc(sizeof *m);
	if (!m)
		abort();
	for (size_t b = 0; b < s.n_beats; b++) {
		vz_stream_model_at(&s, b, m);
		vz_stream_beat_t(&s, b);
	}
	free(m);
	vz_stream_free(&s);
	return 0;
}
