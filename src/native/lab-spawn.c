/*
 * lab-spawn: starts children with vfork on Linux, for the lab's spawner helpers.
 *
 * libuv starts a child on Linux with fork(), which copies the page tables of the whole Node
 * process (3.8 ms held in the call from a bare Node here, 5.8 ms with 45 MB more). vfork copies
 * nothing: the child borrows the parent's memory until it execs, and only the calling thread
 * waits meanwhile. CPython's subprocess starts children this way; glibc's posix_spawn does too,
 * but maps and unmaps a stack for each child, and the unmap costs a TLB flush on every core the
 * process runs on (measured here with 8 threads: 0.85–1.0 ms held in posix_spawn, 0.43–0.55 ms in
 * vfork). The child does only system calls before exec: signals back to their defaults, a process
 * group of its own, stdio, the rest of the descriptors closed, the working folder, exec. Timeouts,
 * cancel and niceness stay in JavaScript (src/main/lab/processes/native-child.ts); this file
 * starts children, collects their output and reports their ends:
 *
 *   watch(onExit)     once per JavaScript environment: onExit(pid, exitCode, signal, exitedAtMs,
 *                     stdout, stdoutBytes, stderr, stderrBytes) is called on the JavaScript thread
 *                     for every child that has exited and whose output has closed, once it is
 *                     reaped. stdout and stderr are Buffers of the first maxCaptureBytes of each
 *                     (null where the child wrote nothing);
 *                     the counts are of every byte. When the child exits, its process group (what it
 *                     left behind) is sent SIGKILL at once, as the Node path does.
 *   spawn(options)    { file, argv, env?, cwd?, path, pipeStdin, maxCaptureBytes, niceness? } → { pid, stdin,
 *                     calledAtMs, returnedAtMs } (stdin: the write end of its pipe, or -1), or
 *                     { errorCode, errorMessage, calledAtMs, returnedAtMs } when it could not start.
 *                     Times are CLOCK_MONOTONIC in ms, the clock process.hrtime reads.
 *   signal(pid, signalNumber, wholeGroup)
 *                     sends the signal to a child this addon started (its process group when
 *                     wholeGroup) if it has not been reaped yet; true when sent. JavaScript signals
 *                     its children only through this, never by pid itself.
 *   unavailable()     null, or a sentence saying why this kernel cannot be used (no pidfd_open or close_range).
 *
 * One waiter thread watches every child with epoll: its pidfd (the exit) and its two output pipes.
 * Reading the output there, not through a net.Socket per pipe in JavaScript, halves what a child
 * costs the helper's thread (measured: 1.3 ms of CPU per child with sockets, 0.8 without). libuv
 * owns SIGCHLD in Node and reaps only the pids it started, so it never takes these children. The
 * waiter reaps each child itself, then tells JavaScript: releasing a child is not cheap (the
 * kernel drops its /proc entries, measured at up to 25 ms of a core on a 2-vCPU VM), and on the
 * JavaScript thread it stalled the app's event loop as long. Reaped, a pid may be given to another
 * process (pid_max can be as low as 32768), so the waiter first takes the child off the list that
 * signal() looks in, under the lock signal() holds while it sends: JavaScript can reach a child
 * only while it is still its own (running, or a zombie).
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if !defined(__linux__)
#error "lab-spawn is for Linux: elsewhere Node starts children without copying the parent."
#endif

extern char **environ;

enum { WATCH_EXIT, WATCH_STDOUT, WATCH_STDERR };

enum { KEY_FILE, KEY_ARGV, KEY_ENV, KEY_CWD, KEY_PATH, KEY_PIPE_STDIN, KEY_MAX_CAPTURE_BYTES, KEY_NICENESS, KEY_PID, KEY_STDIN, KEY_CALLED_AT_MS, KEY_RETURNED_AT_MS, KEY_COUNT };
static const char *const key_names[KEY_COUNT] = {"file", "argv", "env", "cwd", "path", "pipeStdin", "maxCaptureBytes", "niceness", "pid", "stdin", "calledAtMs", "returnedAtMs"};

typedef struct child_record child_record;

/* What epoll hands back: which descriptor of which child is ready. */
typedef struct {
  child_record *child;
  int kind;
} watch_tag;

