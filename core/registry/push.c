/* Push an image to a registry (push.h). */
#include "registry/push.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "registry/auth.h"
#include "registry/digest.h"
#include "registry/http.h"
#include "registry/plan.h"
#include "registry/ref.h"
#include "storage/image.h"

struct push {
	struct gb_runtime *rt;
	struct gb_push_opts *o;
	struct gb_ref ref;
	struct gb_http http;
	struct gb_image img;
	struct gb_image_plan plan;
	struct gb_push_progress p;
};

static void report(struct push *ps, const char *digest, const char *status)
{
	ps->p.digest = digest;
	ps->p.status = status;
	if (ps->o->progress)
		ps->o->progress(ps->o->progress_data, &ps->p);
}

static bool insecure(const struct push *ps)
{
	if (gb_ref_is_loopback(&ps->ref))
		return true;
	for (char *const *i = ps->o->insecure; i && *i; i++)
		if (!strcmp(*i, ps->ref.domain))
			return true;
	return false;
}

static int push_http_error(long status, const char *what, const struct gb_http_reply *rep,
			   struct gb_err *err)
{
	if (status < 0)
		return (int)status;
	int r = gb_err_set(err, status == 401 || status == 403 ? EACCES : EIO, "",
			   "%s: HTTP %ld %s", what, status, rep->body);
	if (status == 403 || status == 401)
		gb_err_hint(err, "this account may not push there: glassbox login REGISTRY");
	return r;
}

/* ------------------------------------------------------------ blobs */

/* Mount from the repository it was pulled from when that is on the same registry: the
 * registry links the blob it already has, nothing is sent (201); 202 means it started a
 * normal upload instead, and its Location is where the bytes go. */
static long start_upload(struct push *ps, const char *digest, const char *from,
			 struct gb_http_reply *rep, struct gb_err *err)
{
	char url[1400], repo[600] = "";
	size_t dlen = strlen(ps->ref.domain);
	if (!strncmp(from, ps->ref.domain, dlen) && from[dlen] == '/' &&
	    strcmp(from + dlen + 1, ps->ref.repo))
		snprintf(repo, sizeof repo, "%s", from + dlen + 1);
	if (repo[0])
		snprintf(url, sizeof url, "%s/blobs/uploads/?mount=%s&from=%s", ps->http.base,
			 digest, repo);
	else
		snprintf(url, sizeof url, "%s/blobs/uploads/", ps->http.base);
	struct gb_http_req q = { .method = "POST" };
	long status = gb_http_send(&ps->http, url, &q, rep, err);
	if (status == 201 && repo[0]) {
		char msg[700];
		snprintf(msg, sizeof msg, "Mounted from %s", repo);
		report(ps, digest, msg);
		return 201;
	}
	if (status != 202 || !rep->location[0])
		return push_http_error(status, "starting an upload", rep, err);
	return 202;
}

/* The upload's Location with ?digest= (or &digest=): where its last PUT goes. */
static void digest_url(char *url, size_t len, const char *location, const char *digest)
{
	snprintf(url, len, "%s%sdigest=%s", location, strchr(location, '?') ? "&" : "?", digest);
}

/* A chunked upload (distribution-spec "Pushing a blob in chunks"): PATCHes of GB_PUSH_CHUNK
 * bytes with Content-Range START-END (inclusive), each to the Location the previous one
 * answered (202), then a PUT with ?digest= and no body closes it; the registry checks the
 * digest over all the chunks. A registry may refuse a chunk that does not start where the
 * upload ends (416): the error names the range. */
static int upload_chunks(struct push *ps, const char *digest, FILE *f, long long size,
			 struct gb_http_reply *rep, struct gb_err *err)
{
	char url[2600], range[64];
	for (long long off = 0; off < size; off += GB_PUSH_CHUNK) {
		long long n = size - off < GB_PUSH_CHUNK ? size - off : GB_PUSH_CHUNK;
		snprintf(range, sizeof range, "%lld-%lld", off, off + n - 1);
		snprintf(url, sizeof url, "%s", rep->location);
		struct gb_http_req q = {
			.method = "PATCH", .file = f, .offset = off, .len = n, .range = range
		};
		long status = gb_http_send(&ps->http, url, &q, rep, err);
		if (status != 202 || !rep->location[0]) {
			char what[128];
			snprintf(what, sizeof what, "uploading bytes %s of a blob", range);
			return push_http_error(status, what, rep, err);
		}
	}
	digest_url(url, sizeof url, rep->location, digest);
	struct gb_http_req q = { .method = "PUT" };
	long status = gb_http_send(&ps->http, url, &q, rep, err);
	return status == 201 ? 0 : push_http_error(status, "closing a chunked upload", rep, err);
}

/* The blob's bytes to the upload's Location: one PUT with the whole blob and ?digest=
 * (monolithic) below GB_PUSH_CHUNKED_MIN, chunks above. */
