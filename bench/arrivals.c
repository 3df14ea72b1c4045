/* Reads the aggregator's stdout (--format json) as it is written and times every line of bench/LoadNodes.
 *
 *   arrivals NODES PROCS COUNT [FIRST] < stream
 *
 * Each line carries its node, process, number and write time: @NNNN.PP:NUMBER:NANOS:padding. Its delay is the
 * CLOCK_REALTIME at which this program read it minus the write time. Prints key=value lines: counts (lost,
 * duplicated, reordered per process, late, corrupt), the rate between the first and last arrival, delay
 * percentiles, and fairness: each node's lines in the window where every node was still busy (from the
 * first arrival to the earliest moment some node's last line arrived), against an equal share. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BUCKET_US 100 /* delay histogram: 0.1 ms buckets up to 120 s */
#define BUCKETS (120 * 1000 * 1000 / BUCKET_US)

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

struct proc { long got, last, order; };
struct node { long got; long long last_arrival; long arrivals_logged; };

static double percentile(const long *hist, long total, double p) {
    if (total == 0) return -1;
    long want = (long)(p * total + 0.999999), seen = 0;
    if (want < 1) want = 1;
    for (long b = 0; b < BUCKETS; b++) {
        seen += hist[b];
        if (seen >= want) return (b + 1) * BUCKET_US / 1000.0;
    }
    return BUCKETS * BUCKET_US / 1000.0;
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: arrivals NODES PROCS COUNT [FIRST] < stream\n"); return 2; }
    int nodes = atoi(argv[1]), procs = atoi(argv[2]);
    long count = atol(argv[3]);
    int first = argc > 4 ? atoi(argv[4]) : 1;
    struct proc *p = calloc((size_t)nodes * procs, sizeof *p);
    struct node *nd = calloc(nodes, sizeof *nd);
    long *hist = calloc(BUCKETS, sizeof *hist);
    /* Arrival time of every line per node is too much to keep; each node's arrivals go to a per-node
     * list of (arrival) so the fairness window can be counted at the end. Lines are at most COUNT per
     * process, so this is bounded by the run. */
    long long **arrivals = calloc(nodes, sizeof *arrivals);
    for (int n = 0; n < nodes; n++) arrivals[n] = malloc(sizeof(long long) * (size_t)(count * procs > 0 ? count * procs : 1));

    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long lines = 0, events = 0, corrupt = 0, late = 0, dup = 0, order = 0, timed = 0, node_ups = 0;
    long long first_arrival = 0, last_arrival = 0, max_delay = 0;
    while ((len = getline(&line, &cap, stdin)) > 0) {
        long long arrived = now_ns();
        lines++;
        char *at = strchr(line, '@');
        if (!at) {
            if (strstr(line, "\"type\":\"event\"")) { events++; if (strstr(line, "\"event\":\"node-up\"")) node_ups++; }
            else corrupt++;
            continue;
        }
        char *end;
        long n = strtol(at + 1, &end, 10) - first;
        if (*end != '.' || n < 0 || n >= nodes) { corrupt++; continue; }
        long q = strtol(end + 1, &end, 10) - 1;
        if (*end != ':' || q < 0 || q >= procs) { corrupt++; continue; }
        long k = strtol(end + 1, &end, 10);
        if (*end != ':' || k < 1 || k > count) { corrupt++; continue; }
        long long written = strtoll(end + 1, &end, 10);
        if (*end != ':') { corrupt++; continue; }
        if (strstr(end, "\"late\":true")) late++;
        struct proc *pp = &p[n * procs + q];
        if (k == pp->last) dup++;
        else if (k < pp->last) order++;
        else pp->last = k;
        pp->got++;
        nd[n].got++;
        nd[n].last_arrival = arrived;
        arrivals[n][nd[n].arrivals_logged++ % (count * procs)] = arrived;
        if (!first_arrival) first_arrival = arrived;
        last_arrival = arrived;
        long long delay = arrived - written;
        if (delay > max_delay) max_delay = delay;
        long b = delay < 0 ? 0 : delay / 1000 / BUCKET_US;
        hist[b < BUCKETS ? b : BUCKETS - 1]++;
        timed++;
    }

    long got = 0, lost = 0, short_procs = 0;
    for (long i = 0; i < (long)nodes * procs; i++) {
        got += p[i].got;
        if (p[i].last < count) { lost += count - p[i].last; short_procs++; }
    }
    /* Lines missing inside what arrived (a hole below the last number) count too. */
    long expected = count * procs * (long)nodes;
    long distinct = got - dup;
    lost = expected - distinct > lost ? expected - distinct : lost;

    /* Fairness: the window in which every node was still sending. */
    long long window_end = 0;
    for (int n = 0; n < nodes; n++)
        if (nd[n].got > 0 && (!window_end || nd[n].last_arrival < window_end)) window_end = nd[n].last_arrival;
    long window_total = 0, min_share = -1, max_share = 0;
    long *shares = calloc(nodes, sizeof *shares);
    for (int n = 0; n < nodes; n++) {
        long in = 0;
        for (long i = 0; i < nd[n].arrivals_logged && i < count * procs; i++)
            if (arrivals[n][i] <= window_end) in++;
        window_total += in;
        shares[n] = in;
        if (min_share < 0 || in < min_share) min_share = in;
        if (in > max_share) max_share = in;
    }
    double fair = nodes ? (double)window_total / nodes : 0;
    double seconds = (last_arrival - first_arrival) / 1e9;
    double window_s = (window_end - first_arrival) / 1e9;

    printf("lines=%ld\nevents=%ld\nnode_ups=%ld\ngot=%ld\nexpected=%ld\nlost=%ld\nshort_procs=%ld\ndup=%ld\norder=%ld\nlate=%ld\ncorrupt=%ld\n",
           lines, events, node_ups, got, expected, lost, short_procs, dup, order, late, corrupt);
    printf("seconds=%.2f\nrate=%.0f\n", seconds, seconds > 0 ? got / seconds : 0);
    printf("p50_ms=%.1f\np90_ms=%.1f\np99_ms=%.1f\np999_ms=%.1f\nmax_ms=%.1f\n", percentile(hist, timed, 0.50),
           percentile(hist, timed, 0.90), percentile(hist, timed, 0.99), percentile(hist, timed, 0.999), max_delay / 1e6);
    printf("fair_window_s=%.2f\nfair_window_rate=%.0f\nfair_share=%.0f\nmin_node_share=%.2f\nmax_node_share=%.2f\n",
           window_s, window_s > 0 ? window_total / window_s : 0, fair, fair > 0 ? min_share / fair : 0, fair > 0 ? max_share / fair : 0);
    /* Each node's share, in node order: whether the least served share something (a remoting connection). */
    printf("node_shares=");
    for (int n = 0; n < nodes; n++) printf("%s%.2f", n ? " " : "", fair > 0 ? shares[n] / fair : 0);
    printf("\n");
    return 0;
}
