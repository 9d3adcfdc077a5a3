/* Lab 20 check: the Inception stack as the kernel and the network see it. It looks at the
 * running stack (`make` in labs/20-inception-stack; --container names its NGINX, default
 * "nginx"): each service's PID 1 is its daemon (/proc/PID/comm), NGINX publishes 443 only,
 * TLS 1.2 and 1.3 connect and 1.1 is refused, port 80 is closed, the WordPress front page
 * and login page answer, MariaDB is on internal networks only and its port is out of the
 * host's reach; the dashboard lists every container of the project in its real state, from
 * the project's status files (x-glassbox status), and cannot read any container's config or
 * environment: no password of the stack is anywhere in its filesystem. Negative control: a
 * stand-in that serves plain text on the published port, as a stack without TLS would, and
 * that mounts glassbox's containers/ as the first dashboard did: the TLS, WordPress and
 * status findings must fail. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab.h"
#include "net/net_container.h"

#define CTL_NET "lab20-control"
#define CTL_PORT "18443"

/* Run a host tool (openssl, curl) with a deadline; its stdout into out. Exit status. */
static int tool(char *const *argv, char *out, size_t len)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 0);
		dup2(p[1], 1);
		dup2(null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	size_t n = 0;
	ssize_t k;
	while (pid > 0 && (k = read(p[0], out + n, len - 1 - n)) > 0 && n + (size_t)k < len - 1)
		n += (size_t)k;
	out[n] = '\0';
	close(p[0]);
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static bool tcp_open(uint32_t ip, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(ip);
	gb_autoclose int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS))
		return false;
	struct pollfd pf = { fd, POLLOUT, 0 };
	int err = 0;
	socklen_t l = sizeof err;
	return poll(&pf, 1, 2000) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l) == 0 &&
	       err == 0;
}

/* Whether a MariaDB server answers on ip:3306: it speaks first, a handshake packet (a
 * 4-byte header, then protocol version 10). A bare connect is not enough: a network that
 * accepts every outgoing connection (a proxy on the default route) would "answer" for an
 * address no route leads to, as a rootless stack's addresses are from the host (they are
 * in the student's network namespace). */
static bool mysql_greets(uint32_t ip)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(3306) };
	sa.sin_addr.s_addr = htonl(ip);
	gb_autoclose int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS))
		return false;
	unsigned char hello[5];
	size_t got = 0;
	while (got < sizeof hello) {
		struct pollfd pf = { fd, POLLIN, 0 };
		if (poll(&pf, 1, 2000) != 1)
			return false;
		ssize_t n = read(fd, hello + got, sizeof hello - got);
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	return hello[4] == 10;
}

/* The host port NGINX's 443 is published on ("[IP:]HOST:443"), or 0. */
static int https_port(const struct gb_state *st, bool *only_443)
{
	int port = 0;
	*only_443 = true;
	for (char **p = st->cfg.publish; p && *p; p++) {
		const char *last = strrchr(*p, ':');
		if (!last || atoi(last + 1) != 443) {
			*only_443 = false;
			continue;
		}
		const char *host = last - 1;
		while (host > *p && host[-1] != ':')
			host--;
		port = atoi(host);
	}
	return port;
}

static void tls(struct gb_check *c, int port, const char *version, bool want)
{
	char target[64], out[4096];
	snprintf(target, sizeof target, "127.0.0.1:%d", port);
	/* SECLEVEL=0: let this client offer TLS 1.1, so only the server can refuse it */
	char *argv[] = { "timeout",
			 "10",
			 "openssl",
			 "s_client",
			 "-connect",
			 target,
			 (char *)version,
			 "-cipher",
			 "DEFAULT:@SECLEVEL=0",
			 NULL };
	bool connected = tool(argv, out, sizeof out) == 0 && strstr(out, "BEGIN CERTIFICATE");
	/* Named: "tls1_2" etc. (the control, plain text on the port, trips tls1_2). */
	gb_check_is(c, version + 1, connected == want, "%s on port %d: %s", version + 1, port,
		    connected == want
			    ? (want ? "the handshake succeeds" : "the server refuses the handshake")
			    : (want ? "no TLS handshake"
				    : "the handshake succeeds: an old protocol is on"));
}

/* GET path with the site's own name (WordPress redirects any other), resolved to the
 * published port on 127.0.0.1. */
