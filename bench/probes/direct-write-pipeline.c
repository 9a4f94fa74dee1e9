// What the local disk of this VM allows a checkpoint of 10 MB, without .NET, Orleans or GrainFlow:
// one thread copies 10 400 scattered 1,000-byte values into 4 KiB-aligned parts of 1, 1, 1, 1, 2, 2,
// 2, 2 MiB (GrainFlow's part plan) while another writes each finished part with O_DIRECT, against
// the raw write of the same bytes from one ready buffer (8 + 2 MiB, as the benchmark's reference).
// Runs alternate; it prints the medians and the median of each pair's raw/pipelined ratio.
//
//   gcc -O2 -pthread bench/probes/direct-write-pipeline.c -o /tmp/pipeline && (cd /tmp && ./pipeline)
//
// It writes p.bin and r.bin in the current directory (which must allow O_DIRECT) and deletes them.
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define VALUES 10400
#define VALUE_BYTES 1000
#define ENTRY_BYTES (8 + VALUE_BYTES)
#define PARTS 8
#define RUNS 61
#define MIB (1 << 20)

static const size_t part_mib[PARTS] = {1, 1, 1, 1, 2, 2, 2, 2};
static char *values[VALUES];
static char *parts[PARTS];
static size_t part_length[PARTS];
static sem_t part_ready[PARTS];

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void write_all(int fd, const char *buffer, size_t length, off_t offset) {
    while (length > 0) {
        ssize_t n = pwrite(fd, buffer, length, offset);
        if (n <= 0) { perror("pwrite"); exit(1); }
        buffer += n; length -= (size_t)n; offset += n;
    }
}

static int create_direct(const char *path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_DIRECT, 0644);
    if (fd < 0) { perror("open with O_DIRECT"); exit(1); }
    return fd;
}

// Serializes: key, then the value, entry after entry; each part is padded to a whole block.
static void *serialize(void *unused) {
    (void)unused;
    int value = 0;
    for (int p = 0; p < PARTS; p++) {
        size_t capacity = part_mib[p] * MIB, used = 0;
        while (value < VALUES && used + ENTRY_BYTES <= capacity) {
            memcpy(parts[p] + used, &value, sizeof value);
            memcpy(parts[p] + used + 8, values[value], VALUE_BYTES);
            used += ENTRY_BYTES;
            value++;
        }
        part_length[p] = (used + 4095) / 4096 * 4096;
        sem_post(&part_ready[p]);
        if (value == VALUES) {
            for (int rest = p + 1; rest < PARTS; rest++) { part_length[rest] = 0; sem_post(&part_ready[rest]); }
            break;
        }
    }
    return NULL;
}

static double pipelined(void) {
    for (int p = 0; p < PARTS; p++) sem_init(&part_ready[p], 0, 0);
    double start = now_ms();
    pthread_t serializer;
    pthread_create(&serializer, NULL, serialize, NULL);
    int fd = create_direct("p.bin");
    off_t offset = 0;
    for (int p = 0; p < PARTS; p++) {
        sem_wait(&part_ready[p]);
        if (part_length[p] == 0) break;
        write_all(fd, parts[p], part_length[p], offset);
        offset += (off_t)part_length[p];
    }
    fdatasync(fd);
    close(fd);
    double elapsed = now_ms() - start;
    pthread_join(serializer, NULL);
    unlink("p.bin");
    return elapsed;
}

static double raw(const char *buffer) {
    double start = now_ms();
    int fd = create_direct("r.bin");
    write_all(fd, buffer, 8 * MIB, 0);
    write_all(fd, buffer, 2 * MIB, 8 * MIB);
    fdatasync(fd);
    close(fd);
    double elapsed = now_ms() - start;
    unlink("r.bin");
    return elapsed;
}

int main(void) {
    srand(1);
    for (int i = 0; i < VALUES; i++) {
        // Allocated one by one, with uneven sizes, as values arrive in a real state.
        values[i] = malloc(VALUE_BYTES + rand() % 64);
        for (int b = 0; b < VALUE_BYTES; b++) values[i][b] = (char)rand();
    }
    for (int p = 0; p < PARTS; p++) {
        if (posix_memalign((void **)&parts[p], 4096, part_mib[p] * MIB) != 0) return 1;
    }
    char *reference;
    if (posix_memalign((void **)&reference, 4096, 10 * MIB) != 0) return 1;
    memset(reference, 3, 10 * MIB);

    double with_serializer[RUNS], raw_write[RUNS], ratio[RUNS];
    for (int run = 0; run < RUNS; run++) {
        with_serializer[run] = pipelined();
        usleep(30000);
        raw_write[run] = raw(reference);
        usleep(30000);
        ratio[run] = raw_write[run] / with_serializer[run];
    }
    qsort(with_serializer, RUNS, sizeof(double), by_value);
    qsort(raw_write, RUNS, sizeof(double), by_value);
    qsort(ratio, RUNS, sizeof(double), by_value);
    printf("serialize + write median %.2f ms, raw write median %.2f ms, raw/pipelined of the medians %.2f, "
           "per pair median %.2f (quartiles %.2f-%.2f)\n",
           with_serializer[RUNS / 2], raw_write[RUNS / 2], raw_write[RUNS / 2] / with_serializer[RUNS / 2],
           ratio[RUNS / 2], ratio[RUNS / 4], ratio[3 * RUNS / 4]);
    return 0;
}
