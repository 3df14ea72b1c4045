/* Line generator for bench/run.sh: the same program feeds every tool measured.
 *
 *   gen TAG COUNT RATE [RUSAGE_FILE]
 *
 * RATE 0: COUNT lines as fast as stdio can write them, each exactly 80 bytes with the newline:
 *   @TAG:000000001:<padding>
 * The number counts from 1 per generator, so a checker can find lost, duplicated, reordered and
 * spliced lines. RATE > 0: COUNT lines paced at RATE lines/s, each flushed at once and carrying the
 * CLOCK_REALTIME nanoseconds taken just before its write, for the latency probe:
 *   @TAG:000000001:1764061254123456789:<padding>
 * With RUSAGE_FILE, appends "TAG user_s sys_s exit_ns" there at exit (its own CPU, not the reader's). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#define LINE_BYTES 80

static const char PAD[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

static long long now_ns(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: gen TAG COUNT RATE [RUSAGE_FILE]\n");
        return 2;
    }
    const char *tag = argv[1];
    long count = atol(argv[2]);
    double rate = atof(argv[3]);
    static char buf[1 << 16];
    setvbuf(stdout, buf, _IOFBF, sizeof buf);

    char line[256];
    if (rate <= 0) {
        for (long i = 1; i <= count; i++) {
            int n = snprintf(line, sizeof line, "@%s:%09ld:", tag, i);
            int pad = LINE_BYTES - 1 - n;
            if (pad < 0) pad = 0;
            memcpy(line + n, PAD, pad);
            line[n + pad] = '\n';
            fwrite(line, 1, n + pad + 1, stdout);
        }
    } else {
        long long period = (long long)(1e9 / rate);
        long long start = now_ns(CLOCK_MONOTONIC);
        for (long i = 1; i <= count; i++) {
            long long due = start + (i - 1) * period;
            struct timespec t = { due / 1000000000LL, due % 1000000000LL };
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL);
            int n = snprintf(line, sizeof line, "@%s:%09ld:%lld:", tag, i, now_ns(CLOCK_REALTIME));
            int pad = LINE_BYTES - 1 - n;
            if (pad < 0) pad = 0;
            memcpy(line + n, PAD, pad);
            line[n + pad] = '\n';
            fwrite(line, 1, n + pad + 1, stdout);
            fflush(stdout);
        }
    }
    fflush(stdout);

    if (argc > 4) {
        struct rusage u;
        getrusage(RUSAGE_SELF, &u);
        FILE *f = fopen(argv[4], "a");
        if (f) {
            fprintf(f, "%s %ld.%06ld %ld.%06ld %lld\n", tag, (long)u.ru_utime.tv_sec, (long)u.ru_utime.tv_usec,
                    (long)u.ru_stime.tv_sec, (long)u.ru_stime.tv_usec, now_ns(CLOCK_REALTIME));
            fclose(f);
        }
    }
    return 0;
}