typedef struct {
  int fd;
  char *kept;
  size_t kept_length;
  uint64_t bytes;
} captured_stream;

struct child_record {
  pid_t pid;
  int pidfd;
  size_t limit;
  captured_stream streams[2];
  watch_tag tags[3];
  int exited;
  /* as waitpid reported it, once reaped */
  int status;
  double exited_at_ms;
  int open_streams;
  /* the children the waiter still watches, for teardown */
  child_record *previous;
  child_record *next;
};

typedef struct {
  pthread_mutex_t lock;
  child_record *watched;
  int epoll_fd;
  int stop_fd;
  int devnull_fd;
  pthread_t waiter;
  int waiter_started;
  napi_threadsafe_function on_exit;
  /* touched on the JavaScript thread only */
  size_t live;
  /* an array of the property names spawn() reads and writes, made once: a name made per call is a
     string-table lookup each time (and Node-API before version 10 refers to objects only) */
  napi_ref keys;
} spawner_state;

static double monotonic_ms(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec * 1e3 + (double)now.tv_nsec / 1e6;
}

static int open_pidfd(pid_t pid) {
  return (int)syscall(SYS_pidfd_open, pid, 0);
}

static void reap(pid_t pid, int *status) {
  while (waitpid(pid, status, 0) < 0 && errno == EINTR) {
  }
}

static void unlink_watched(spawner_state *state, child_record *child) {
  pthread_mutex_lock(&state->lock);
  if (child->previous) child->previous->next = child->next;
  else state->watched = child->next;
  if (child->next) child->next->previous = child->previous;
  child->previous = child->next = NULL;
  pthread_mutex_unlock(&state->lock);
}

static void free_record(child_record *child) {
  for (int i = 0; i < 2; i++) {
    if (child->streams[i].fd >= 0) close(child->streams[i].fd);
    free(child->streams[i].kept);
  }
  if (child->pidfd >= 0) close(child->pidfd);
  free(child);
}

/* ---------- the waiter thread ---------- */

static void keep_output(captured_stream *stream, const char *data, size_t length, size_t limit) {
  stream->bytes += length;
  if (stream->kept_length >= limit) return;
  size_t take = length < limit - stream->kept_length ? length : limit - stream->kept_length;
  char *more = realloc(stream->kept, stream->kept_length + take);
  if (!more) return; /* out of memory: counted, not kept */
  memcpy(more + stream->kept_length, data, take);
  stream->kept = more;
  stream->kept_length += take;
}

/* One read per readiness, so that a flood from one child does not hold up the others. */
static void read_stream(spawner_state *state, child_record *child, captured_stream *stream) {
  static __thread char buffer[65536];
  ssize_t got = read(stream->fd, buffer, sizeof buffer);
  if (got > 0) {
    keep_output(stream, buffer, (size_t)got, child->limit);
    return;
  }
  if (got < 0 && (errno == EAGAIN || errno == EINTR)) return;
  epoll_ctl(state->epoll_fd, EPOLL_CTL_DEL, stream->fd, NULL);
  close(stream->fd);
  stream->fd = -1;
  child->open_streams--;
}

static void hand_over(spawner_state *state, child_record *child) {
  /* off the list signal() looks in first: once reaped, its pid may be another process's */
  unlink_watched(state, child);
  reap(child->pid, &child->status);
  if (napi_call_threadsafe_function(state->on_exit, child, napi_tsfn_nonblocking) != napi_ok) free_record(child); /* JavaScript is going away */
}

static void *wait_for_exits(void *arg) {
  spawner_state *state = arg;
  struct epoll_event events[64];
  for (;;) {
    int ready = epoll_wait(state->epoll_fd, events, 64, -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < ready; i++) {
      watch_tag *tag = events[i].data.ptr;
      if (tag == NULL) return NULL; /* asked to stop */
      child_record *child = tag->child;
      if (tag->kind == WATCH_EXIT) {
        epoll_ctl(state->epoll_fd, EPOLL_CTL_DEL, child->pidfd, NULL);
        child->exited = 1;
        child->exited_at_ms = monotonic_ms();
        /* at once, not after its output closes: a descendant that inherited stdout would keep it open */
        kill(-child->pid, SIGKILL);
      } else {
        read_stream(state, child, &child->streams[tag->kind == WATCH_STDOUT ? 0 : 1]);
      }
      if (child->exited && child->open_streams == 0) hand_over(state, child);
    }
  }
  return NULL;
}

