/* Fault injection for tests/faults.rs (issue 28, item 8), loaded with LD_PRELOAD into the real
 * gsl-vault binary. Environment (test harness only, never a secret):
 *   GSLV_FAIL_DIR_FSYNC=1   fsync of a directory fails with EIO (the rename has happened);
 *   GSLV_FAIL_WRITE=TEXT    write to a file whose path contains TEXT fails with ENOSPC;
 *   GSLV_FAIL_UNLINK=TEXT   unlink of a path containing TEXT fails with EIO. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int fsync(int fd) {
    struct stat st;
    if (getenv("GSLV_FAIL_DIR_FSYNC") && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        errno = EIO;
        return -1;
    }
    return (int)syscall(SYS_fsync, fd);
}

ssize_t write(int fd, const void *buf, size_t n) {
    const char *want = getenv("GSLV_FAIL_WRITE");
    if (want && *want) {
        char link[64], path[4096];
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t len = readlink(link, path, sizeof path - 1);
        if (len > 0) {
            path[len] = 0;
            if (strstr(path, want)) {
                errno = ENOSPC;
                return -1;
            }
        }
    }
    return (ssize_t)syscall(SYS_write, fd, buf, n);
}

int unlink(const char *path) {
    const char *want = getenv("GSLV_FAIL_UNLINK");
    if (want && *want && strstr(path, want)) {
        errno = EIO;
        return -1;
    }
    return (int)syscall(SYS_unlink, path);
}
