/* Follow mode: the events of a container someone else is making, e.g. Docker through
 * glassbox-runc (`--events-dir DIR` in daemon.json's runtimeArgs, docs/oci.md), shown as
 * they are written. A child process tails the file into a pipe, so the viewer waits on the
 * pipe exactly as it waits on `glassbox run`'s events in live mode (a regular file is
 * always "readable" to poll(2), which would spin). Given a directory, the child waits for
 * the first *.jsonl written there after it started: the id of a container Docker is about
 * to create is not known in advance. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app.h"

static void nap(void)
{
	nanosleep(&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
}

/* The newest .jsonl file in dir changed at or after `since`, into out; false when none. */
static bool newest_stream(const char *dir, const struct timespec *since, char *out, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct timespec best = *since;
	bool found = false;
	while (d && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		struct stat st;
		if (n < 7 || strcmp(e->d_name + n - 6, ".jsonl") != 0 ||
		    fstatat(dirfd(d), e->d_name, &st, 0) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (st.st_mtim.tv_sec > best.tv_sec ||
		    (st.st_mtim.tv_sec == best.tv_sec && st.st_mtim.tv_nsec >= best.tv_nsec)) {
			best = st.st_mtim;
			snprintf(out, len, "%s/%s", dir, e->d_name);
			found = true;
		}
	}
	if (d)
		closedir(d);
	return found;
}

/* The child: copy the file into the pipe as it grows; the viewer closing the pipe ends it
 * (SIGPIPE), and so does SIGTERM from vz_live_stop. */
static void tail_child(const char *path, int out)
{
	signal(SIGPIPE, SIG_DFL);
	struct stat st;
	char file[4096];
	snprintf(file, sizeof file, "%s", path);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		while (!newest_stream(path, &now, file, sizeof file))
			nap();
	}
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) /* removed since the parent looked: the viewer shows the child's exit */
		_exit(1);
	char buf[65536];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			_exit(1);
		if (n == 0) {
			nap();
			continue;
		}
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, n - off);
			if (w < 0 && errno != EINTR)
				_exit(0);
			off += w > 0 ? w : 0;
		}
	}
}

int vz_live_follow(struct vz_live *lv, const char *path, char *err, size_t errlen)
{
	memset(lv, 0, sizeof *lv);
	lv->ctl_fd = lv->ev_fd = -1;
	lv->follow = true;
	struct stat st;
	if (stat(path, &st) < 0) {
		snprintf(err, errlen,
			 "%s: %s (a FILE.jsonl being written, or the DIR of "
			 "glassbox-runc --events-dir)",
			 path, strerror(errno));
		return -1;
	}
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe2: %s", strerror(errno));
		return -1;
	}
	signal(SIGPIPE, SIG_IGN);
	lv->pid = fork();
	if (lv->pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (lv->pid == 0) {
		close(p[0]);
		tail_child(path, p[1]);
	}
	close(p[1]);
	lv->ev_fd = p[0];
	fcntl(lv->ev_fd, F_SETFL, O_NONBLOCK);
	return 0;
}