/* ---------- on the JavaScript thread ---------- */

static napi_value make_number(napi_env env, double value) {
  napi_value result;
  napi_create_double(env, value, &result);
  return result;
}

static napi_value make_int(napi_env env, int value) {
  napi_value result;
  napi_create_int32(env, value, &result);
  return result;
}

static napi_value make_null(napi_env env) {
  napi_value result;
  napi_get_null(env, &result);
  return result;
}

/* null for no output, the common case: a Buffer costs more to make than the rest of a child's report */
static napi_value make_buffer(napi_env env, const captured_stream *stream) {
  if (stream->kept_length == 0) return make_null(env);
  napi_value result;
  void *data;
  napi_create_buffer_copy(env, stream->kept_length, stream->kept, &data, &result);
  return result;
}

/* The child has exited, its output has closed and the waiter has reaped it: tell JavaScript. */
static void call_on_exit(napi_env env, napi_value callback, void *context, void *data) {
  spawner_state *state = context;
  child_record *child = data;
  int status = child->status;
  if (env != NULL) {
    if (state->live > 0 && --state->live == 0) napi_unref_threadsafe_function(env, state->on_exit);
    napi_value undefined;
    napi_get_undefined(env, &undefined);
    napi_value args[8] = {
        make_int(env, child->pid),
        WIFEXITED(status) ? make_int(env, WEXITSTATUS(status)) : make_null(env),
        WIFSIGNALED(status) ? make_int(env, WTERMSIG(status)) : make_null(env),
        make_number(env, child->exited_at_ms),
        make_buffer(env, &child->streams[0]),
        make_number(env, (double)child->streams[0].bytes),
        make_buffer(env, &child->streams[1]),
        make_number(env, (double)child->streams[1].bytes),
    };
    napi_call_function(env, undefined, callback, 8, args, NULL);
  }
  free_record(child);
}

static void stop_waiter(void *data) {
  spawner_state *state = data;
  if (!state->waiter_started) return;
  uint64_t one = 1;
  (void)!write(state->stop_fd, &one, sizeof one);
  pthread_join(state->waiter, NULL);
  state->waiter_started = 0;
}

/*
 * The environment is going (the process exits, or a worker thread that started children is ended
 * without running its 'exit' handlers, as Worker.terminate() does): its children are killed with
 * their groups, as killAll() would have, for nothing else knows them. Children still on the list
 * are not reaped yet, so their pids are still theirs.
 */
static void end_children_and_waiter(void *data) {
  spawner_state *state = data;
  pthread_mutex_lock(&state->lock);
  for (child_record *child = state->watched; child; child = child->next) {
    if (kill(-child->pid, SIGKILL) != 0) kill(child->pid, SIGKILL);
  }
  pthread_mutex_unlock(&state->lock);
  stop_waiter(state);
}

static void free_state(napi_env env, void *data, void *hint) {
  (void)hint;
  spawner_state *state = data;
  stop_waiter(state);
  while (state->watched) {
    child_record *child = state->watched;
    state->watched = child->next;
    free_record(child);
  }
  if (state->epoll_fd >= 0) close(state->epoll_fd);
  if (state->stop_fd >= 0) close(state->stop_fd);
  if (state->devnull_fd >= 0) close(state->devnull_fd);
  if (state->keys) napi_delete_reference(env, state->keys);
  pthread_mutex_destroy(&state->lock);
  free(state);
}

static spawner_state *state_of(napi_env env) {
  void *data = NULL;
  napi_get_instance_data(env, &data);
  return data;
}

