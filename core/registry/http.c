/* Registry HTTP with libcurl (http.h). */
#include "registry/http.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/json.h"
#include "base/util.h"
#include "registry/digest.h"

#define MAX_MEM (16L << 20)

int gb_challenge_parse(const char *header, struct gb_challenge *c)
{
	memset(c, 0, sizeof *c);
	while (*header == ' ')
		header++;
	if (strncasecmp(header, "Bearer ", 7))
		return -EINVAL;
	for (const char *p = header + 7; *p;) {
		p += strspn(p, " ,");
		size_t k = strcspn(p, "=");
		if (!p[k] || p[k + 1] != '"')
			break;
		const char *v = p + k + 2, *end = strchr(v, '"');
		if (!end)
			return -EINVAL;
		char *dst = k == 5 && !strncmp(p, "realm", 5)	  ? c->realm
			    : k == 7 && !strncmp(p, "service", 7) ? c->service
			    : k == 5 && !strncmp(p, "scope", 5)	  ? c->scope
								  : NULL;
		size_t cap = dst == c->realm	 ? sizeof c->realm
			     : dst == c->service ? sizeof c->service
						 : sizeof c->scope;
		if (dst)
			snprintf(dst, cap, "%.*s", (int)(end - v), v);
		p = end + 1;
	}
	return c->realm[0] ? 0 : -EINVAL;
}

struct sink {
	char *buf;
	size_t len;
	FILE *file;
	struct gb_digest sha;
	bool too_big;
	char content_type[128], challenge[2048], location[2048], docker_digest[80];
	const struct gb_http_req *req; /* a method and a body to send; NULL: a GET */
	long long left;		       /* bytes of req->file still to send */
};

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t len = size * n;
	if (s->file) {
		gb_digest_update(&s->sha, data, len);
		return fwrite(data, 1, len, s->file);
	}
	if (s->len + len > MAX_MEM) {
		s->too_big = true;
		return 0;
	}
	char *bigger = realloc(s->buf, s->len + len + 1);
	if (!bigger)
		return 0;
	s->buf = bigger;
	memcpy(s->buf + s->len, data, len);
	s->len += len;
	s->buf[s->len] = '\0';
	return len;
}

static void header_value(const char *line, size_t len, const char *name, char *out, size_t cap)
{
	size_t n = strlen(name);
	if (len <= n || strncasecmp(line, name, n))
		return;
	const char *v = line + n;
	size_t vlen = len - n;
	while (vlen && (*v == ' ' || *v == '\t'))
		v++, vlen--;
	while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n'))
		vlen--;
	snprintf(out, cap, "%.*s", (int)vlen, v);
}

static size_t on_header(char *line, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t len = size * n;
	if (len >= 5 && !strncmp(line, "HTTP/", 5)) /* a new response (after a redirect) */
		s->content_type[0] = s->challenge[0] = s->location[0] = '\0';
	header_value(line, len, "content-type:", s->content_type, sizeof s->content_type);
	header_value(line, len, "location:", s->location, sizeof s->location);
	header_value(line, len, "docker-content-digest:", s->docker_digest,
		     sizeof s->docker_digest);
	header_value(line, len, "www-authenticate:", s->challenge, sizeof s->challenge);
	return len;
}

static int on_progress(void *arg, curl_off_t total, curl_off_t done, curl_off_t ut, curl_off_t un)
{
	struct gb_http *h = arg;
	if (h->progress)
		h->progress(h->progress_data, done, total);
	return 0;
}

/* A file's body, up to req->len bytes from req->offset: a chunk ends where its
 * Content-Range says, not at the end of the file. */
static size_t on_read(char *buf, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	size_t want = size * n < (unsigned long long)s->left ? size * n : (size_t)s->left;
	size_t got = want ? fread(buf, 1, want, s->req->file) : 0;
	s->left -= got;
	return got < want && ferror(s->req->file) ? CURL_READFUNC_ABORT : got;
}

