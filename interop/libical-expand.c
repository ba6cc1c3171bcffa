/* Expands iCalendar feeds with libical (Evolution, many CalDAV servers), for tempi's interop tests.
 * Same interface and output as interop/expand.py:
 *
 *   interop/build/libical-expand [--custom-tzids] START END FILE...
 *
 * START and END are UTC instants (YYYYMMDDTHHMMSSZ). For each FILE, prints one line per instance
 * that *starts* in [START, END):
 *
 *     FILE<TAB>UID<TAB>YYYYMMDDTHHMMSSZ<TAB>SECONDS
 *
 * sorted, where SECONDS is the length (end instant minus start instant). An all-day event (DTSTART
 * a DATE) is printed as tempi expand prints it, `YYYYMMDD<TAB>D<days>`, for every instance whose
 * first day lies within two days of [START, END); its dates are handled as midnight UTC, and any
 * date-time in it (or a date in a timed event) is an error. Anything libical
 * complains about (a parse error: the X-LIC-ERROR properties its parser inserts), and anything it
 * would silently misread (a TZID the file does not define, a floating or DATE value in a tempi
 * feed), is printed as `FILE<TAB>!ERROR<TAB>message` and the exit code is 1.
 *
 * The occurrences follow libical's icalcomponent_foreach_recurrence (3.0.16), with overrides:
 *   - without an RRULE, DTSTART is an instance; with one, the RRULE's instances are
 *     (icalrecur_iterator from DTSTART, in DTSTART's zone);
 *   - plus every RDATE;
 *   - minus every instance an EXDATE matches (icalproperty_recurrence_is_excluded);
 *   - every instance lasts DTEND - DTSTART of its VEVENT, in exact seconds;
 *   - an instance whose start equals the RECURRENCE-ID (as an instant) of a VEVENT with the same
 *     UID is replaced by that override, which is shown with its own DTSTART and DTEND.
 * One deliberate difference from foreach_recurrence: an `RDATE;TZID=…` is read in its TZID, as
 * every other libical accessor (icalproperty_get_datetime_with_component) reads a TZID.
 * foreach_recurrence in 3.0.16 takes the RDATE's bare value (icalproperty_get_rdate), which has no
 * zone, and so reads every TZID'd RDATE as UTC; libical's own clients (Evolution) expand with
 * their own code and resolve it.
 *
 * Every TZID is resolved from the file's own VTIMEZONEs (icalcomponent_get_timezone), never from
 * libical's built-in zones: a TZID the file does not define is an error. --custom-tzids gives every
 * TZID a `Tempi-` prefix, as expand.py does; since the file's VTIMEZONEs are used either way, it
 * exists so all expanders take the same arguments.
 *
 * Built against Debian's libical-dev 3.0.16 by scripts/ci-setup-interop.sh:
 *   gcc -O2 -Wall -Wextra -o interop/build/libical-expand interop/libical-expand.c $(pkg-config --cflags --libs libical)
 */
#include <libical/ical.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Recurring series are expanded this far past END at most (see icaljs-expand.mjs). */
#define LOOKAHEAD_SECONDS (400L * 86400L)
#define MAX_OCCURRENCES 1000000L

struct row {
    const char *uid;
    time_t start;
    long seconds;
    int all_day; /* start is the first day at midnight UTC, seconds whole days */
};

struct rows {
    struct row *at;
    size_t n, cap;
};

/* Overrides (UID + RECURRENCE-ID as an instant), sorted for bsearch. */
struct key {
    const char *uid;
    time_t at;
};

struct file {
    const char *path;
    int all_day; /* the VEVENT being read has a DATE DTSTART */
    icalcomponent *cal;
    time_t start, end;
    struct rows rows;
    struct key *overrides;
    size_t n_overrides;
    char problem[1024]; /* the first error; the file's rows are dropped when it is set */
};

static void fail(struct file *f, const char *format, ...) {
    if (f->problem[0]) return;
    va_list args;
    va_start(args, format);
    vsnprintf(f->problem, sizeof f->problem, format, args);
    va_end(args);
    for (char *c = f->problem; *c; c++)
        if (*c == '\t' || *c == '\r' || *c == '\n') *c = ' ';
}

static void *grow(void *items, size_t *cap, size_t size) {
    *cap = *cap ? 2 * *cap : 64;
    void *bigger = realloc(items, *cap * size);
    if (!bigger) {
        perror("libical-expand");
        exit(2);
    }
    return bigger;
}

