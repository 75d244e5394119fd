/*
 * lab-spawn: starts children with posix_spawn on Linux, for the lab's spawner helpers.
 *
 * libuv starts a child on Linux with fork(), which copies the page tables of the whole Node
 * process (3.8 ms held in the call from a bare Node here, 5.8 ms with 45 MB more); glibc's
 * posix_spawn uses clone(CLONE_VM | CLONE_VFORK), which copies nothing (0.3 ms, whatever the size),
 * as CPython's subprocess does. Everything else about a child (capture, timeouts, cancel) stays in
 * JavaScript (src/main/lab/processes/native-child.ts); this file only starts children and reports
 * their ends:
 *
 *   watch(onExit)     once per JavaScript environment: onExit(pid, exitCode, signal, exitedAtMs) is
 *                     called on the JavaScript thread for every child that ends, after the process
 *                     group it led has been sent SIGKILL (what it left behind) and it has been reaped.
 *   spawn(options)    { file, argv, env?, cwd?, path, pipeStdin } → { pid, stdin, stdout, stderr,
 *                     calledAtMs, returnedAtMs } (file descriptors of the parent's pipe ends, -1 for
 *                     none), or { errorCode, errorMessage, calledAtMs, returnedAtMs } when it could not
 *                     start. Times are CLOCK_MONOTONIC in ms, the clock process.hrtime reads.
 *   unavailable()     null, or a sentence saying why this kernel cannot be used (no pidfd_open).
 *
 * Exits are learnt from one waiter thread polling a pidfd per child. libuv owns SIGCHLD in Node
 * and reaps only the pids it started, so it never takes these children; the waiter thread does not
 * reap either (that would race a kill from JavaScript against pid reuse): it only notes the time
 * and hands the pid to the JavaScript thread, which reaps it. Until then the child is a zombie,
 * so a kill() from JavaScript can never reach another process that got the same pid.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if !defined(__linux__) || !defined(__GLIBC__) || !__GLIBC_PREREQ(2, 34)
#error "lab-spawn needs Linux with glibc 2.34 or later (posix_spawn_file_actions_addclosefrom_np)."
#endif

extern char **environ;

typedef struct {
  pid_t pid;
  int pidfd;
} watched_child;

typedef struct {
  pid_t pid;
  int pidfd;
  double exited_at_ms;
} ended_child;

typedef struct {
  pthread_mutex_t lock;
  watched_child *children;
  size_t count;
  size_t capacity;
  int stopping;
  int wake_fd;
  int devnull_fd;
  pthread_t waiter;
  int waiter_started;
  napi_threadsafe_function on_exit;
  /* touched on the JavaScript thread only */
  size_t live;
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

/* ---------- the waiter thread ---------- */

static void remove_watched(spawner_state *state, int pidfd) {
  pthread_mutex_lock(&state->lock);
  for (size_t i = 0; i < state->count; i++) {
    if (state->children[i].pidfd == pidfd) {
      state->children[i] = state->children[--state->count];
      break;
    }
  }
  pthread_mutex_unlock(&state->lock);
}

static void *wait_for_exits(void *arg) {
  spawner_state *state = arg;
  struct pollfd *fds = NULL;
  pid_t *pids = NULL;
  size_t room = 0;
  for (;;) {
    pthread_mutex_lock(&state->lock);
    if (state->stopping) {
      pthread_mutex_unlock(&state->lock);
      break;
    }
    size_t count = state->count;
    if (count + 1 > room) {
      size_t wanted = (count + 1) * 2;
      struct pollfd *more_fds = realloc(fds, wanted * sizeof *fds);
      if (more_fds) fds = more_fds;
      pid_t *more_pids = realloc(pids, wanted * sizeof *pids);
      if (more_pids) pids = more_pids;
      if (!more_fds || !more_pids) {
        pthread_mutex_unlock(&state->lock);
        /* out of memory: try again shortly rather than lose track of children */
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
        continue;
      }
      room = wanted;
    }
    fds[0] = (struct pollfd){.fd = state->wake_fd, .events = POLLIN};
    for (size_t i = 0; i < count; i++) {
      fds[i + 1] = (struct pollfd){.fd = state->children[i].pidfd, .events = POLLIN};
      pids[i + 1] = state->children[i].pid;
    }
    pthread_mutex_unlock(&state->lock);

    int ready = poll(fds, count + 1, -1);
    if (ready < 0) continue; /* EINTR */
    double now = monotonic_ms();
    if (fds[0].revents) {
      uint64_t ignored;
      (void)!read(state->wake_fd, &ignored, sizeof ignored);
    }
    for (size_t i = 1; i <= count; i++) {
      if (!fds[i].revents) continue;
      remove_watched(state, fds[i].fd);
      ended_child *ended = malloc(sizeof *ended);
      if (ended) *ended = (ended_child){.pid = pids[i], .pidfd = fds[i].fd, .exited_at_ms = now};
      if (!ended || napi_call_threadsafe_function(state->on_exit, ended, napi_tsfn_nonblocking) != napi_ok) {
        /* JavaScript is going away: end and reap the child here, so that nothing is left behind */
        kill(-pids[i], SIGKILL);
        int status;
        reap(pids[i], &status);
        close(fds[i].fd);
        free(ended);
      }
    }
  }
  free(fds);
  free(pids);
  return NULL;
}