static void page(struct gb_check *c, const char *domain, int port, const char *path,
		 const char *needle)
{
	char url[384], resolve[320], out[65536];
	snprintf(resolve, sizeof resolve, "%s:%d:127.0.0.1", domain, port);
	snprintf(url, sizeof url, "https://%s:%d%s", domain, port, path);
	char *argv[] = { "curl", "-sk", "--max-time", "20", "--resolve", resolve, url, NULL };
	int r = tool(argv, out, sizeof out);
	if (r == 0 && strstr(out, needle))
		gb_check_pass(
			c, "GET %s over HTTPS answers with WordPress's page (it contains \"%s\")",
			path, needle);
	else
		gb_check_fail(c, "GET %s over HTTPS: no WordPress page (curl status %d)", path, r);
}

/* Redis is WordPress's object cache: emptied, then one page load, then WordPress's keys
 * are in it (wp-content/object-cache.php writes "wp:BLOG:GROUP:KEY"; every page reads the
 * options, so "options:alloptions" is among them). Looked at from inside `cache` with
 * redis-cli; the control's stand-in has no Redis, and no WordPress fills it. */
static void redis_cache(struct gb_check *c, const char *cache, const char *domain, int port)
{
	char *flush[] = { "sh", "-c", "command -v redis-cli >/dev/null && redis-cli FLUSHALL",
			  NULL };
	char *scan[] = { "sh", "-c", "redis-cli --scan --pattern 'wp:*' | sort", NULL };
	char keys[65536] = "", resolve[320], url[384], page_out[256];
	if (gb_check_exec_quiet(c, cache, flush) != 0) {
		gb_check_is(c, "redis-cache", false,
			    "%s has no Redis to flush (redis-cli FLUSHALL)", cache);
		return;
	}
	snprintf(resolve, sizeof resolve, "%s:%d:127.0.0.1", domain, port);
	snprintf(url, sizeof url, "https://%s:%d/", domain, port);
	char *get[] = { "curl", "-sk",	     "-o",    "/dev/null", "--max-time",
			"20",	"--resolve", resolve, url,	   NULL };
	tool(get, page_out, sizeof page_out);
	int r = gb_check_exec_output(c, cache, scan, keys, sizeof keys);
	int n = 0;
	for (char *k = keys; r == 0 && *k; k++)
		n += *k == '\n';
	bool options = strstr(keys, ":options:alloptions") != NULL;
	gb_check_is(c, "redis-cache", r == 0 && n > 0 && options,
		    "after FLUSHALL and one page load, Redis in %s holds %d WordPress key(s)%s",
		    cache, n,
		    options ? ", among them the site's options (wp:1:options:alloptions)"
			    : ": WordPress does not cache in it (wp-content/object-cache.php?)");
}

static bool on_project(const struct gb_state *st, const char *project)
{
	size_t n = strlen(project);
	if (n && !strcmp(st->cfg.project, project))
		return true;
	for (char **net = st->cfg.networks; net && *net; net++)
		if (!strncmp(*net, project, n) && (*net)[n] == '_')
			return true;
	return false;
}

/* The dashboard's status page, over NGINX's TLS: a row "<td>NAME</td><td>STATE</td>" for
 * every container glassbox itself has on the project's networks, in the state glassbox
 * reports. The control's plain-text stand-in has no such page. */
static void status_page(struct gb_check *c, const char *domain, int port, const char *project)
{
	char resolve[320], url[384], out[65536] = "", row[600], missing[256] = "";
	snprintf(resolve, sizeof resolve, "%s:%d:127.0.0.1", domain, port);
	snprintf(url, sizeof url, "https://%s:%d/status/", domain, port);
	char *get[] = { "curl", "-sk", "--max-time", "20", "--resolve", resolve, url, NULL };
	int r = tool(get, out, sizeof out);
	struct gb_state *list = NULL;
	size_t n = 0, shown = 0, want = 0;
	if (gb_state_list(c->rt, &list, &n, &c->err) < 0)
		return gb_check_error(c, "cannot list glassbox's containers");
	for (size_t i = 0; i < n; i++) {
		if (!on_project(&list[i], project))
			continue;
		gb_state_refresh(c->rt, &list[i]);
		snprintf(row, sizeof row, "<td>%s</td><td>%s</td>", list[i].cfg.name,
			 gb_status_name(list[i].status));
		want++;
		if (r == 0 && strstr(out, row))
			shown++;
		else if (strlen(missing) + strlen(list[i].cfg.name) + 2 < sizeof missing)
			strcat(strcat(missing, " "), list[i].cfg.name);
	}
	gb_state_list_free(list, n);
	gb_check_is(c, "status-page", r == 0 && want > 0 && shown == want,
		    "GET /status/ over HTTPS lists %zu of the %zu containers of project %s, "
		    "each in the state glassbox reports%s%s",
		    shown, want, project[0] ? project : "(none)",
		    missing[0] ? "; missing or wrong:" : "", missing);
}

