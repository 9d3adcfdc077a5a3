/* A recorded or live event stream cut into beats: one beat is what one press of Space
 * shows (a step with its result, a state change, a signal...). */
#ifndef VZ_STREAM_H
#define VZ_STREAM_H

#include <stddef.h>

#include "base/json.h"
#include "model.h"

struct vz_stream {
	struct gb_jval **ev;
	size_t n, cap;
	struct vz_beat {
		size_t end; /* index of the last event of the beat */
		int scene;  /* the scene that shows it best */
	} * beats;
	size_t n_beats, beat_cap;
	struct vz_model scan; /* the model after every event: finds beat scenes */
	int last_scene;
	bool open_beat; /* events after the last beat end form a beat of their own */
};

void vz_stream_init(struct vz_stream *s);
void vz_stream_free(struct vz_stream *s);
/* Load a JSONL file. On error returns -1 and writes "FILE:LINE: what, and the fix". */
int vz_stream_load(struct vz_stream *s, const char *path, char *err, size_t errlen);
/* Parse one line and append it (live mode). -1 with err on a line that is not an event. */
int vz_stream_push_line(struct vz_stream *s, const char *line, size_t len, char *err,
			size_t errlen);
/* The model as it stands at the end of beat `beat`. */
void vz_stream_model_at(const struct vz_stream *s, size_t beat, struct vz_model *m);
/* `t` of the event that ends a beat. */
double vz_stream_beat_t(const struct vz_stream *s, size_t beat);

#endif