static void wake_waiter(spawner_state *state) {
  uint64_t one = 1;
  (void)!write(state->wake_fd, &one, sizeof one);
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

static void call_on_exit(napi_env env, napi_value callback, void *context, void *data) {
  spawner_state *state = context;
  ended_child *ended = data;
  /* what the child left in the process group it led goes with it, as the Node path does */
  kill(-ended->pid, SIGKILL);
  int status = 0;
  reap(ended->pid, &status);
  close(ended->pidfd);
  pid_t pid = ended->pid;
  double exited_at_ms = ended->exited_at_ms;
  free(ended);
  if (env == NULL) return; /* the environment is being torn down */
  if (state->live > 0 && --state->live == 0) napi_unref_threadsafe_function(env, state->on_exit);
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  napi_value args[4] = {
      make_int(env, pid),
      WIFEXITED(status) ? make_int(env, WEXITSTATUS(status)) : make_null(env),
      WIFSIGNALED(status) ? make_int(env, WTERMSIG(status)) : make_null(env),
      make_number(env, exited_at_ms),
  };
  napi_call_function(env, undefined, callback, 4, args, NULL);
}

static void stop_waiter(void *data) {
  spawner_state *state = data;
  if (state->waiter_started) {
    pthread_mutex_lock(&state->lock);
    state->stopping = 1;
    pthread_mutex_unlock(&state->lock);
    wake_waiter(state);
    pthread_join(state->waiter, NULL);
    state->waiter_started = 0;
  }
}

static void free_state(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  spawner_state *state = data;
  stop_waiter(state);
  for (size_t i = 0; i < state->count; i++) close(state->children[i].pidfd);
  free(state->children);
  if (state->wake_fd >= 0) close(state->wake_fd);
  if (state->devnull_fd >= 0) close(state->devnull_fd);
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
  napi_add_env_cleanup_hook(env, stop_waiter, state);
  return NULL;
}

static char *string_of(napi_env env, napi_value value) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) return NULL;
  char *text = malloc(length + 1);
  if (text) napi_get_value_string_utf8(env, value, text, length + 1, &length);
  return text;
}

static char *property_string(napi_env env, napi_value object, const char *key) {
  napi_value value;
  napi_valuetype type;
  if (napi_get_named_property(env, object, key, &value) != napi_ok || napi_typeof(env, value, &type) != napi_ok || type != napi_string) return NULL;
  return string_of(env, value);
}

static void free_strings(char **list) {
  if (!list) return;
  for (char **item = list; *item; item++) free(*item);
  free(list);
}