/* A PUT, POST, PATCH or HEAD: the method, and the body from memory or a file. */
static struct curl_slist *request_setup(CURL *c, struct sink *s, struct curl_slist *hdrs)
{
	const struct gb_http_req *q = s->req;
	char line[300];
	if (!strcmp(q->method, "HEAD")) {
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
		return hdrs;
	}
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, q->method);
	snprintf(line, sizeof line, "Content-Type: %s",
		 q->content_type ? q->content_type : "application/octet-stream");
	hdrs = curl_slist_append(hdrs, line);
	if (q->range) {
		snprintf(line, sizeof line, "Content-Range: %s", q->range);
		hdrs = curl_slist_append(hdrs, line);
	}
	if (q->file) {
		fseeko(q->file, q->offset, SEEK_SET);
		s->left = q->len;
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(c, CURLOPT_READDATA, s);
		curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)q->len);
		return hdrs;
	}
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, q->body ? q->body : "");
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)q->len);
	return hdrs;
}

/* One GET; returns the HTTP status (or -errno with err set when none came back). */
static long perform(struct gb_http *h, const char *url, const char *accept, bool auth,
		    struct sink *s, struct gb_err *err)
{
	CURL *c = curl_easy_init();
	if (!c)
		return gb_err_set(err, ENOMEM, "curl_easy_init", "cannot start libcurl");
	struct curl_slist *hdrs = NULL;
	char line[8300], why[CURL_ERROR_SIZE] = "";
	if (accept) {
		snprintf(line, sizeof line, "Accept: %s", accept);
		hdrs = curl_slist_append(hdrs, line);
	}
	if (auth && (h->token[0] || h->basic_on)) {
		/* libcurl drops custom Authorization headers when a redirect leaves the host
		 * (blobs are often served from a CDN), so the token stays with the registry. */
		snprintf(line, sizeof line, "Authorization: %s %s",
			 h->token[0] ? "Bearer" : "Basic", h->token[0] ? h->token : h->basic);
		hdrs = curl_slist_append(hdrs, line);
	}
	if (s->req)
		hdrs = request_setup(c, s, hdrs);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "glassbox");
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	/* a registry that stops sending (or taking) bytes for a minute ends the transfer with
	 * an error instead of holding the command forever; a pull run again keeps the layers
	 * it stored */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, why);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, s);
	if (s->file) {
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, h);
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	}
	CURLcode rc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && s->too_big)) {
		/* libcurl's own words say which timeout it was ("Operation too slow...") */
		int r = gb_err_set(err, rc == CURLE_OPERATION_TIMEDOUT ? ETIMEDOUT : ECONNREFUSED,
				   "", "%s: %s", url, why[0] ? why : curl_easy_strerror(rc));
		gb_err_hint(err, "is the registry running and reachable? (a registry without TLS "
				 "needs --insecure-registry HOST:PORT)");
		return r;
	}
	if (s->too_big)
		return gb_err_set(err, EFBIG, "", "%s: the answer is over 16 MiB", url);
	return status;
}

/* The query of a token request: the service, and each of the challenge's scopes as a
 * scope= parameter of its own (a push with a cross-repository mount is challenged with
 * "repository:A:pull,push repository:B:pull"), as Docker's client sends them. */
static void token_url(const struct gb_challenge *ch, char *url, size_t len)
{
	CURL *c = curl_easy_init();
	char *svc = c ? curl_easy_escape(c, ch->service, 0) : NULL;
	size_t n = snprintf(url, len, "%s%sservice=%s", ch->realm,
			    strchr(ch->realm, '?') ? "&" : "?", svc ? svc : "");
	curl_free(svc);
	for (const char *p = ch->scope; c && *p && n < len; p += strspn(p, " ")) {
		size_t k = strcspn(p, " ");
		char *one = curl_easy_escape(c, p, (int)k);
		n += snprintf(url + n, len - n, "&scope=%s", one ? one : "");
		curl_free(one);
		p += k;
	}
	if (c)
		curl_easy_cleanup(c);
}

/* Ask the realm for a token for the challenge's scope: anonymous, or with the stored
 * credentials (`glassbox login`) as Basic auth to the token server. */