static napi_value throw_error(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

static napi_value watch(napi_env env, napi_callback_info info) {
  spawner_state *state = state_of(env);
  size_t argc = 1;
  napi_value callback;
  napi_get_cb_info(env, info, &argc, &callback, NULL, NULL);
  napi_valuetype type;
  if (argc < 1 || napi_typeof(env, callback, &type) != napi_ok || type != napi_function) return throw_error(env, "watch() needs a function to call when a child ends.");
  if (state->on_exit) return throw_error(env, "watch() was already called in this JavaScript environment.");
  napi_value name;
  napi_create_string_utf8(env, "lab-spawn exits", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, callback, NULL, name, 0, 1, NULL, NULL, state, call_on_exit, &state->on_exit) != napi_ok) {
    return throw_error(env, "The exit watcher could not be created.");
  }
  /* held (ref) only while children run, so that it never keeps an idle process alive */
  napi_unref_threadsafe_function(env, state->on_exit);
  sigset_t all, previous;
  sigfillset(&all);
  /* signals stay with the threads that expect them: the waiter blocks every one */
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  int failed = pthread_create(&state->waiter, NULL, wait_for_exits, state);
  pthread_sigmask(SIG_SETMASK, &previous, NULL);
  if (failed) return throw_error(env, "The exit watcher thread could not be started.");
  state->waiter_started = 1;
  napi_add_env_cleanup_hook(env, end_children_and_waiter, state);
  return NULL;
}

static napi_value signal_child(napi_env env, napi_callback_info info) {
  spawner_state *state = state_of(env);
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t pid = 0, signal_number = 0;
  bool whole_group = false;
  if (argc < 3 || napi_get_value_int32(env, argv[0], &pid) != napi_ok || napi_get_value_int32(env, argv[1], &signal_number) != napi_ok || napi_get_value_bool(env, argv[2], &whole_group) != napi_ok || pid <= 0) {
    return throw_error(env, "signal() needs a pid, a signal number and whether to signal the whole process group.");
  }
  int sent = 0;
  /* under the lock the waiter takes a child off the list with, before it reaps it */
  pthread_mutex_lock(&state->lock);
  for (child_record *child = state->watched; child; child = child->next) {
    if (child->pid != pid) continue;
    sent = kill(whole_group ? -pid : pid, signal_number) == 0;
    break;
  }
  pthread_mutex_unlock(&state->lock);
  napi_value result;
  napi_get_boolean(env, sent, &result);
  return result;
}

static char *string_of(napi_env env, napi_value value) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) return NULL;
  char *text = malloc(length + 1);
  if (text) napi_get_value_string_utf8(env, value, text, length + 1, &length);
  return text;
}

static napi_value key_of(napi_env env, int key) {
  napi_value names, name;
  napi_get_reference_value(env, state_of(env)->keys, &names);
  napi_get_element(env, names, (uint32_t)key, &name);
  return name;
}

static char *property_string(napi_env env, napi_value object, int key) {
  napi_value value;
  napi_valuetype type;
  if (napi_get_property(env, object, key_of(env, key), &value) != napi_ok || napi_typeof(env, value, &type) != napi_ok || type != napi_string) return NULL;
  return string_of(env, value);
}

static void free_strings(char **list) {
  if (!list) return;
  for (char **item = list; *item; item++) free(*item);
  free(list);
}

/* A NULL-terminated copy of a string array property; NULL when absent (or not an array). */
static char **property_strings(napi_env env, napi_value object, int key, int *failed) {
  napi_value value;
  bool is_array = false;
  *failed = 0;
  if (napi_get_property(env, object, key_of(env, key), &value) != napi_ok || napi_is_array(env, value, &is_array) != napi_ok || !is_array) return NULL;
  uint32_t length = 0;
  napi_get_array_length(env, value, &length);
  char **list = calloc(length + 1, sizeof *list);
  if (!list) {
    *failed = 1;
    return NULL;
  }
  for (uint32_t i = 0; i < length; i++) {
    napi_value item;
    napi_get_element(env, value, i, &item);
    list[i] = string_of(env, item);
    if (!list[i]) {
      free_strings(list);
      *failed = 1;
      return NULL;
    }
  }
  return list;
}

static int property_flag(napi_env env, napi_value object, int key) {
  napi_value value;
  bool flag = false;
  if (napi_get_property(env, object, key_of(env, key), &value) == napi_ok) napi_get_value_bool(env, value, &flag);
  return flag;
}