static int key_cmp(const void *a, const void *b) {
    const struct key *x = a, *y = b;
    int c = strcmp(x->uid, y->uid);
    if (c) return c;
    return (x->at > y->at) - (x->at < y->at);
}

static int row_cmp(const void *a, const void *b) {
    const struct row *x = a, *y = b;
    int c = strcmp(x->uid, y->uid);
    if (c) return c;
    if (x->start != y->start) return (x->start > y->start) - (x->start < y->start);
    return (x->seconds > y->seconds) - (x->seconds < y->seconds);
}

static int parse_instant(const char *text, time_t *out) {
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    char tail;
    if (strlen(text) != 16 ||
        sscanf(text, "%4d%2d%2dT%2d%2d%2dZ%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec, &tail) != 6 ||
        text[15] != 'Z')
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *out = timegm(&tm);
    return 1;
}

/* A value as an instant; an error for a DATE or a floating time (tempi writes neither). */
static int instant(struct file *f, struct icaltimetype t, const char *what, const char *uid,
                   time_t *out) {
    if (icaltime_is_null_time(t)) {
        fail(f, "%s of %s: missing or unreadable", what, uid);
        return 0;
    }
    if (t.is_date != f->all_day) {
        fail(f, "%s of %s: %s value %s in %s event", what, uid, t.is_date ? "date" : "date-time",
             icaltime_as_ical_string(t), f->all_day ? "an all-day" : "a timed");
        return 0;
    }
    if (t.is_date) {
        *out = icaltime_as_timet_with_zone(t, icaltimezone_get_utc_timezone());
        return 1;
    }
    if (!t.zone && !icaltime_is_utc(t)) {
        fail(f, "%s of %s: floating time %s (libical found no zone for it)", what, uid,
             icaltime_as_ical_string(t));
        return 0;
    }
    *out = icaltime_as_timet_with_zone(t, t.zone ? t.zone : icaltimezone_get_utc_timezone());
    return 1;
}

/* A property's date-time in its TZID, from the file's VTIMEZONEs only. */
static struct icaltimetype zoned(struct file *f, icalproperty *p, struct icaltimetype t,
                                 const char *uid) {
    icalparameter *tz = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
    if (!tz || icaltime_is_utc(t)) return t;
    const char *tzid = icalparameter_get_tzid(tz);
    icaltimezone *zone = tzid ? icalcomponent_get_timezone(f->cal, tzid) : NULL;
    if (!zone) {
        fail(f, "%s;TZID=%s of %s: no VTIMEZONE with that TZID in the file",
             icalproperty_get_property_name(p), tzid ? tzid : "", uid);
        return t;
    }
    return icaltime_set_timezone(&t, zone);
}

static void keep(struct file *f, const char *uid, time_t start, long seconds) {
    time_t margin = f->all_day ? 2 * 86400 : 0;
    if (start < f->start - margin || start >= f->end + margin) return;
    if (f->rows.n == f->rows.cap) f->rows.at = grow(f->rows.at, &f->rows.cap, sizeof *f->rows.at);
    f->rows.at[f->rows.n++] = (struct row){ uid, start, seconds, f->all_day };
}

static int is_overridden(struct file *f, const char *uid, time_t at) {
    struct key k = { uid, at };
    return f->n_overrides &&
           bsearch(&k, f->overrides, f->n_overrides, sizeof k, key_cmp) != NULL;
}

/* One instance of a master at `t` (in DTSTART's zone): unless an EXDATE excludes it or an
 * override replaces it, it is shown with the master's exact duration. Returns 0 past the end. */
static int instance(struct file *f, icalcomponent *ev, const char *uid,
                    struct icaltimetype *dtstart, struct icaltimetype t, long seconds,
                    const char *what) {
    time_t at;
    if (!instant(f, t, what, uid, &at)) return 0;
    if (at >= f->end + LOOKAHEAD_SECONDS) return 0;
    if (icalproperty_recurrence_is_excluded(ev, dtstart, &t)) return 1;
    if (is_overridden(f, uid, at)) return 1;
    keep(f, uid, at, seconds);
    return 1;
}

/* Every TZID a VEVENT names must be one of the file's VTIMEZONEs. */
static void check_tzids(struct file *f, icalcomponent *ev, const char *uid) {
    for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_ANY_PROPERTY); p;
         p = icalcomponent_get_next_property(ev, ICAL_ANY_PROPERTY)) {
        icalparameter *tz = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
        if (!tz) continue;
        const char *tzid = icalparameter_get_tzid(tz);
        if (!tzid || !icalcomponent_get_timezone(f->cal, tzid))
            fail(f, "%s;TZID=%s of %s: no VTIMEZONE with that TZID in the file",
                 icalproperty_get_property_name(p), tzid ? tzid : "", uid);
    }
}

