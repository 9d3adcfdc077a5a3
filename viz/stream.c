/* Reading event streams (docs/events.md) line by line. A corrupted or cut-off recording
 * is reported with its line number; it never crashes the viewer. */
#include "stream.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vz_stream_init(struct vz_stream *s)
{
	memset(s, 0, sizeof *s);
	vz_model_init(&s->scan);
	s->last_scene = VZ_SC_LIFECYCLE;
}

void vz_stream_free(struct vz_stream *s)
{
	for (size_t i = 0; i < s->n; i++)
		gb_jval_free(s->ev[i]);
	free(s->ev);
	free(s->beats);
	memset(s, 0, sizeof *s);
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 256;
	while (ncap < need)
		ncap *= 2;
	void *np = realloc(*p, ncap * elem);
	if (!np)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

/* Append a parsed event and extend the beat table. */
static int push(struct vz_stream *s, struct gb_jval *ev)
{
	if (grow((void **)&s->ev, &s->cap, s->n + 1, sizeof *s->ev) < 0 ||
	    grow((void **)&s->beats, &s->beat_cap, s->n_beats + 1, sizeof *s->beats) < 0)
		return -1;
	s->ev[s->n++] = ev;
	vz_model_apply(&s->scan, ev);
	int scene = vz_event_scene(&s->scan, ev);
	if (!s->open_beat) {
		s->n_beats++;
		s->open_beat = true;
		s->beats[s->n_beats - 1].scene = s->last_scene;
	}
	/* Events with no scene of their own (log, error) keep the beat's. */
	if (scene >= 0)
		s->beats[s->n_beats - 1].scene = s->last_scene = scene;
	s->beats[s->n_beats - 1].end = s->n - 1;
	if (vz_event_ends_beat(ev))
		s->open_beat = false;
	return 0;
}

int vz_stream_push_line(struct vz_stream *s, const char *line, size_t len, char *err, size_t errlen)
{
	char jerr[160];
	struct gb_jval *ev = gb_json_parse(line, len, jerr, sizeof jerr);
	if (!ev) {
		snprintf(err, errlen, "not valid JSON (%s)", jerr);
		return -1;
	}
	if (ev->type != GB_JOBJ || !gb_jget(ev, "type")) {
		gb_jval_free(ev);
		snprintf(err, errlen, "not an event: every event is a JSON object with a \"type\"");
		return -1;
	}
	if (gb_jint(ev, "v", 1) > 1 && s->n == 0)
		fprintf(stderr,
			"glassbox-viz: warning: stream format v%lld is newer than v1; "
			"showing what this version knows\n",
			gb_jint(ev, "v", 1));
	if (push(s, ev) < 0) {
		gb_jval_free(ev);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static bool blank(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r' && line[i] != '\n')
			return false;
	return true;
}

int vz_stream_load(struct vz_stream *s, const char *path, char *err, size_t errlen)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	char *line = NULL, why[256];
	size_t cap = 0;
	ssize_t len;
	int lineno = 0, rc = 0;
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (blank(line, len))
			continue;
		bool cut = line[len - 1] != '\n';
		if (vz_stream_push_line(s, line, len, why, sizeof why) < 0) {
			snprintf(err, errlen, "%s:%d: %s%s", path, lineno, why,
				 cut ? "; the last line is cut off: the recording was truncated"
				     : "; the stream is corrupted: record it again");
			rc = -1;
			break;
		}
	}
	free(line);
	if (f != stdin)
		fclose(f);
	if (rc == 0 && s->n == 0) {
		snprintf(err, errlen, "%s: no events in this file", path);
		rc = -1;
	}
	return rc;
}

void vz_stream_model_at(const struct vz_stream *s, size_t beat, struct vz_model *m)
{
	vz_model_init(m);
	if (s->n_beats == 0)
		return;
	if (beat >= s->n_beats)
		beat = s->n_beats - 1;
	for (size_t i = 0; i <= s->beats[beat].end; i++)
		vz_model_apply(m, s->ev[i]);
}

double vz_stream_beat_t(const struct vz_stream *s, size_t beat)
{
	if (s->n_beats == 0)
		return 0;
	if (beat >= s->n_beats)
		beat = s->n_beats - 1;
	return gb_jnum(s->ev[s->beats[beat].end], "t", 0);
}