/* Whether the property is a number, and its value as an int. */
static int property_int(napi_env env, napi_value object, int key, int32_t *out) {
  napi_value value;
  napi_valuetype type;
  if (napi_get_property(env, object, key_of(env, key), &value) != napi_ok || napi_typeof(env, value, &type) != napi_ok || type != napi_number) return 0;
  return napi_get_value_int32(env, value, out) == napi_ok;
}

static double property_number(napi_env env, napi_value object, int key) {
  napi_value value;
  double number = 0;
  if (napi_get_property(env, object, key_of(env, key), &value) == napi_ok) napi_get_value_double(env, value, &number);
  return number > 0 ? number : 0;
}

static int is_executable_file(const char *path) {
  struct stat info;
  return stat(path, &info) == 0 && S_ISREG(info.st_mode) && access(path, X_OK) == 0;
}

/*
 * The program to run, as execvp finds it: a name with a slash as it is; otherwise the first
 * executable file of that name in the search path. 0, or ENOENT / EACCES as execvp reports them.
 */
static int find_program(const char *file, const char *search_path, char **found) {
  if (strchr(file, '/')) {
    *found = strdup(file);
    return *found ? 0 : ENOMEM;
  }
  int error = ENOENT;
  const char *start = search_path;
  size_t file_length = strlen(file);
  for (;;) {
    const char *end = strchrnul(start, ':');
    size_t dir_length = (size_t)(end - start);
    char *candidate = malloc(dir_length + file_length + 3);
    if (!candidate) return ENOMEM;
    if (dir_length == 0) strcpy(candidate, file); /* an empty entry is the current folder */
    else {
      memcpy(candidate, start, dir_length);
      candidate[dir_length] = '/';
      memcpy(candidate + dir_length + 1, file, file_length + 1);
    }
    if (is_executable_file(candidate)) {
      *found = candidate;
      return 0;
    }
    if (access(candidate, F_OK) == 0) error = EACCES;
    free(candidate);
    if (*end == '\0') return error;
    start = end + 1;
  }
}

static const char *errno_name(int error) {
  switch (error) {
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case ENOTDIR: return "ENOTDIR";
    case ENOEXEC: return "ENOEXEC";
    case E2BIG: return "E2BIG";
    case ENOMEM: return "ENOMEM";
    case EAGAIN: return "EAGAIN";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EPERM: return "EPERM";
    case EISDIR: return "EISDIR";
    case ETXTBSY: return "ETXTBSY";
    case EINVAL: return "EINVAL";
    default: return "EUNKNOWN";
  }
}

static void set_property(napi_env env, napi_value object, const char *key, napi_value value) {
  napi_set_named_property(env, object, key, value);
}

static napi_value failure(napi_env env, int error, double called_at_ms) {
  napi_value result, code, message;
  napi_create_object(env, &result);
  napi_create_string_utf8(env, errno_name(error), NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, strerror(error), NAPI_AUTO_LENGTH, &message);
  set_property(env, result, "errorCode", code);
  set_property(env, result, "errorMessage", message);
  set_property(env, result, "calledAtMs", make_number(env, called_at_ms));
  set_property(env, result, "returnedAtMs", make_number(env, monotonic_ms()));
  return result;
}

static void close_pair(int pair[2]) {
  if (pair[0] >= 0) close(pair[0]);
  if (pair[1] >= 0) close(pair[1]);
  pair[0] = pair[1] = -1;
}


/*
 * The child runs on this thread's stack and memory until it execs, while the other threads of the
 * process go on: it must only make system calls (no malloc, no locks), and no signal handler of the
 * parent may run in it, hence every signal blocked around vfork and reset to its default in the
 * child before it is unblocked. It reports a failure before exec through child_error, memory the
 * parent reads once vfork returns (the child has exec'd or exited by then).
 */