/* The parser's complaints: X-LIC-ERROR properties, in any component. */
static void check_errors(struct file *f, icalcomponent *c) {
    for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY); p;
         p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY)) {
        const char *text = icalproperty_get_xlicerror(p);
        fail(f, "parse error in %s: %s", icalcomponent_kind_to_string(icalcomponent_isa(c)),
             text ? text : "?");
    }
    for (icalcomponent *sub = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); sub;
         sub = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
        check_errors(f, sub);
}

static void expand_master(struct file *f, icalcomponent *ev, const char *uid) {
    struct icaltimetype dtstart = icalcomponent_get_dtstart(ev);
    struct icaltimetype dtend = icalcomponent_get_dtend(ev);
    time_t start, end;
    if (!instant(f, dtstart, "DTSTART", uid, &start) || !instant(f, dtend, "DTEND", uid, &end))
        return;
    long seconds = (long)(end - start);
    icalproperty *rrule = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY);
    if (!rrule) instance(f, ev, uid, &dtstart, dtstart, seconds, "DTSTART");
    for (; rrule; rrule = icalcomponent_get_next_property(ev, ICAL_RRULE_PROPERTY)) {
        struct icalrecurrencetype recur = icalproperty_get_rrule(rrule);
        icalrecur_iterator *it = icalrecur_iterator_new(recur, dtstart);
        if (!it) {
            fail(f, "RRULE of %s: libical cannot iterate it (%s)", uid,
                 icalerror_strerror(icalerrno));
            return;
        }
        long n = 0;
        for (struct icaltimetype t = icalrecur_iterator_next(it); !icaltime_is_null_time(t);
             t = icalrecur_iterator_next(it)) {
            if (++n > MAX_OCCURRENCES) {
                fail(f, "RRULE of %s: more than %ld occurrences", uid, MAX_OCCURRENCES);
                break;
            }
            if (!instance(f, ev, uid, &dtstart, t, seconds, "an RRULE instance")) break;
        }
        icalrecur_iterator_free(it);
    }
    for (icalproperty *p = icalcomponent_get_first_property(ev, ICAL_RDATE_PROPERTY); p;
         p = icalcomponent_get_next_property(ev, ICAL_RDATE_PROPERTY)) {
        struct icaldatetimeperiodtype rdate = icalproperty_get_rdate(p);
        if (icaltime_is_null_time(rdate.time)) {
            fail(f, "RDATE of %s: a PERIOD or an unreadable value", uid);
            continue;
        }
        instance(f, ev, uid, &dtstart, zoned(f, p, rdate.time, uid), seconds, "RDATE");
    }
}