static int fetch_token(struct gb_http *h, const struct gb_challenge *ch, struct gb_err *err)
{
	char url[2400];
	token_url(ch, url, sizeof url);
	struct sink s = { 0 };
	h->token[0] = '\0'; /* a token for another scope is no use; credentials may be */
	bool basic_on = h->basic_on;
	h->basic_on = h->basic[0] != '\0'; /* perform sends Basic when there is no token */
	long status = perform(h, url, "application/json", h->basic_on, &s, err);
	h->basic_on = basic_on;
	struct gb_jval *v = status == 200 ? gb_json_parse(s.buf, s.len, NULL, 0) : NULL;
	const char *tok = gb_jstr(v, "token", gb_jstr(v, "access_token", ""));
	int r = status < 0 ? (int)status : 0;
	if (r == 0 && (!tok[0] || strlen(tok) >= sizeof h->token))
		r = gb_err_set(err, EACCES, "", "the token server %s gave no token (HTTP %ld%s)",
			       ch->realm, status,
			       status == 401 ? ": it refused the user name and password" : "");
	if (r < 0 && status == 401)
		gb_err_hint(err, "log in again: glassbox login REGISTRY");
	if (r == 0)
		snprintf(h->token, sizeof h->token, "%s", tok);
	gb_jval_free(v);
	free(s.buf);
	return r;
}

static int status_error(long status, const char *url, struct gb_err *err)
{
	int code = status == 404 ? ENOENT : status == 401 || status == 403 ? EACCES : EIO;
	int r = gb_err_set(err, code, "", "%s: HTTP %ld", url, status);
	if (status == 404)
		gb_err_hint(err, "check the name and the tag: the registry has no such manifest "
				 "or blob");
	if (status == 401 || status == 403)
		gb_err_hint(err, "the repository is private or does not exist");
	return r;
}

/* The registry's challenge to a token without the rights asked (error="insufficient_scope"):
 * the token server gave a token, but not for what this request needs. */
static int scope_refused(const struct gb_http *h, const char *url, const char *challenge,
			 struct gb_err *err)
{
	struct gb_challenge ch;
	gb_challenge_parse(challenge, &ch);
	int r = gb_err_set(
		err, EACCES, "",
		"%s: HTTP 401 (insufficient_scope: the token server granted %s less than "
		"'%s')",
		url, h->basic[0] ? "this account" : "an anonymous user", ch.scope);
	gb_err_hint(err, h->basic[0] ? "this account may not do this here: log in as a user who "
				       "may (glassbox login REGISTRY), or ask for the right"
				     : "log in first: glassbox login REGISTRY");
	return r;
}

static int refused(const struct gb_http *h, const char *url, const char *challenge,
		   struct gb_err *err)
{
	if (challenge && strstr(challenge, "insufficient_scope"))
		return scope_refused(h, url, challenge, err);
	bool sent = h->basic_on || (h->token[0] && h->basic[0]);
	int r = gb_err_set(err, EACCES, "", "%s: HTTP 401 (%s)", url,
			   sent ? "the registry refused the credentials"
				: "the registry wants credentials");
	gb_err_hint(err, h->basic[0] ? "log in again: glassbox login REGISTRY (the password or "
				       "token was refused, or this account may not do this)"
				     : "log in first: glassbox login REGISTRY");
	return r;
}

/* Basic credentials are sent once a registry asks for them (a `Basic` challenge), and go
 * to a token server when it asks for a Bearer token: `glassbox login` stored them. */
static int answer_challenge(struct gb_http *h, const char *header, const char *url,
			    struct gb_err *err)
{
	struct gb_challenge ch;
	if (gb_challenge_parse(header, &ch) == 0)
		return fetch_token(h, &ch, err);
	if (!strncasecmp(header, "Basic", 5) && h->basic[0] && !h->basic_on) {
		h->basic_on = true;
		return 0;
	}
	return refused(h, url, NULL, err);
}