static int start_with_vfork(pid_t *pid_out, const char *program, char *const argv[], char *const envp[], const char *cwd, int stdin_fd, int stdout_fd, int stderr_fd, const int32_t *niceness) {
  sigset_t all, previous, none;
  sigfillset(&all);
  sigemptyset(&none);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  volatile int child_error = 0;
  pid_t pid = vfork();
  if (pid == 0) {
    struct sigaction default_action;
    memset(&default_action, 0, sizeof default_action);
    default_action.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++) sigaction(sig, &default_action, NULL);
    if (setpgid(0, 0) < 0 || dup2(stdin_fd, 0) < 0 || dup2(stdout_fd, 1) < 0 || dup2(stderr_fd, 2) < 0) goto failed;
    /* only stdin, stdout and stderr: no descriptor of the helper (its IPC channel) leaks into the child */
    syscall(SYS_close_range, 3, ~0U, 0);
    if (cwd && chdir(cwd) < 0) goto failed;
    /* lowered before its program runs; not allowed (raising it) leaves it as it is */
    if (niceness) setpriority(PRIO_PROCESS, 0, *niceness);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execve(program, argv, envp);
  failed:
    child_error = errno;
    _exit(127);
  }
  int fork_error = errno;
  pthread_sigmask(SIG_SETMASK, &previous, NULL);
  if (pid < 0) return fork_error;
  if (child_error) {
    int status;
    reap(pid, &status);
    return child_error;
  }
  *pid_out = pid;
  return 0;
}

static napi_value spawn_child(napi_env env, napi_callback_info info) {
  spawner_state *state = state_of(env);
  if (!state->on_exit) return throw_error(env, "spawn() needs watch() first, or no one would learn when the child ends.");
  size_t argc = 1;
  napi_value options;
  napi_get_cb_info(env, info, &argc, &options, NULL, NULL);
  if (argc < 1) return throw_error(env, "spawn() needs its options.");

  double called_at_ms = monotonic_ms();
  int argv_failed = 0, env_failed = 0;
  char *file = property_string(env, options, KEY_FILE);
  char *search_path = property_string(env, options, KEY_PATH);
  char *cwd = property_string(env, options, KEY_CWD);
  char **argv = property_strings(env, options, KEY_ARGV, &argv_failed);
  char **envp = property_strings(env, options, KEY_ENV, &env_failed);
  int pipe_stdin = property_flag(env, options, KEY_PIPE_STDIN);
  size_t limit = (size_t)property_number(env, options, KEY_MAX_CAPTURE_BYTES);
  int32_t niceness = 0;
  int has_niceness = property_int(env, options, KEY_NICENESS, &niceness);
  char *program = NULL;
  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
  napi_value result = NULL;
  int error = 0;

  if (!file || !argv || !argv[0] || argv_failed || env_failed) {
    error = EINVAL;
    goto done;
  }
  error = find_program(file, search_path ? search_path : "/bin:/usr/bin", &program);
  if (error) goto done;
  if ((pipe_stdin && pipe2(in, O_CLOEXEC) < 0) || pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
    error = errno;
    goto done;
  }

  pid_t pid = -1;
  error = start_with_vfork(&pid, program, argv, envp ? envp : environ, cwd, pipe_stdin ? in[0] : state->devnull_fd, out[1], err[1], has_niceness ? &niceness : NULL);
  double returned_at_ms = monotonic_ms();
  if (error) goto done;

  int pidfd = open_pidfd(pid);
  if (pidfd < 0) {
    /* a child nobody could wait for would be a leak: end it now */
    error = errno;
    kill(-pid, SIGKILL);
    int status;
    reap(pid, &status);
    goto done;
  }
  child_record *child = calloc(1, sizeof *child);
  if (!child) {
    error = ENOMEM;
    kill(-pid, SIGKILL);
    int status;
    reap(pid, &status);
    close(pidfd);
    goto done;
  }
  if (in[0] >= 0) close(in[0]);
  close(out[1]);
  close(err[1]);
  fcntl(out[0], F_SETFL, O_NONBLOCK);
  fcntl(err[0], F_SETFL, O_NONBLOCK);
  *child = (child_record){.pid = pid, .pidfd = pidfd, .limit = limit, .open_streams = 2};
  child->streams[0].fd = out[0];
  child->streams[1].fd = err[0];
  for (int kind = 0; kind < 3; kind++) child->tags[kind] = (watch_tag){.child = child, .kind = kind};
  int stdin_fd = in[1];
  in[0] = in[1] = out[0] = out[1] = err[0] = err[1] = -1;
  pthread_mutex_lock(&state->lock);
  child->next = state->watched;
  if (state->watched) state->watched->previous = child;
  state->watched = child;
  pthread_mutex_unlock(&state->lock);
  if (state->live++ == 0) napi_ref_threadsafe_function(env, state->on_exit);
  /* from the first of these on, the record is the waiter's: it hands it back through on_exit */
  int fds[3] = {child->streams[0].fd, child->streams[1].fd, pidfd};
  int kinds[3] = {WATCH_STDOUT, WATCH_STDERR, WATCH_EXIT};
  for (int i = 0; i < 3; i++) {
    struct epoll_event event = {.events = EPOLLIN, .data.ptr = &child->tags[kinds[i]]};
    epoll_ctl(state->epoll_fd, EPOLL_CTL_ADD, fds[i], &event);
  }

  napi_create_object(env, &result);
  napi_set_property(env, result, key_of(env, KEY_PID), make_int(env, pid));
  napi_set_property(env, result, key_of(env, KEY_STDIN), make_int(env, stdin_fd));
  napi_set_property(env, result, key_of(env, KEY_CALLED_AT_MS), make_number(env, called_at_ms));
  napi_set_property(env, result, key_of(env, KEY_RETURNED_AT_MS), make_number(env, returned_at_ms));

done:
  close_pair(in);
  close_pair(out);
  close_pair(err);
  free(file);
  free(search_path);
  free(cwd);
  free(program);
  free_strings(argv);
  free_strings(envp);
  return result ? result : failure(env, error, called_at_ms);
}