static void expand(struct file *f, int custom) {
    FILE *in = fopen(f->path, "rb");
    if (!in) {
        fail(f, "cannot open: %s", strerror(errno));
        return;
    }
    size_t size = 0, cap = 0;
    char *text = NULL;
    for (;;) {
        if (size + 4096 + 1 > cap) {
            cap = 2 * (size + 4096 + 1);
            char *bigger = realloc(text, cap);
            if (!bigger) {
                perror("libical-expand");
                exit(2);
            }
            text = bigger;
        }
        size_t got = fread(text + size, 1, 4096, in);
        size += got;
        if (got < 4096) break;
    }
    fclose(in);
    text[size] = 0;
    if (custom) {
        /* TZID= and TZID: get a `Tempi-` prefix (the regex of expand.py). */
        size_t hits = 0;
        for (char *c = text; (c = strstr(c, "TZID")); c += 4)
            if (c[4] == '=' || c[4] == ':') hits++;
        char *renamed = malloc(size + 6 * hits + 1);
        if (!renamed) exit(2);
        char *w = renamed;
        for (char *r = text; *r;) {
            if (!strncmp(r, "TZID", 4) && (r[4] == '=' || r[4] == ':') && r[5] && r[5] != ':' &&
                r[5] != ';' && r[5] != '\r' && r[5] != '\n') {
                memcpy(w, r, 5);
                memcpy(w + 5, "Tempi-", 6);
                w += 11;
                r += 5;
            } else {
                *w++ = *r++;
            }
        }
        *w = 0;
        free(text);
        text = renamed;
    }
    icalerror_clear_errno();
    f->cal = icalparser_parse_string(text);
    free(text);
    if (!f->cal) {
        fail(f, "libical could not parse the file (%s)", icalerror_strerror(icalerrno));
        return;
    }
    if (icalcomponent_isa(f->cal) != ICAL_VCALENDAR_COMPONENT) {
        fail(f, "the file is a %s, not one VCALENDAR",
             icalcomponent_kind_to_string(icalcomponent_isa(f->cal)));
        return;
    }
    check_errors(f, f->cal);
    /* Pass 1: overrides, and the checks. */
    size_t cap_overrides = 0;
    for (icalcomponent *ev = icalcomponent_get_first_component(f->cal, ICAL_VEVENT_COMPONENT); ev;
         ev = icalcomponent_get_next_component(f->cal, ICAL_VEVENT_COMPONENT)) {
        const char *uid = icalcomponent_get_uid(ev);
        if (!uid) {
            fail(f, "a VEVENT without UID");
            continue;
        }
        check_tzids(f, ev, uid);
        f->all_day = icalcomponent_get_dtstart(ev).is_date;
        icalproperty *rid = icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY);
        if (!rid) continue;
        time_t at;
        struct icaltimetype t = icalproperty_get_datetime_with_component(rid, ev);
        if (!instant(f, t, "RECURRENCE-ID", uid, &at)) continue;
        if (f->n_overrides == cap_overrides)
            f->overrides = grow(f->overrides, &cap_overrides, sizeof *f->overrides);
        f->overrides[f->n_overrides++] = (struct key){ uid, at };
    }
    if (f->problem[0]) return;
    qsort(f->overrides, f->n_overrides, sizeof *f->overrides, key_cmp);
    /* Pass 2: masters expanded, overrides as they are. */
    for (icalcomponent *ev = icalcomponent_get_first_component(f->cal, ICAL_VEVENT_COMPONENT); ev;
         ev = icalcomponent_get_next_component(f->cal, ICAL_VEVENT_COMPONENT)) {
        const char *uid = icalcomponent_get_uid(ev);
        f->all_day = icalcomponent_get_dtstart(ev).is_date;
        if (icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY)) {
            time_t start, end;
            if (instant(f, icalcomponent_get_dtstart(ev), "DTSTART", uid, &start) &&
                instant(f, icalcomponent_get_dtend(ev), "DTEND", uid, &end))
                keep(f, uid, start, (long)(end - start));
        } else {
            expand_master(f, ev, uid);
        }
    }
}

int main(int argc, char **argv) {
    int custom = 0, first = 1;
    if (argc > 1 && !strcmp(argv[1], "--custom-tzids")) {
        custom = 1;
        first = 2;
    }
    time_t start, end;
    if (argc - first < 3 || !parse_instant(argv[first], &start) ||
        !parse_instant(argv[first + 1], &end)) {
        fprintf(stderr, "usage: %s [--custom-tzids] START END FILE...\n"
                        "  START, END: UTC instants, YYYYMMDDTHHMMSSZ\n", argv[0]);
        return 2;
    }
    int failed = 0;
    for (int i = first + 2; i < argc; i++) {
        struct file f;
        memset(&f, 0, sizeof f);
        f.path = argv[i];
        f.start = start;
        f.end = end;
        expand(&f, custom);
        if (f.problem[0]) {
            failed = 1;
            printf("%s\t!ERROR\t%s\n", f.path, f.problem);
        } else {
            qsort(f.rows.at, f.rows.n, sizeof *f.rows.at, row_cmp);
            for (size_t r = 0; r < f.rows.n; r++) {
                char when[32];
                struct tm tm;
                gmtime_r(&f.rows.at[r].start, &tm);
                if (f.rows.at[r].all_day) {
                    strftime(when, sizeof when, "%Y%m%d", &tm);
                    printf("%s\t%s\t%s\tD%ld\n", f.path, f.rows.at[r].uid, when,
                           f.rows.at[r].seconds / 86400);
                    continue;
                }
                strftime(when, sizeof when, "%Y%m%dT%H%M%SZ", &tm);
                printf("%s\t%s\t%s\t%ld\n", f.path, f.rows.at[r].uid, when, f.rows.at[r].seconds);
            }
        }
        free(f.rows.at);
        free(f.overrides);
        if (f.cal) icalcomponent_free(f.cal);
    }
    return failed ? 1 : 0;
}