/* The project the stack runs as: glassbox compose keeps it in each container's config
 * (-p, COMPOSE_PROJECT_NAME, name: or the file's folder, as docker compose derives it; the
 * Makefile passes -p). A container made before that: its first network's PROJECT_ prefix. */
static void project_of(const struct gb_state *st, char *out, size_t len)
{
	const char *net = st->cfg.networks ? st->cfg.networks[0] : NULL;
	const char *cut = net ? strrchr(net, '_') : NULL;
	if (st->cfg.project[0])
		snprintf(out, len, "%s", st->cfg.project);
	else
		snprintf(out, len, "%.*s", cut ? (int)(cut - net) : 0, net ? net : "");
}

/* The dashboard reads the project's status files through a read-only mount, and a write
 * there is refused by the kernel (EROFS), whatever the user inside. Its own view of its
 * mounts. */
static void status_read_only(struct gb_check *c, const char *dash)
{
	char *probe[] = { "sh", "-c",
			  "grep -q ' /glassbox/status ro[, ]' /proc/self/mountinfo || exit 3; "
			  "touch /glassbox/status/.gb-write-probe 2>&1 && exit 4; "
			  "[ ! -e /glassbox/status/.gb-write-probe ]",
			  NULL };
	char out[512] = "";
	int r = gb_check_exec_output(c, dash, probe, out, sizeof out);
	bool erofs = strstr(out, "Read-only file system") != NULL;
	gb_check_is(c, "status-read-only", r == 0 && erofs,
		    "%s: the project's status is mounted read-only at /glassbox/status and a "
		    "write there fails%s",
		    dash,
		    r == 0 && erofs ? " with EROFS"
		    : r == 3	    ? ": no read-only mount of it"
		    : r == 4	    ? ": the write succeeded"
				    : ": not as expected");
}

/* A password to look for: the first *PASSWORD*=VALUE in the environment of a container of
 * the project (from .env: MYSQL_PASSWORD...), or of the control's stand-in. */
static bool find_password(struct gb_check *c, const char *project, char *pw, size_t len,
			  char *owner, size_t olen)
{
	struct gb_state *list = NULL;
	size_t n = 0;
	pw[0] = '\0';
	if (gb_state_list(c->rt, &list, &n, &c->err) < 0)
		return false;
	for (size_t i = 0; i < n && !pw[0]; i++) {
		if (!on_project(&list[i], project) && strcmp(list[i].cfg.id, c->started))
			continue;
		for (char **e = list[i].cfg.env; e && *e && !pw[0]; e++) {
			const char *eq = strchr(*e, '=');
			if (eq && strlen(eq + 1) >= 4 &&
			    memmem(*e, (size_t)(eq - *e), "PASSWORD", 8)) {
				snprintf(pw, len, "%s", eq + 1);
				snprintf(owner, olen, "%.*s of %s", (int)(eq - *e), *e,
					 list[i].cfg.name);
			}
		}
	}
	gb_state_list_free(list, n);
	return true;
}

/* The dashboard cannot read the stack's secrets: glassbox's containers/ (every config,
 * every environment) is not mounted in it, and a password of the stack is in no file it
 * can read (grep -r over its whole tree but /proc, /sys, /dev, its own kernel views). The
 * password goes in as $0 and is never printed. */