static int send_blob(struct push *ps, const char *digest, const char *path, const char *mem,
		     size_t len, struct gb_http_reply *rep, struct gb_err *err)
{
	char url[2600];
	struct gb_http_req q = { .method = "PUT", .body = mem, .len = (long long)len };
	struct stat st;
	if (path && (!(q.file = fopen(path, "re")) || fstat(fileno(q.file), &st) < 0)) {
		int r = gb_err_set(err, errno, "open", "cannot read %s", path);
		if (q.file)
			fclose(q.file);
		return r;
	}
	if (path && st.st_size >= GB_PUSH_CHUNKED_MIN) {
		int r = upload_chunks(ps, digest, q.file, st.st_size, rep, err);
		fclose(q.file);
		return r;
	}
	if (path)
		q.len = st.st_size;
	digest_url(url, sizeof url, rep->location, digest);
	long status = gb_http_send(&ps->http, url, &q, rep, err);
	if (q.file)
		fclose(q.file);
	return status == 201 ? 0 : push_http_error(status, "uploading a blob", rep, err);
}

/* HEAD (there already), a mount, or an upload of the bytes. */
static int upload(struct push *ps, const char *digest, const char *path, const char *mem,
		  size_t len, const char *from, struct gb_err *err)
{
	struct gb_http_reply rep;
	char head[1400];
	snprintf(head, sizeof head, "%s/blobs/%s", ps->http.base, digest);
	struct gb_http_req hq = { .method = "HEAD" };
	long status = gb_http_send(&ps->http, head, &hq, &rep, err);
	if (status == 200) {
		report(ps, digest, "Layer already exists");
		return 0;
	}
	if (status < 0)
		return (int)status;
	if ((status = start_upload(ps, digest, from, &rep, err)) != 202)
		return status == 201 ? 0 : (int)status;
	report(ps, digest, "Pushing");
	int r = send_blob(ps, digest, path, mem, len, &rep, err);
	if (r == 0)
		report(ps, digest, "Pushed");
	return r;
}

/* ------------------------------------------------------------ what to send */

/* ------------------------------------------------------------ the push */

static void preparing(void *data, const char *id, size_t index, size_t count)
{
	struct push *ps = data;
	ps->p.index = index;
	ps->p.count = count + 1;
	report(ps, id, "Preparing");
}

static int put_manifest(struct push *ps, struct gb_err *err)
{
	char url[1400];
	struct gb_http_reply rep;
	snprintf(url, sizeof url, "%s/manifests/%s", ps->http.base, ps->ref.tag);
	struct gb_http_req q = { .method = "PUT",
				 .content_type = ps->plan.manifest_type,
				 .body = ps->plan.manifest,
				 .len = (long long)ps->plan.manifest_len };
	long status = gb_http_send(&ps->http, url, &q, &rep, err);
	if (status != 201)
		return push_http_error(status, "putting the manifest", &rep, err);
	gb_digest_buf(ps->plan.manifest, ps->plan.manifest_len, ps->o->digest);
	ps->o->size = (long long)ps->plan.manifest_len;
	if (rep.digest[0] && strcmp(rep.digest, ps->o->digest))
		return gb_err_set(err, EBADMSG, "",
				  "the registry stored the manifest as %s, not %s", rep.digest,
				  ps->o->digest);
	return 0;
}

static int push_blobs(struct push *ps, struct gb_err *err)
{
	ps->p.count = ps->plan.n + 1;
	for (size_t i = 0; i < ps->plan.n; i++) {
		ps->p.index = i + 1;
		int r = upload(ps, ps->plan.blobs[i].digest, ps->plan.blobs[i].path, NULL, 0,
			       ps->plan.blobs[i].from, err);
		if (r < 0)
			return r;
	}
	ps->p.index = ps->plan.n + 1;
	return upload(ps, ps->plan.config_digest, NULL, ps->plan.config, ps->plan.config_len, "",
		      err);
}

static int push_steps(struct push *ps, struct gb_err *err)
{
	char name[600], stored[256];
	if (ps->ref.digest[0] || strchr(ps->o->ref, '@'))
		return gb_err_set(err, EINVAL, "", "'%s': push a tag, not a digest", ps->o->ref);
	gb_ref_familiar(&ps->ref, name, sizeof name);
	if (strlen(name) >= sizeof stored || gb_image_normalize(name, stored, sizeof stored) < 0)
		return gb_err_set(err, EINVAL, "", "'%s' cannot be an image name here", name);
	int r = gb_image_resolve(ps->rt, stored, &ps->img, err);
	if (r < 0) {
		gb_err_hint(err, "name an image for the registry first: glassbox tag IMAGE %s",
			    name);
		return r;
	}
	snprintf(ps->o->tag, sizeof ps->o->tag, "%s", ps->ref.tag);
	gb_path(ps->http.base, sizeof ps->http.base, "%s://%s/v2/%s",
		insecure(ps) ? "http" : "https", gb_ref_api_host(&ps->ref), ps->ref.repo);
	gb_auth_get(ps->rt, ps->ref.domain, ps->http.basic, sizeof ps->http.basic);
	ps->plan.preparing = preparing;
	ps->plan.data = ps;
	if ((r = gb_image_plan(ps->rt, &ps->img, &ps->plan, err)) < 0)
		return r;
	if ((r = push_blobs(ps, err)) < 0)
		return r;
	return put_manifest(ps, err);
}

int gb_push(struct gb_runtime *rt, struct gb_push_opts *o, struct gb_err *err)
{
	struct push ps = { .rt = rt, .o = o };
	int r = gb_ref_parse(o->ref, &ps.ref, err);
	if (r == 0)
		r = push_steps(&ps, err);
	gb_image_free(&ps.img);
	gb_image_plan_free(&ps.plan);
	return r;
}
