/* `glassbox COMMAND --help` (issue 23): usage, every option the command's parser accepts
 * and an example, on stdout, exit 0; `make man` turns the same text into glassbox-COMMAND(1).
 * run, create, check, host-check and compose print their own help (their options come
 * from their parsers' tables) and have no row here. tests/integration/92-cli-help.sh reads
 * the flags each parser compares its arguments with (scripts/cli-flags.py) and checks that
 * this text names every one of them. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct cli_help {
	const char *name;
	const char *usage;   /* the arguments after `glassbox NAME` */
	const char *what;    /* what it does */
	const char *options; /* one line per option, or NULL */
	const char *example;
};

static const struct cli_help helps[] = {
	{ "start", "[OPTIONS] NAME...",
	  "Start created or stopped containers: the same steps as run, from the saved config.",
	  "  -a, --attach        wait for it and exit with its code (else: start it detached)\n"
	  "      --step          stop before each step and explain it; Enter goes on\n"
	  "      --step-fd N     read \"next\"/\"run\"/\"abort\" lines from fd N before each step\n"
	  "      --events FILE   write the event stream (JSON Lines, docs/events.md)\n",
	  "glassbox create --name web busybox sleep 60 && glassbox start web" },
	{ "stop", "[OPTIONS] NAME...",
	  "Send the stop signal (default SIGTERM), wait the grace period, then SIGKILL.",
	  "  -t, --time SECONDS  the grace period (default: the container's, 10)\n"
	  "  -s, --signal SIG    the first signal (default: the container's, SIGTERM)\n"
	  "      --events FILE   write the event stream (JSON Lines, docs/events.md)\n",
	  "glassbox stop -t 2 web" },
	{ "kill", "[OPTIONS] NAME... | NAME SIGNAL",
	  "Send a signal to a container's first process (default SIGKILL).",
	  "  -s, --signal SIG    the signal, by name or number (SIGTERM, TERM, 15)\n"
	  "      --events FILE   write the event stream (JSON Lines, docs/events.md)\n",
	  "glassbox kill -s SIGUSR1 web" },
	{ "rm", "[OPTIONS] NAME...",
	  "Remove containers: their cgroup, mounts, writable layer, network and state.",
	  "  -f, --force         stop (SIGKILL) a running one first\n", "glassbox rm -f web" },
	{ "ps", "[OPTIONS]", "List running containers (state read from each one's record).",
	  "  -a, --all           every container, stopped and created ones too\n"
	  "  -q, --quiet         only the ids\n"
	  "      --json          one JSON array (state, pid, image, ports)\n",
	  "glassbox ps -a" },
	{ "logs", "[OPTIONS] NAME", "The output of a detached container (its log file).",
	  "  -f, --follow        keep printing until the container exits\n",
	  "glassbox logs -f web" },
	{ "inspect", "[OPTIONS] NAME",
	  "What the kernel reports about a container: namespaces, cgroup, limits, mounts.",
	  "      --json          all of it as one JSON object\n", "glassbox inspect --json web" },
	{ "exec", "[OPTIONS] NAME COMMAND [ARG...]",
	  "Run a command inside a running container: setns(2) into its namespaces, its cgroup.",
	  "  -e, --env KEY=VALUE set an environment variable (repeatable)\n"
	  "  -w, --workdir DIR   working directory inside\n"
	  "  -u, --user USER[:GROUP]  run as this user (name or uid)\n"
	  "  -i, --interactive   relay our stdin\n"
	  "  -t, --tty           a pty of the container's own (-it, -ti: both)\n",
	  "glassbox exec -e X=1 web sh -c 'echo $X'" },
	{ "attach", "[OPTIONS] NAME",
	  "Attach our terminal to a running -t container; Ctrl-P Ctrl-Q (or KEYS) detaches.",
	  "      --detach-keys KEYS  the keys that detach (default ctrl-p,ctrl-q)\n"
	  "      --no-stdin      only watch: do not relay our keys\n",
	  "glassbox attach web" },
	{ "top", "NAME", "A container's processes: the host PID beside the PID inside (NSpid).",
	  NULL, "glassbox top web" },
	{ "tour", "[OPTIONS]",
	  "A guided tour of a real container's life, one step at a time; without a terminal on\n"
	  "stdin it runs on by itself.",
	  "      --auto          go on by itself (one second a step)\n"
	  "      --delay S       go on by itself after S seconds a step\n"
	  "      --events FILE   write the event stream (JSON Lines, docs/events.md)\n",
	  "glassbox tour --auto" },
	{ "steps", "[OPTIONS]",
	  "The table of steps that makes a container: order, phase, side, lab that shows it.",
	  "      --markdown      the table as docs/engine.md holds it\n"
	  "      --caught-by     which lab's check fails when each step is left out\n"
	  "      --caught-by --tsv | --markdown  the same, as TSV or Markdown\n",
	  "glassbox steps --caught-by" },
	{ "lab", "list [--markdown] | show N | check N [OPTIONS]",
	  "Guided labs: list them, print a guide, or check a lab's claim on this host.",
	  "      --markdown      (list) the table as labs/README.md holds it\n"
	  "      --container NAME  (check) check this running container\n"
	  "      --control       (check) the negative control: the check must fail\n",
	  "glassbox lab check 2" },
	{ "images", "[OPTIONS]", "List images.",
	  "  -q, --quiet         only the names\n"
	  "      --digests       a pulled image's manifest digest\n",
	  "glassbox images" },
	{ "build", "-t NAME [OPTIONS] CONTEXT",
	  "Build an image from a Dockerfile, each step in a container, with a layer cache; "
	  "multi-stage: only the stages the target needs are built.",
	  "  -t, --tag NAME      the image's name (required)\n"
	  "  -f, --file FILE     the Dockerfile (default CONTEXT/Dockerfile)\n"
	  "      --no-cache      run every step again\n"
	  "      --build-arg K=V set an ARG\n"
	  "      --target STAGE  build up to this stage (FROM ... AS STAGE), not the last\n"
	  "  -q, --quiet         print only the image name\n"
	  "      --events FILE   write the event stream (JSON Lines, docs/events.md)\n",
	  "glassbox build -t hello ." },
	{ "rmi", "[OPTIONS] IMAGE...", "Remove images.",
	  "  -f, --force         even if a container uses it\n", "glassbox rmi hello" },
	{ "history", "IMAGE", "The layers of an image, with sizes and the instruction behind each.",
	  NULL, "glassbox history busybox" },
	{ "diff", "NAME",
	  "What a container changed in its writable layer (A added, C changed, D deleted).", NULL,
	  "glassbox diff web" },
	{ "volume", "create NAME... | ls | inspect NAME | rm NAME...",
	  "Named volumes: directories under the data root that outlive containers.", NULL,
	  "glassbox volume create data && glassbox run --rm -v data:/d busybox ls /d" },
	{ "probe", "[--json] NAME | --race N NAME",
	  "Try known container escapes inside a running container and say which are closed.",
	  "      --json          the results as JSON\n"
	  "      --race N        exec N times while a watcher inside tries to open the entering "
	  "process\n",
	  "glassbox probe web" },
	{ "stats", "[OPTIONS] [NAME...]",
	  "Memory, CPU and pids of containers, read from their cgroups.",
	  "      --no-stream     print once and exit\n"
	  "      --json          JSON, once\n",
	  "glassbox stats --no-stream" },
	{ "pause", "NAME...", "Freeze every process of a container (the cgroup freezer).", NULL,
	  "glassbox pause web" },
	{ "resume", "NAME...", "Thaw a paused container.", NULL, "glassbox resume web" },
	{ "network", "create [OPTIONS] NAME | ls | inspect NAME | rm NAME... | prune",
	  "Bridge networks: a Linux bridge, a subnet, NAT out, names between containers.",
	  "      --subnet CIDR   (create) the subnet (default: the next free 10.89.N.0/24)\n"
	  "      --internal      (create) no route out: only between its containers\n",
	  "glassbox network create --subnet 10.90.0.0/24 app" },
	{ "vm", "kernel | accel | run [OPTIONS] COMMAND...",
	  "A QEMU guest beside the containers: find its kernel, say KVM or TCG, run a command.",
	  "      --cgroup v1|v2  (run) the guest's cgroup version\n"
	  "      --tmpfs-root    (run) the guest's root on a tmpfs\n"
	  "      --modules       (run) load the kernel's modules (overlay, veth...)\n"
	  "      --mem MB        (run) the guest's memory (at least 128)\n"
	  "      --cpus N        (run) the guest's CPUs\n"
	  "      --add HOST:GUEST  (run) copy a host file into the guest (repeatable)\n"
	  "      --timeout S     (run) give up after S seconds\n"
	  "      --echo          (run) echo the guest's console\n"
	  "      --events FILE   (run) write the event stream (JSON Lines, docs/events.md)\n",
	  "glassbox vm run uname -r" },
	{ "compare", "[OPTIONS] COMMAND...",
	  "Run one command in a container and in a QEMU guest side by side (lab 19).",
	  "      --json          the comparison as JSON\n"
	  "      --events FILE   write the event stream (JSON Lines, docs/events.md)\n",
	  "glassbox compare cat /proc/1/cgroup" },
	{ "pull", "[OPTIONS] NAME[:TAG|@DIGEST]", "Pull an image from a registry.",
	  "      --platform OS/ARCH[/VARIANT]  which image of a multi-platform index\n"
	  "      --insecure-registry HOST:PORT  plain HTTP for this registry (repeatable)\n"
	  "      --events FILE|fd:N  write image.pull events (JSON Lines, docs/events.md)\n",
	  "glassbox pull alpine:3.20" },
	{ "load", "-i FILE|DIR [OPTIONS] [NAME]",
	  "Load images from a docker save archive or an OCI layout.",
	  "  -i, --input FILE|DIR  the archive or layout\n"
	  "      --platform OS/ARCH  which image of a multi-platform index\n",
	  "glassbox load -i alpine.tar" },
	{ "tag", "SOURCE TARGET[:TAG]", "Give an image another name (Docker's name rules).", NULL,
	  "glassbox tag app 127.0.0.1:5000/team/app:1.0" },
	{ "push", "[OPTIONS] NAME[:TAG]",
	  "Push an image to its registry: blobs it already has are skipped, layers of another "
	  "repository there are mounted, the manifest is checked against the registry's digest.",
	  "      --insecure-registry HOST:PORT  plain HTTP for this registry (repeatable; "
	  "127.0.0.0/8 always)\n",
	  "glassbox push 127.0.0.1:5000/team/app:1.0" },
	{ "login", "[OPTIONS] REGISTRY",
	  "Check credentials against REGISTRY and keep them in Docker's config.json "
	  "($DOCKER_CONFIG or ~/.docker, file 0600).",
	  "  -u, --username U                   the user name (asked for when missing)\n"
	  "      --password-stdin               read the password from standard input\n"
	  "      --insecure-registry HOST:PORT  plain HTTP for this registry\n",
	  "echo \"$PASS\" | glassbox login -u student --password-stdin 127.0.0.1:5000" },
	{ "logout", "REGISTRY", "Forget the credentials kept for REGISTRY.", NULL,
	  "glassbox logout 127.0.0.1:5000" },
	{ "save", "-o FILE [OPTIONS] IMAGE...",
	  "Write images to a docker save archive (or an OCI layout tar), whole or not at all.",
	  "  -o, --output FILE          the archive to write\n"
	  "      --format docker|oci    docker save's layout (default) or an OCI image layout\n",
	  "glassbox save -o app.tar app:1.0" },
	{ "import", "TARBALL [NAME[:TAG]]",
	  "Make a one-layer image of a root filesystem tarball (paths that escape are refused).",
	  NULL, "glassbox import rootfs.tar.gz myroot:1" },
	{ "image", "prune | ls [OPTIONS]",
	  "prune: remove the layers no image and no container uses; ls: the same as images.",
	  "  -q, --quiet      (ls) image names only\n"
	  "      --digests    (ls) show each image's manifest digest\n",
	  "glassbox image prune" },
	{ "classroom", "setup|doctor|status|teardown [OPTIONS]",
	  "A class on one server (docs/teaching.md). setup (root): subuid/subgid ranges, a "
	  "delegated cgroup with a ceiling and a results directory per student; doctor: checks "
	  "it (as root, or as a student for themselves); status (root): the board, students x "
	  "labs; teardown (root): undoes setup.",
	  "      --students FILE|GROUP  (setup) one user name per line (\"NAME !\" opts out of "
	  "the board), or a group\n"
	  "      --memory SIZE          (setup) each student's memory ceiling (default 512m)\n"
	  "      --pids N               (setup) each student's process ceiling (default 512)\n"
	  "      --cpu-weight N         (setup) each student's CPU weight (1-10000, default 100)\n"
	  "      --opt-out NAME[,NAME]  (setup) students never named on the board\n"
	  "      --json | --junit       (status) the board as JSON or JUnit XML\n"
	  "      --anonymous            (status) no names at all: student 1, 2...\n",
	  "sudo glassbox classroom setup --students students.txt && sudo glassbox classroom "
	  "status" },
};

static const struct cli_help *help_find(const char *verb)
{
	for (size_t i = 0; i < sizeof helps / sizeof helps[0]; i++)
		if (!strcmp(helps[i].name, verb))
			return &helps[i];
	return NULL;
}

/* A help request is --help as the first argument, or -h where -h is no option: run's,
 * create's and compose's -h is the host name, and they answer --help themselves. */
int cli_help(const char *verb, int argc, char **argv)
{
	const struct cli_help *h = help_find(verb);
	if (!h || argc < 1 || (strcmp(argv[0], "--help") && strcmp(argv[0], "-h")))
		return -1;
	printf("usage: glassbox %s %s\n\n%s\n", h->name, h->usage, h->what);
	if (h->options)
		printf("\noptions:\n%s", h->options);
	printf("\nexample:\n  %s\n", h->example);
	return 0;
}