/* A NULL-terminated copy of a string array property; NULL when absent (or not an array). */
static char **property_strings(napi_env env, napi_value object, const char *key, int *failed) {
  napi_value value;
  bool is_array = false;
  *failed = 0;
  if (napi_get_named_property(env, object, key, &value) != napi_ok || napi_is_array(env, value, &is_array) != napi_ok || !is_array) return NULL;
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

static int property_flag(napi_env env, napi_value object, const char *key) {
  napi_value value;
  bool flag = false;
  if (napi_get_named_property(env, object, key, &value) == napi_ok) napi_get_value_bool(env, value, &flag);
  return flag;
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

static napi_value spawn_child(napi_env env, napi_callback_info info) {
  spawner_state *state = state_of(env);
  if (!state->on_exit) return throw_error(env, "spawn() needs watch() first, or no one would learn when the child ends.");
  size_t argc = 1;
  napi_value options;
  napi_get_cb_info(env, info, &argc, &options, NULL, NULL);
  if (argc < 1) return throw_error(env, "spawn() needs its options.");

  double called_at_ms = monotonic_ms();
  int argv_failed = 0, env_failed = 0;
  char *file = property_string(env, options, "file");
  char *search_path = property_string(env, options, "path");
  char *cwd = property_string(env, options, "cwd");
  char **argv = property_strings(env, options, "argv", &argv_failed);
  char **envp = property_strings(env, options, "env", &env_failed);
  int pipe_stdin = property_flag(env, options, "pipeStdin");
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

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attributes);
  posix_spawn_file_actions_adddup2(&actions, pipe_stdin ? in[0] : state->devnull_fd, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  if (cwd) posix_spawn_file_actions_addchdir_np(&actions, cwd);
  /* only stdin, stdout and stderr: no descriptor of the helper (its IPC channel) leaks into the child */
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  /* a group of its own, every signal at its default (Node ignores SIGPIPE) and none blocked, as libuv does */
  sigset_t defaults, none;
  sigfillset(&defaults);
  sigemptyset(&none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setsigmask(&attributes, &none);
  pid_t pid = -1;
  error = posix_spawn(&pid, program, &actions, &attributes, argv, envp ? envp : environ);
  double returned_at_ms = monotonic_ms();
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
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
  fcntl(pidfd, F_SETFD, FD_CLOEXEC);
  pthread_mutex_lock(&state->lock);
  if (state->count == state->capacity) {
    size_t wanted = state->capacity ? state->capacity * 2 : 64;
    watched_child *more = realloc(state->children, wanted * sizeof *more);
    if (!more) {
      pthread_mutex_unlock(&state->lock);
      error = ENOMEM;
      kill(-pid, SIGKILL);
      int status;
      reap(pid, &status);
      close(pidfd);
      goto done;
    }
    state->children = more;
    state->capacity = wanted;
  }
  state->children[state->count++] = (watched_child){.pid = pid, .pidfd = pidfd};
  pthread_mutex_unlock(&state->lock);
  wake_waiter(state);
  if (state->live++ == 0) napi_ref_threadsafe_function(env, state->on_exit);

  if (in[0] >= 0) close(in[0]);
  close(out[1]);
  close(err[1]);
  napi_create_object(env, &result);
  set_property(env, result, "pid", make_int(env, pid));
  set_property(env, result, "stdin", make_int(env, in[1]));
  set_property(env, result, "stdout", make_int(env, out[0]));
  set_property(env, result, "stderr", make_int(env, err[0]));
  set_property(env, result, "calledAtMs", make_number(env, called_at_ms));
  set_property(env, result, "returnedAtMs", make_number(env, returned_at_ms));
  in[0] = in[1] = out[0] = out[1] = err[0] = err[1] = -1;

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
  if (probe >= 0) {
    close(probe);
    return make_null(env);
  }
  napi_value reason;
  napi_create_string_utf8(env, "This kernel cannot watch children through pidfds (pidfd_open needs Linux 5.3 or later).", NAPI_AUTO_LENGTH, &reason);
  return reason;
}

NAPI_MODULE_INIT() {
  spawner_state *state = calloc(1, sizeof *state);
  if (!state) return throw_error(env, "lab-spawn could not allocate its state.");
  pthread_mutex_init(&state->lock, NULL);
  state->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  state->devnull_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (state->wake_fd < 0 || state->devnull_fd < 0) {
    free_state(env, state, NULL);
    return throw_error(env, "lab-spawn could not open its event descriptor or /dev/null.");
  }
  napi_set_instance_data(env, state, free_state, NULL);
  napi_property_descriptor functions[] = {
      {"watch", NULL, watch, NULL, NULL, NULL, napi_enumerable, NULL},
      {"spawn", NULL, spawn_child, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unavailable", NULL, unavailable, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
  return exports;
}
