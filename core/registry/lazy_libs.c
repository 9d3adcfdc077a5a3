/* libcurl, libarchive and libcrypto, loaded when glassbox first calls them.
 *
 * Only pull, load and build (the registry code of this folder) use them, but a program
 * linked against them makes the dynamic loader map and relocate some 40 shared objects
 * (libcurl brings gnutls, krb5, ldap, ssh2...; libarchive brings libxml2 and ICU) before
 * main(): 1-2 ms and ~200 mmap/mprotect calls on every `glassbox run`, more than half of
 * what the kernel itself needs for a container (bench/start.sh). So the program is not
 * linked against them: each function the registry code calls is defined here with the
 * library's own prototype, and the first call dlopen()s the library by its soname and
 * forwards. When a library is missing the functions fail as on out-of-memory (NULL or an
 * error code): `glassbox pull` then reports it, and nothing else is affected. */
#define CURL_DISABLE_TYPECHECK /* curl.h otherwise makes curl_easy_setopt a macro */
#include <archive.h>
#include <archive_entry.h>
#include <curl/curl.h>
#include <dlfcn.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stddef.h>

struct lazy_lib {
	const char *soname;
	void *handle;
};

static struct lazy_lib curl = { "libcurl.so.4", NULL };
static struct lazy_lib archive = { "libarchive.so.13", NULL };
static struct lazy_lib crypto = { "libcrypto.so.3", NULL };

/* dlopen is thread-safe and returns the same handle every time: two threads racing on the
 * first call both store the same pointer. */
static void *lazy_sym(struct lazy_lib *l, const char *name)
{
	void *h = __atomic_load_n(&l->handle, __ATOMIC_ACQUIRE);
	if (!h) {
		h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
		if (!h)
			return NULL;
		__atomic_store_n(&l->handle, h, __ATOMIC_RELEASE);
	}
	return dlsym(h, name);
}

/* The library's function NAME with the prototype the header gives it. */
#define REAL(lib, name) ((__typeof__(&name))lazy_sym(&lib, #name))

/* ------------------------------------------------------------ libcurl */

CURL *curl_easy_init(void)
{
	__typeof__(&curl_easy_init) f = REAL(curl, curl_easy_init);
	return f ? f() : NULL;
}

void curl_easy_cleanup(CURL *c)
{
	__typeof__(&curl_easy_cleanup) f = REAL(curl, curl_easy_cleanup);
	if (f)
		f(c);
}

/* The one argument after the option has the type the option's number says (curl.h's
 * CURLOPTTYPE_* ranges), as curl itself reads it. */
CURLcode curl_easy_setopt(CURL *c, CURLoption option, ...)
{
	__typeof__(&curl_easy_setopt) f = REAL(curl, curl_easy_setopt);
	if (!f)
		return CURLE_FAILED_INIT;
	va_list ap;
	va_start(ap, option);
	CURLcode r;
	if (option < CURLOPTTYPE_OBJECTPOINT)
		r = f(c, option, va_arg(ap, long));
	else if (option >= CURLOPTTYPE_OFF_T && option < CURLOPTTYPE_BLOB)
		r = f(c, option, va_arg(ap, curl_off_t));
	else
		r = f(c, option, va_arg(ap, void *));
	va_end(ap);
	return r;
}

/* Every CURLINFO_* takes a pointer to where the answer goes. */
CURLcode curl_easy_getinfo(CURL *c, CURLINFO info, ...)
{
	__typeof__(&curl_easy_getinfo) f = REAL(curl, curl_easy_getinfo);
	if (!f)
		return CURLE_FAILED_INIT;
	va_list ap;
	va_start(ap, info);
	CURLcode r = f(c, info, va_arg(ap, void *));
	va_end(ap);
	return r;
}

CURLcode curl_easy_perform(CURL *c)
{
	__typeof__(&curl_easy_perform) f = REAL(curl, curl_easy_perform);
	return f ? f(c) : CURLE_FAILED_INIT;
}

const char *curl_easy_strerror(CURLcode code)
{
	__typeof__(&curl_easy_strerror) f = REAL(curl, curl_easy_strerror);
	return f ? f(code) : "libcurl.so.4 could not be loaded (install libcurl4)";
}

char *curl_easy_escape(CURL *c, const char *s, int len)
{
	__typeof__(&curl_easy_escape) f = REAL(curl, curl_easy_escape);
	return f ? f(c, s, len) : NULL;
}

void curl_free(void *p)
{
	__typeof__(&curl_free) f = REAL(curl, curl_free);
	if (f)
		f(p);
}

struct curl_slist *curl_slist_append(struct curl_slist *l, const char *s)
{
	__typeof__(&curl_slist_append) f = REAL(curl, curl_slist_append);
	return f ? f(l, s) : NULL;
}

void curl_slist_free_all(struct curl_slist *l)
{
	__typeof__(&curl_slist_free_all) f = REAL(curl, curl_slist_free_all);
	if (f)
		f(l);
}

/* ------------------------------------------------------------ libarchive */

