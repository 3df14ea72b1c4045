/* Checks a captured stream of gen's lines: what was lost, duplicated, reordered, spliced or mislabelled.
 *
 *   check MODE COUNT TAG... < FILE
 *
 * MODE is json (chorus --format json), text (chorus --format text, node "bench") or tag (parallel --tag).
 * Every generator TAG wrote COUNT numbered lines. Prints key=value lines, per tag and in total. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TAGS 16
static const char PAD[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

struct tag {
    const char *name;
    size_t len;
    unsigned char *seen;
    long got, distinct, order, last, first_order_line, mislabelled;
};

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: check json|text|tag COUNT TAG... < FILE\n"); return 2; }
    const char *mode = argv[1];
    long count = atol(argv[2]);
    int ntags = argc - 3 > MAX_TAGS ? MAX_TAGS : argc - 3;
    struct tag tags[MAX_TAGS];
    for (int t = 0; t < ntags; t++) {
        tags[t] = (struct tag){ .name = argv[3 + t], .len = strlen(argv[3 + t]) };
        tags[t].seen = calloc(count / 8 + 2, 1);
    }
    int json = strcmp(mode, "json") == 0, text = strcmp(mode, "text") == 0;

    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0, events = 0, corrupt = 0, late = 0, first_corrupt = 0;
    char ts_first[64] = "", ts_last[64] = "";
    while ((n = getline(&line, &cap, stdin)) > 0) {
        lineno++;
        if (line[n - 1] == '\n') line[--n] = 0;
        char *at = strstr(line, "@");
        if (!at) {
            /* Events are expected in chorus output; anything else without a marker is damage. */
            if ((json && strstr(line, "\"type\":\"event\"")) || (text && strstr(line, " * "))) events++;
            else { corrupt++; if (!first_corrupt) first_corrupt = lineno; }
            continue;
        }
        int t = 0;
        for (; t < ntags; t++)
            if (strncmp(at + 1, tags[t].name, tags[t].len) == 0 && at[1 + tags[t].len] == ':') break;
        char *num = at + 1 + (t < ntags ? tags[t].len : 0) + 1;
        char *end;
        long k = strtol(num, &end, 10);
        char *pad = end + 1;
        size_t want = 80 - 1 - (size_t)(pad - at);
        /* The line must be whole: marker, number, padding, and then the end of the text. */
        int whole = t < ntags && end - num == 9 && *end == ':' && k >= 1 && k <= count &&
                    strlen(pad) >= want && memcmp(pad, PAD, want) == 0 &&
                    (json ? pad[want] == '"' : (pad[want] == 0 || strcmp(pad + want, " (late)") == 0));
        if (!whole) { corrupt++; if (!first_corrupt) first_corrupt = lineno; continue; }
        struct tag *g = &tags[t];
        char label[64];
        if (json) snprintf(label, sizeof label, "\"proc\":\"%s\"", g->name);
        else if (text) snprintf(label, sizeof label, "/%s ", g->name);
        else snprintf(label, sizeof label, "%s\t", g->name);
        char *l = strstr(line, label);
        if (!l || l > at || (!json && !text && l != line)) g->mislabelled++;
        if (json ? strstr(pad + want, "\"late\":true") != NULL : strstr(pad + want, " (late)") != NULL) late++;
        if (json) {
            char *ts = strstr(line, "\"ts\":\"");
            if (ts) {
                char *e = strchr(ts + 6, '"');
                size_t len = e ? (size_t)(e - ts - 6) : 0;
                if (len < sizeof ts_last) {
                    memcpy(ts_last, ts + 6, len); ts_last[len] = 0;
                    if (!ts_first[0]) strcpy(ts_first, ts_last);
                }
            }
        }
        g->got++;
        if (!(g->seen[k >> 3] & (1 << (k & 7)))) { g->seen[k >> 3] |= 1 << (k & 7); g->distinct++; }
        if (k <= g->last) { g->order++; if (!g->first_order_line) g->first_order_line = lineno; }
        else g->last = k;
    }

    long got = 0, lost = 0, dup = 0, order = 0, mis = 0;
    for (int t = 0; t < ntags; t++) {
        struct tag *g = &tags[t];
        long first_missing = 0;
        for (long k = 1; k <= count && !first_missing; k++)
            if (!(g->seen[k >> 3] & (1 << (k & 7)))) first_missing = k;
        printf("%s.got=%ld\n%s.lost=%ld\n%s.dup=%ld\n%s.order=%ld\n%s.mislabelled=%ld\n"
               "%s.first_missing=%ld\n%s.first_order_line=%ld\n",
               g->name, g->got, g->name, count - g->distinct, g->name, g->got - g->distinct,
               g->name, g->order, g->name, g->mislabelled, g->name, first_missing, g->name, g->first_order_line);
        got += g->got; lost += count - g->distinct; dup += g->got - g->distinct; order += g->order;
        mis += g->mislabelled;
    }
    printf("lines=%ld\ngot=%ld\nlost=%ld\ndup=%ld\norder=%ld\nmislabelled=%ld\ncorrupt=%ld\n"
           "first_corrupt_line=%ld\nevents=%ld\nlate=%ld\nts_first=%s\nts_last=%s\n",
           lineno, got, lost, dup, order, mis, corrupt, first_corrupt, events, late, ts_first, ts_last);
    return 0;
}