static void status_no_secrets(struct gb_check *c, const char *dash, const char *project)
{
	char pw[256], owner[192] = "", out[512] = "";
	if (!find_password(c, project, pw, sizeof pw, owner, sizeof owner))
		return gb_check_error(c, "cannot list glassbox's containers");
	char *probe[] = { "sh", "-c",
			  "[ -e /glassbox/containers ] && exit 3; "
			  "for d in /*; do case $d in /proc|/sys|/dev) continue;; esac; "
			  "grep -rqsF -e \"$0\" \"$d\" && { echo \"$d\"; exit 4; }; done; exit 0",
			  pw, NULL };
	if (!pw[0])
		return gb_check_is(c, "status-no-secrets", false,
				   "no container of project %s has a *PASSWORD* variable to look "
				   "for (is .env read?)",
				   project);
	int r = gb_check_exec_output(c, dash, probe, out, sizeof out);
	char what[600];
	out[strcspn(out, "\n")] = '\0';
	if (r == 0)
		snprintf(what, sizeof what,
			 "no glassbox containers/ is mounted, and the value of %s "
			 "is in none of its files",
			 owner);
	else if (r == 3)
		snprintf(what, sizeof what,
			 "glassbox's containers/ (every container's config and "
			 "environment) is mounted at /glassbox/containers");
	else if (r == 4)
		snprintf(what, sizeof what, "the value of %s is readable under %s", owner, out);
	else
		snprintf(what, sizeof what, "the probe failed (status %d)", r);
	gb_check_is(c, "status-no-secrets", r == 0, "%s cannot read the stack's secrets: %s", dash,
		    what);
}

/* Each service's PID 1 is its daemon, not a shell or `tail -f` keeping it alive. */
static void pid1_is(struct gb_check *c, const char *name, const char *comm)
{
	struct gb_state st;
	struct gb_err ignored;
	char path[64], got[64] = "";
	if (gb_state_find(c->rt, name, &st, &ignored) < 0) {
		gb_check_fail(c, "no container %s in the stack", name);
		return;
	}
	gb_state_refresh(c->rt, &st);
	snprintf(path, sizeof path, "/proc/%d/comm", (int)st.pid);
	gb_autofree char *text = NULL;
	if (st.status == GB_STATUS_RUNNING && gb_read_file(path, &text, NULL) == 0)
		snprintf(got, sizeof got, "%.*s", (int)strcspn(text, "\n"), text);
	if (!strcmp(got, comm))
		gb_check_pass(c, "%s: PID 1 (host PID %d) is %s itself, in the foreground", name,
			      (int)st.pid, comm);
	else
		gb_check_fail(c, "%s: PID 1 is '%s', not %s: a wrapper keeps the daemon alive",
			      name, got[0] ? got : "(not running)", comm);
	gb_state_free(&st);
}

/* MariaDB: every network it is on is internal, and its port is closed to the host. */
static void database_hidden(struct gb_check *c)
{
	struct gb_state st;
	struct gb_err ignored;
	if (gb_state_find(c->rt, "mariadb", &st, &ignored) < 0)
		return gb_check_fail(c, "no container mariadb in the stack");
	gb_state_refresh(c->rt, &st);
	bool internal = st.cfg.networks && !(st.cfg.publish && st.cfg.publish[0]);
	for (char **n = st.cfg.networks; n && *n; n++) {
		struct gb_net_network net;
		if (gb_net_network_load(c->rt->state_root, *n, &net, &ignored) < 0)
			continue;
		internal &= net.internal;
		gb_net_network_free(&net);
	}
	bool reached = false;
	for (int k = 0; k < st.n_nets; k++) {
		uint32_t ip;
		char addr[32];
		snprintf(addr, sizeof addr, "%.*s", (int)strcspn(st.nets[k].addr, "/"),
			 st.nets[k].addr);
		if (gb_net_ip_parse(addr, &ip, &ignored) == 0)
			reached |= mysql_greets(ip);
	}
	if (internal && !reached)
		gb_check_pass(c, "mariadb is only on internal networks, publishes nothing, and "
				 "MariaDB does not answer the host on port 3306");
	else
		gb_check_fail(
			c, "mariadb is reachable: %s",
			reached ? "MariaDB answers the host on port 3306"
				: "it is on a network that is not internal, or publishes a port");
	gb_state_free(&st);
}