/* Functions of one struct archive * argument returning int: ARCHIVE_FATAL when missing. */
#define ARCHIVE_INT1(name)                                                                         \
	int name(struct archive *a)                                                                \
	{                                                                                          \
		__typeof__(&name) f = REAL(archive, name);                                         \
		return f ? f(a) : ARCHIVE_FATAL;                                                   \
	}

ARCHIVE_INT1(archive_errno)
ARCHIVE_INT1(archive_read_free)
ARCHIVE_INT1(archive_read_support_filter_all)
ARCHIVE_INT1(archive_read_support_format_tar)
ARCHIVE_INT1(archive_write_close)
ARCHIVE_INT1(archive_write_finish_entry)
ARCHIVE_INT1(archive_write_free)

struct archive *archive_read_new(void)
{
	__typeof__(&archive_read_new) f = REAL(archive, archive_read_new);
	return f ? f() : NULL;
}

struct archive *archive_write_disk_new(void)
{
	__typeof__(&archive_write_disk_new) f = REAL(archive, archive_write_disk_new);
	return f ? f() : NULL;
}

const char *archive_error_string(struct archive *a)
{
	__typeof__(&archive_error_string) f = REAL(archive, archive_error_string);
	return f ? f(a) : "libarchive.so.13 could not be loaded (install libarchive13)";
}

int archive_read_open_filename(struct archive *a, const char *path, size_t block)
{
	__typeof__(&archive_read_open_filename) f = REAL(archive, archive_read_open_filename);
	return f ? f(a, path, block) : ARCHIVE_FATAL;
}

int archive_read_next_header(struct archive *a, struct archive_entry **e)
{
	__typeof__(&archive_read_next_header) f = REAL(archive, archive_read_next_header);
	return f ? f(a, e) : ARCHIVE_FATAL;
}

int archive_read_data_block(struct archive *a, const void **buf, size_t *size, la_int64_t *offset)
{
	__typeof__(&archive_read_data_block) f = REAL(archive, archive_read_data_block);
	return f ? f(a, buf, size, offset) : ARCHIVE_FATAL;
}

int archive_write_disk_set_options(struct archive *a, int flags)
{
	__typeof__(&archive_write_disk_set_options) f =
		REAL(archive, archive_write_disk_set_options);
	return f ? f(a, flags) : ARCHIVE_FATAL;
}

int archive_write_header(struct archive *a, struct archive_entry *e)
{
	__typeof__(&archive_write_header) f = REAL(archive, archive_write_header);
	return f ? f(a, e) : ARCHIVE_FATAL;
}

la_ssize_t archive_write_data_block(struct archive *a, const void *buf, size_t size,
				    la_int64_t offset)
{
	__typeof__(&archive_write_data_block) f = REAL(archive, archive_write_data_block);
	return f ? f(a, buf, size, offset) : ARCHIVE_FATAL;
}

const char *archive_entry_pathname(struct archive_entry *e)
{
	__typeof__(&archive_entry_pathname) f = REAL(archive, archive_entry_pathname);
	return f ? f(e) : NULL;
}

const char *archive_entry_hardlink(struct archive_entry *e)
{
	__typeof__(&archive_entry_hardlink) f = REAL(archive, archive_entry_hardlink);
	return f ? f(e) : NULL;
}

void archive_entry_copy_pathname(struct archive_entry *e, const char *s)
{
	__typeof__(&archive_entry_copy_pathname) f = REAL(archive, archive_entry_copy_pathname);
	if (f)
		f(e, s);
}

void archive_entry_copy_hardlink(struct archive_entry *e, const char *s)
{
	__typeof__(&archive_entry_copy_hardlink) f = REAL(archive, archive_entry_copy_hardlink);
	if (f)
		f(e, s);
}

/* ------------------------------------------------------------ libcrypto (sha256) */

EVP_MD_CTX *EVP_MD_CTX_new(void)
{
	__typeof__(&EVP_MD_CTX_new) f = REAL(crypto, EVP_MD_CTX_new);
	return f ? f() : NULL;
}

void EVP_MD_CTX_free(EVP_MD_CTX *ctx)
{
	__typeof__(&EVP_MD_CTX_free) f = REAL(crypto, EVP_MD_CTX_free);
	if (f)
		f(ctx);
}

const EVP_MD *EVP_sha256(void)
{
	__typeof__(&EVP_sha256) f = REAL(crypto, EVP_sha256);
	return f ? f() : NULL;
}

int EVP_DigestInit_ex(EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl)
{
	__typeof__(&EVP_DigestInit_ex) f = REAL(crypto, EVP_DigestInit_ex);
	return f ? f(ctx, type, impl) : 0;
}

int EVP_DigestUpdate(EVP_MD_CTX *ctx, const void *d, size_t n)
{
	__typeof__(&EVP_DigestUpdate) f = REAL(crypto, EVP_DigestUpdate);
	return f ? f(ctx, d, n) : 0;
}

int EVP_DigestFinal_ex(EVP_MD_CTX *ctx, unsigned char *md, unsigned int *n)
{
	__typeof__(&EVP_DigestFinal_ex) f = REAL(crypto, EVP_DigestFinal_ex);
	return f ? f(ctx, md, n) : 0;
}
