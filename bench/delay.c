/* Write-to-stdout delay, for bench/latency.sh: reads a tool's stdout (a pipe) and, for every line of gen's
 * paced mode (@TAG:NUMBER:NANOS:padding, wherever it sits in the line), takes the CLOCK_REALTIME of the
 * read that brought it minus NANOS, the time the generator wrote it.
 *
 *   delay LINES SECONDS [all|after-node-up [DELAYS_FILE]] > RESULT
 *
 * Reads until LINES such lines have arrived, the input ends or SECONDS pass. With after-node-up, only lines
 * written after a line containing "node-up" arrived count (lines written while a node joins wait for the
 * join; that is the join's figure, not this one). Prints key=value lines: lines, missing, order (lines whose
 * number is not one more than the last of their tag), p50_ms p90_ms p99_ms max_ms; and steady_* the same for
 * lines written from one second after node-up on (a fresh process's first calls run code the runtime is still
 * compiling: how much of the p99 that is, and what a long-running aggregator sees). DELAYS_FILE gets one line
 * per counted line: milliseconds since the first counted line's write, and its delay in ms (when were the slow ones). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>

#define MAX_TAGS 16

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(const double *v, long n, double p) {
    if (n == 0) return 0;
    long i = (long)(p * (n - 1) + 0.5);
    return v[i];
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: delay LINES SECONDS [all|after-node-up [DELAYS_FILE]]\n"); return 2; }
    long wanted = atol(argv[1]);
    long long deadline = now_ns() + (long long)(atof(argv[2]) * 1e9);
    int after_up = argc > 3 && strcmp(argv[3], "after-node-up") == 0;
    FILE *each = argc > 4 ? fopen(argv[4], "w") : NULL;
    long long first_written = 0;
    long long up_ns = after_up ? -1 : 0;

    double *delays = malloc(sizeof(double) * (size_t)(wanted + 1));
    double *steady = malloc(sizeof(double) * (size_t)(wanted + 1));
    long nsteady = 0;
    char tags[MAX_TAGS][16];
    long last[MAX_TAGS];
    int ntags = 0;
    long seen = 0, counted = 0, order = 0;
    static char buf[1 << 20];
    size_t have = 0;

    while (seen < wanted) {
        long long left = deadline - now_ns();
        if (left <= 0) break;
        struct pollfd p = { 0, POLLIN, 0 };
        if (poll(&p, 1, (int)(left / 1000000) + 1) <= 0) continue;
        ssize_t n = read(0, buf + have, sizeof buf - have - 1);
        if (n <= 0) break;
        long long arrived = now_ns();
        have += (size_t)n;
        char *start = buf, *end = buf + have, *nl;
        while ((nl = memchr(start, '\n', (size_t)(end - start))) != NULL) {
            *nl = 0;
            if (up_ns < 0 && strstr(start, "node-up")) up_ns = arrived;
            char *at = strchr(start, '@');
            char *c1 = at ? strchr(at, ':') : NULL;
            char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
            if (c1 && c2 && c1 - at - 1 < 16) {
                long number = atol(c1 + 1);
                long long written = atoll(c2 + 1);
                int t = 0;
                for (; t < ntags; t++)
                    if ((long)strlen(tags[t]) == c1 - at - 1 && strncmp(tags[t], at + 1, (size_t)(c1 - at - 1)) == 0) break;
                if (t == ntags && ntags < MAX_TAGS) {
                    memcpy(tags[t], at + 1, (size_t)(c1 - at - 1));
                    tags[t][c1 - at - 1] = 0;
                    last[t] = 0;
                    ntags++;
                }
                if (t < ntags) {
                    if (number != last[t] + 1) order++;
                    last[t] = number;
                }
                seen++;
                if (up_ns >= 0 && written >= up_ns && counted < wanted) {
                    if (counted == 0) first_written = written;
                    delays[counted++] = (arrived - written) / 1e6;
                    /* From a second after node-up; without node-up (parallel), after the first line's write. */
                    if (written >= (after_up ? up_ns : first_written) + 1000000000LL) steady[nsteady++] = delays[counted - 1];
                    if (each) fprintf(each, "%.1f %.2f\n", (written - first_written) / 1e6, delays[counted - 1]);
                }
            }
            start = nl + 1;
        }
        have = (size_t)(end - start);
        memmove(buf, start, have);
    }

    qsort(delays, (size_t)counted, sizeof(double), by_value);
    printf("lines=%ld\ncounted=%ld\nmissing=%ld\norder=%ld\n", seen, counted, wanted - seen, order);
    printf("p50_ms=%.2f\np90_ms=%.2f\np99_ms=%.2f\nmax_ms=%.2f\n", pct(delays, counted, 0.50), pct(delays, counted, 0.90),
           pct(delays, counted, 0.99), counted ? delays[counted - 1] : 0);
    qsort(steady, (size_t)nsteady, sizeof(double), by_value);
    printf("steady_counted=%ld\nsteady_p50_ms=%.2f\nsteady_p99_ms=%.2f\nsteady_max_ms=%.2f\n", nsteady, pct(steady, nsteady, 0.50),
           pct(steady, nsteady, 0.99), nsteady ? steady[nsteady - 1] : 0);
    return 0;
}
