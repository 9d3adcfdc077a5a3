/* Sockets made inside another network namespace by a forked helper (net_via.h). */
#include "net/net_via.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------------ fds across processes */

static int send_fd(int sock, int fd, int code)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { &code, sizeof code };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (fd >= 0) {
		m.msg_control = cbuf;
		m.msg_controllen = sizeof cbuf;
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof fd);
	}
	return sendmsg(sock, &m, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

/* code < 0: the other side's -errno; else *fd is the descriptor it sent. */
static int recv_fd(int sock, int *fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	int code = -EPIPE;
	struct iovec iov = { &code, sizeof code };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf
	};
	*fd = -1;
	if (recvmsg(sock, &m, MSG_CMSG_CLOEXEC) <= 0)
		return -EPIPE;
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	if (c && c->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(c), sizeof *fd);
	return code < 0 ? code : (*fd >= 0 ? 0 : -EPROTO);
}

static void reap(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* In the forked helper: only system calls, then _exit (the parent may have threads). */
static void socket_helper(int sock, int userns, int netns, const int what[3])
{
	int code = 0, fd = -1;
	if (userns >= 0 && setns(userns, CLONE_NEWUSER) < 0)
		code = -errno;
	else if (setns(netns, CLONE_NEWNET) < 0)
		code = -errno;
	else if ((fd = socket(what[0], what[1], what[2])) < 0)
		code = -errno;
	send_fd(sock, fd, code);
	_exit(0);
}

int gb_net_socket_via3(int userns, int netns, const int what[3], int *fd)
{
	int sv[2];
	*fd = -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid == 0)
		socket_helper(sv[1], userns, netns, what);
	close(sv[1]);
	int r = pid < 0 ? -errno : recv_fd(sv[0], fd);
	close(sv[0]);
	if (pid > 0)
		reap(pid);
	return r;
}

int gb_net_socket_via(int userns, int netns, int domain, int type, int *fd)
{
	const int what[3] = { domain, type, 0 };
	return gb_net_socket_via3(userns, netns, what, fd);
}