static int sink_reset(struct sink *s, struct gb_err *err)
{
	free(s->buf);
	s->buf = NULL;
	s->len = 0;
	if (s->file &&
	    (fflush(s->file) || ftruncate(fileno(s->file), 0) || fseek(s->file, 0, SEEK_SET)))
		return gb_err_set(err, errno, "ftruncate", "cannot restart the download");
	if (!s->file)
		return 0;
	char discard[72];
	gb_digest_final(&s->sha, discard);
	if (gb_digest_init(&s->sha) < 0)
		return gb_err_set(err, ENOMEM, "", "out of memory");
	return 0;
}

/* One request, asked again after a challenge (Basic credentials, or a Bearer token). */
static long exchange(struct gb_http *h, const char *url, const char *accept, struct sink *s,
		     struct gb_err *err)
{
	long status = perform(h, url, accept, true, s, err);
	for (int i = 0; i < 2 && status == 401; i++) {
		int r = answer_challenge(h, s->challenge, url, err);
		if (r < 0 || (r = sink_reset(s, err)) < 0)
			return r;
		status = perform(h, url, accept, true, s, err);
	}
	return status == 401 ? refused(h, url, s->challenge, err) : status;
}

/* GET with the retries after challenges; any status but 200 is an error. */
static long get(struct gb_http *h, const char *path, const char *accept, struct sink *s,
		struct gb_err *err)
{
	char url[1400];
	snprintf(url, sizeof url, "%s/%s", h->base, path);
	long status = exchange(h, url, accept, s, err);
	if (status >= 0 && status != 200)
		return status_error(status, url, err);
	return status;
}

long gb_http_send(struct gb_http *h, const char *url, const struct gb_http_req *q,
		  struct gb_http_reply *reply, struct gb_err *err)
{
	char full[2400];
	if (url[0] == '/') { /* a Location relative to the registry: its scheme and host */
		const char *host = strstr(h->base, "://");
		const char *path = host ? strchr(host + 3, '/') : NULL;
		snprintf(full, sizeof full, "%.*s%s", path ? (int)(path - h->base) : 0, h->base,
			 url);
	} else {
		snprintf(full, sizeof full, "%s", url);
	}
	struct sink s = { .req = q };
	long status = exchange(h, full, NULL, &s, err);
	if (reply) {
		snprintf(reply->location, sizeof reply->location, "%s", s.location);
		snprintf(reply->digest, sizeof reply->digest, "%s", s.docker_digest);
		snprintf(reply->body, sizeof reply->body, "%s", s.buf ? s.buf : "");
	}
	free(s.buf);
	return status;
}

int gb_http_get_mem(struct gb_http *h, const char *path, const char *accept, char **body,
		    size_t *len, char *content_type, size_t ctlen, struct gb_err *err)
{
	struct sink s = { 0 };
	long status = get(h, path, accept, &s, err);
	if (status < 0) {
		free(s.buf);
		return (int)status;
	}
	*body = s.buf ? s.buf : strdup("");
	*len = s.len;
	snprintf(content_type, ctlen, "%s", s.content_type);
	return *body ? 0 : -ENOMEM;
}

int gb_http_get_blob(struct gb_http *h, const char *digest, const char *dest, struct gb_err *err)
{
	struct sink s = { 0 };
	if (gb_digest_init(&s.sha) < 0)
		return gb_err_set(err, ENOMEM, "", "out of memory");
	if (!(s.file = fopen(dest, "wxe"))) {
		char discard[72];
		gb_digest_final(&s.sha, discard);
		return gb_err_set(err, errno, "open", "cannot create %s", dest);
	}
	char path[128], got[72];
	snprintf(path, sizeof path, "blobs/%s", digest);
	long status = get(h, path, NULL, &s, err);
	int r = status < 0 ? (int)status : 0;
	if (fclose(s.file) != 0 && r == 0)
		r = gb_err_set(err, errno, "write", "cannot write %s", dest);
	gb_digest_final(&s.sha, got);
	if (r == 0 && strcmp(got, digest)) {
		r = gb_err_set(err, EBADMSG, "", "blob %s: digest mismatch (got %s)", digest, got);
		gb_err_hint(err, "the registry sent other bytes than the manifest names: "
				 "corrupt storage or a proxy in the way; nothing was kept");
	}
	if (r < 0)
		unlink(dest);
	return r;
}