static napi_value unavailable(napi_env env, napi_callback_info info) {
  (void)info;
  int probe = open_pidfd(getpid());
  if (probe >= 0) close(probe);
  /* closing a range where nothing is open changes nothing; it fails only where close_range does not exist */
  int can_close_range = syscall(SYS_close_range, 0x7ffffff0U, 0x7ffffff0U, 0) == 0;
  if (probe >= 0 && can_close_range) return make_null(env);
  napi_value reason;
  napi_create_string_utf8(env, "This kernel lacks pidfd_open or close_range, which the vfork addon needs (Linux 5.9 or later).", NAPI_AUTO_LENGTH, &reason);
  return reason;
}

NAPI_MODULE_INIT() {
  spawner_state *state = calloc(1, sizeof *state);
  if (!state) return throw_error(env, "lab-spawn could not allocate its state.");
  pthread_mutex_init(&state->lock, NULL);
  state->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  state->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  state->devnull_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  struct epoll_event stop = {.events = EPOLLIN, .data.ptr = NULL};
  if (state->epoll_fd < 0 || state->stop_fd < 0 || state->devnull_fd < 0 || epoll_ctl(state->epoll_fd, EPOLL_CTL_ADD, state->stop_fd, &stop) < 0) {
    free_state(env, state, NULL);
    return throw_error(env, "lab-spawn could not open its epoll, event descriptor or /dev/null.");
  }
  napi_value names;
  int made = napi_create_array_with_length(env, KEY_COUNT, &names) == napi_ok;
  for (int i = 0; made && i < KEY_COUNT; i++) {
    napi_value name;
    made = napi_create_string_utf8(env, key_names[i], NAPI_AUTO_LENGTH, &name) == napi_ok && napi_set_element(env, names, (uint32_t)i, name) == napi_ok;
  }
  if (!made || napi_create_reference(env, names, 1, &state->keys) != napi_ok) {
    free_state(env, state, NULL);
    return throw_error(env, "lab-spawn could not make its property names.");
  }
  napi_set_instance_data(env, state, free_state, NULL);
  napi_property_descriptor functions[] = {
      {"watch", NULL, watch, NULL, NULL, NULL, napi_enumerable, NULL},
      {"spawn", NULL, spawn_child, NULL, NULL, NULL, napi_enumerable, NULL},
      {"signal", NULL, signal_child, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unavailable", NULL, unavailable, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
  return exports;
}