static int control_stand_in(struct gb_check *c, struct gb_state *st)
{
	struct gb_net_network net;
	struct gb_err ignored;
	gb_net_container_network_remove(c->rt, CTL_NET, &ignored);
	int r = gb_net_container_network_create(c->rt, CTL_NET, NULL, false, &net, &c->err);
	if (r < 0)
		return r;
	gb_net_network_free(&net);
	struct gb_config cfg;
	gb_config_init(&cfg);
	snprintf(cfg.image, sizeof cfg.image, "busybox");
	char *cmd[] = { "nc", "-ll", "-p", "443", "-e", "echo", "plain text, no TLS", NULL };
	char *nets[] = { CTL_NET, NULL }, *pubs[] = { CTL_PORT ":443", NULL };
	cfg.cmd = gb_strv_dup(cmd);
	cfg.networks = gb_strv_dup(nets);
	cfg.publish = gb_strv_dup(pubs);
	/* as the first dashboard was: glassbox's containers/ read-only, which holds every
	 * container's environment, here the stand-in's own password */
	char *env[] = { "LAB20_CONTROL_PASSWORD=control-secret-not-for-the-page", NULL };
	gb_strv_free(cfg.env);
	cfg.env = gb_strv_dup(env);
	cfg.mounts[0] = (struct gb_mount){ .type = GB_MOUNT_BIND, .readonly = true };
	snprintf(cfg.mounts[0].source, sizeof cfg.mounts[0].source, "%s/containers",
		 c->rt->state_root);
	snprintf(cfg.mounts[0].target, sizeof cfg.mounts[0].target, "/glassbox/containers");
	cfg.nmounts = 1;
	int code = 0;
	r = gb_container_run(c->rt, &cfg, false, &code, c->started, &c->err);
	gb_config_free(&cfg);
	if (r < 0) {
		c->started[0] = '\0';
		gb_net_container_network_remove(c->rt, CTL_NET, &ignored);
		return r;
	}
	usleep(200 * 1000);
	return gb_state_find(c->rt, c->started, st, &c->err);
}

static int check(struct gb_check *c)
{
	struct gb_state st;
	struct gb_err ignored;
	const char *front = c->container ? c->container : "nginx";
	if (c->control) {
		if (control_stand_in(c, &st) < 0)
			return -1;
	} else if (gb_state_find(c->rt, front, &st, &ignored) < 0) {
		/* Asked for by name (glassbox check leaves this lab out): the stack is the
		 * student's to start, so its absence is an error with the way to fix it. */
		gb_check_error(
			c,
			"the stack is not up (no container %s): cd labs/20-inception-stack && make",
			front);
		return 0;
	}
	bool only_443;
	int port = https_port(&st, &only_443);
	char domain[256];
	const char *d = NULL;
	for (char **e = st.cfg.env; e && *e && !d; e++)
		if (!strncmp(*e, "DOMAIN_NAME=", 12))
			d = *e + 12;
	snprintf(domain, sizeof domain, "%s", d && *d ? d : "localhost");
	char project[64];
	project_of(&st, project, sizeof project);
	gb_state_free(&st);
	if (port && only_443)
		gb_check_pass(c, "%s publishes port 443 only (on host port %d)", front, port);
	else
		gb_check_fail(c, "%s publishes %s", front, port ? "more than 443" : "no port 443");
	tls(c, port, "-tls1_2", true);
	tls(c, port, "-tls1_3", true);
	tls(c, port, "-tls1_1", false);
	if (!tcp_open(0x7f000001, 80))
		gb_check_pass(c, "port 80 on 127.0.0.1 is closed: no plain HTTP");
	else
		gb_check_fail(c, "port 80 on 127.0.0.1 answers: plain HTTP is open");
	page(c, domain, port, "/", "wp-content");
	page(c, domain, port, "/wp-login.php", "user_login");
	redis_cache(c, c->control ? c->started : "redis", domain, port);
	status_page(c, domain, port, project);
	status_read_only(c, c->control ? c->started : "dashboard");
	status_no_secrets(c, c->control ? c->started : "dashboard", project);
	if (c->control) { /* the stand-in first: a network is not removed while in use */
		gb_container_rm(c->rt, c->started, true, &ignored);
		c->started[0] = '\0';
		gb_net_container_network_remove(c->rt, CTL_NET, &ignored);
		return 0;
	}
	pid1_is(c, "nginx", "nginx");
	pid1_is(c, "wordpress", "php-fpm8.2");
	pid1_is(c, "mariadb", "mariadbd");
	database_hidden(c);
	return 0;
}

const struct gb_lab gb_lab_20 = {
	.num = 20,
	.slug = "inception-stack",
	.title = "The Inception stack: compose, TLS only, a hidden database",
	.feature = "PID 1 of each service is its daemon; 443 only, TLS 1.2/1.3, not 1.1; WordPress "
		   "answers; MariaDB unreachable; the status page sees no secret",
	.control = "a stand-in serving plain text on the published port, with glassbox's "
		   "containers/ mounted",
	.check = check,
	.trips = "tls1_2",
	.manual = true, /* needs the stack the student builds: run by name, not by glassbox check */
};
