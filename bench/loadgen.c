/*
 * minikafka load generator on librdkafka: the load real C/C++/Python/Go (confluent) clients put
 * on a broker, without a Node client's own ceiling hiding the broker's.
 *
 * Usage: loadgen <mode> --brokers B --topic T [options]
 *   create   --partitions P [--topics K]          CreateTopics T (or T.0..T.K-1), P partitions each
 *   produce  --count N --size S --acks A --partitions P [--topics K]
 *            N messages of S bytes round-robin over P partitions, to T (or to each of T.0..T.K-1
 *            in turn, N each: one timed run per topic, so each stays under a per-partition cap)
 *   consume  --count N --partitions P [--members M --group G]
 *            N messages from the beginning: one consumer with every partition assigned, or a group
 *            of M subscribed consumers (one thread each)
 *   latency  --rate R --duration-ms D --acks A --partitions P
 *            produce R msgs/s with the send time in the payload and consume concurrently
 * Prints one JSON object on stdout; progress and errors on stderr. Exit 0 when every message
 * was confirmed (produce) or received (consume, latency).
 * Built by bench/run.ts: cc -O2 -o dist/bench/loadgen bench/loadgen.c -lrdkafka -lpthread
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <librdkafka/rdkafka.h>

static const char *brokers = "127.0.0.1:9092", *topic = "bench", *group = "bench-group";
static const char *acks = "1";
static long count = 100000, size = 100, partitions = 1, topics = 0, members = 0, rate = 1000,
            duration_ms = 10000;

static double now_s(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t now_ns(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what, const char *detail) {
        fprintf(stderr, "loadgen: %s: %s\n", what, detail);
        exit(2);
}

static void set(rd_kafka_conf_t *conf, const char *name, const char *value) {
        char errstr[256];
        if (rd_kafka_conf_set(conf, name, value, errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK)
                die(name, errstr);
}

static rd_kafka_conf_t *base_conf(void) {
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        set(conf, "bootstrap.servers", brokers);
        set(conf, "log_level", "3");
        set(conf, "broker.address.family", "v4");
        return conf;
}

static void topic_name(char *out, size_t cap, long i) {
        if (topics > 0) snprintf(out, cap, "%s.%ld", topic, i);
        else snprintf(out, cap, "%s", topic);
}

/* ---- create ---- */

static int run_create(void) {
        char errstr[256];
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, base_conf(), errstr, sizeof(errstr));
        if (!rk) die("rd_kafka_new", errstr);
        long k = topics > 0 ? topics : 1;
        rd_kafka_NewTopic_t **nt = calloc((size_t)k, sizeof(*nt));
        for (long i = 0; i < k; i++) {
                char name[256];
                topic_name(name, sizeof(name), i);
                nt[i] = rd_kafka_NewTopic_new(name, (int)partitions, 1, errstr, sizeof(errstr));
                if (!nt[i]) die("NewTopic", errstr);
        }
        rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
        rd_kafka_AdminOptions_t *opts = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
        rd_kafka_AdminOptions_set_operation_timeout(opts, 30000, errstr, sizeof(errstr));
        rd_kafka_AdminOptions_set_request_timeout(opts, 30000, errstr, sizeof(errstr));
        double t0 = now_s();
        rd_kafka_CreateTopics(rk, nt, (size_t)k, opts, q);
        rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 40000);
        if (!ev) die("CreateTopics", "timed out");
        if (rd_kafka_event_error(ev)) die("CreateTopics", rd_kafka_event_error_string(ev));
        size_t n;
        const rd_kafka_topic_result_t **res =
            rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
        int failed = 0;
        for (size_t i = 0; i < n; i++) {
                rd_kafka_resp_err_t err = rd_kafka_topic_result_error(res[i]);
                if (err && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
                        fprintf(stderr, "loadgen: create %s: %s\n", rd_kafka_topic_result_name(res[i]),
                                rd_kafka_err2str(err));
                        failed++;
                }
        }
        printf("{\"mode\":\"create\",\"topics\":%ld,\"partitions\":%ld,\"seconds\":%.6f,\"failed\":%d}\n",
               k, partitions, now_s() - t0, failed);
        rd_kafka_event_destroy(ev);
        rd_kafka_AdminOptions_destroy(opts);
        rd_kafka_queue_destroy(q);
        rd_kafka_NewTopic_destroy_array(nt, (size_t)k);
        free(nt);
        rd_kafka_destroy(rk);
        return failed ? 1 : 0;
}

/* ---- produce ---- */

static atomic_long delivered_ok, delivered_err;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
        (void)rk;
        (void)opaque;
        if (m->err) {
                if (atomic_fetch_add(&delivered_err, 1) < 5)
                        fprintf(stderr, "loadgen: delivery failed: %s\n", rd_kafka_err2str(m->err));
        } else {
                atomic_fetch_add(&delivered_ok, 1);
        }
}

static rd_kafka_t *new_producer(int for_latency) {
        char errstr[256];
        rd_kafka_conf_t *conf = base_conf();
        set(conf, "acks", acks);
        set(conf, "linger.ms", for_latency ? "0" : "5");
        set(conf, "queue.buffering.max.messages", "1000000");
        set(conf, "queue.buffering.max.kbytes", "1048576");
        set(conf, "enable.idempotence", "false");
        set(conf, "compression.codec", "none");
        rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk) die("rd_kafka_new", errstr);
        return rk;
}

/* Waits until every partition of `name` has a leader, so no timed run pays for metadata or an election. */
static void await_metadata(rd_kafka_t *rk, rd_kafka_topic_t *rkt) {
        double t0 = now_s();
        while (now_s() - t0 < 20) {
                const struct rd_kafka_metadata *md;
                if (rd_kafka_metadata(rk, 0, rkt, &md, 2000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
                        int ok = md->topic_cnt == 1 && !md->topics[0].err &&
                                 md->topics[0].partition_cnt >= partitions;
                        /* Apache Kafka lists a new topic's partitions before their leaders are elected. */
                        for (int p = 0; ok && p < md->topics[0].partition_cnt; p++)
                                ok = !md->topics[0].partitions[p].err && md->topics[0].partitions[p].leader >= 0;
                        rd_kafka_metadata_destroy(md);
                        if (ok) return;
                }
                rd_kafka_poll(rk, 100);
        }
        die("metadata", rd_kafka_topic_name(rkt));
}

static void produce_one(rd_kafka_t *rk, rd_kafka_topic_t *rkt, int32_t part, void *buf, size_t len) {
        while (rd_kafka_produce(rkt, part, RD_KAFKA_MSG_F_COPY, buf, len, NULL, 0, NULL) == -1) {
                if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL)
                        die("produce", rd_kafka_err2str(rd_kafka_last_error()));
                rd_kafka_poll(rk, 1);
        }
}

static int run_produce(void) {
        rd_kafka_t *rk = new_producer(0);
        char *payload = malloc((size_t)size);
        for (long i = 0; i < size; i++) payload[i] = (char)('a' + i % 26);
        long k = topics > 0 ? topics : 1;
        printf("{\"mode\":\"produce\",\"size\":%ld,\"acks\":\"%s\",\"partitions\":%ld,\"runs\":[", size, acks,
               partitions);
        int failed = 0;
        for (long t = 0; t < k; t++) {
                char name[256];
                topic_name(name, sizeof(name), t);
                rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, name, NULL);
                await_metadata(rk, rkt);
                atomic_store(&delivered_ok, 0);
                atomic_store(&delivered_err, 0);
                double t0 = now_s();
                for (long i = 0; i < count; i++) {
                        produce_one(rk, rkt, (int32_t)(i % partitions), payload, (size_t)size);
                        if ((i & 1023) == 0) rd_kafka_poll(rk, 0);
                }
                while (atomic_load(&delivered_ok) + atomic_load(&delivered_err) < count &&
                       now_s() - t0 < 120)
                        rd_kafka_poll(rk, 1);
                double secs = now_s() - t0;
                long ok = atomic_load(&delivered_ok), err = atomic_load(&delivered_err);
                if (ok != count) failed = 1;
                printf("%s{\"topic\":\"%s\",\"count\":%ld,\"delivered\":%ld,\"errors\":%ld,\"seconds\":%.6f,"
                       "\"msgsPerSec\":%.1f,\"mbPerSec\":%.3f}",
                       t ? "," : "", name, count, ok, err, secs, (double)ok / secs,
                       (double)ok * (double)size / secs / 1e6);
                rd_kafka_topic_destroy(rkt);
        }
        printf("]}\n");
        rd_kafka_flush(rk, 10000);
        rd_kafka_destroy(rk);
        free(payload);
        return failed;
}

/* ---- consume ---- */

static atomic_long received, received_bytes;
static atomic_int errors_seen;
/* The timed window is first to last message. It used to end when every member's thread returned,
 * which in a group is up to one poll timeout (100 ms) after the last message: a member with nothing
 * left sits in rd_kafka_consumer_poll until it times out. That added ~0.1 s to 0.04-0.1 s reads. */
static double first_msg_s, last_msg_s, consume_t0;
/* Members that received at least one message (a group whose first generation formed without every
 * member reads with fewer). */
static atomic_int members_reading;
static pthread_mutex_t first_lock = PTHREAD_MUTEX_INITIALIZER;

static rd_kafka_t *new_consumer(const char *group_id) {
        char errstr[256];
        rd_kafka_conf_t *conf = base_conf();
        set(conf, "group.id", group_id);
        set(conf, "enable.auto.commit", "false");
        set(conf, "auto.offset.reset", "earliest");
        set(conf, "enable.partition.eof", "false");
        set(conf, "session.timeout.ms", "10000");
        set(conf, "heartbeat.interval.ms", "1000");
        /* Every phase fits in the local queue: no queue-full fetch backoff (500 ms in librdkafka 2.0) inside a timed read. */
        set(conf, "queued.min.messages", "1000000");
        rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr));
        if (!rk) die("rd_kafka_new", errstr);
        rd_kafka_poll_set_consumer(rk);
        return rk;
}

static void note_first(void) {
        pthread_mutex_lock(&first_lock);
        if (first_msg_s == 0) first_msg_s = now_s();
        pthread_mutex_unlock(&first_lock);
}

static void *consume_loop(void *arg) {
        rd_kafka_t *rk = arg;
        int reading = 0;
        while (atomic_load(&received) < count && now_s() - consume_t0 < 120) {
                rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
                if (!m) continue;
                if (m->err) {
                        if (atomic_fetch_add(&errors_seen, 1) < 5)
                                fprintf(stderr, "loadgen: consume: %s\n", rd_kafka_message_errstr(m));
                } else {
                        if (first_msg_s == 0) note_first();
                        if (!reading) {
                                reading = 1;
                                atomic_fetch_add(&members_reading, 1);
                        }
                        atomic_fetch_add(&received_bytes, (long)m->len);
                        if (atomic_fetch_add(&received, 1) + 1 == count) last_msg_s = now_s();
                }
                rd_kafka_message_destroy(m);
        }
        return NULL;
}

static int run_consume(void) {
        long m = members > 0 ? members : 1;
        rd_kafka_t **rks = calloc((size_t)m, sizeof(*rks));
        pthread_t *threads = calloc((size_t)m, sizeof(*threads));
        consume_t0 = now_s();
        for (long i = 0; i < m; i++) {
                rks[i] = new_consumer(members > 0 ? group : "loadgen-standalone");
                rd_kafka_topic_partition_list_t *tp = rd_kafka_topic_partition_list_new((int)partitions);
                if (members > 0) {
                        rd_kafka_topic_partition_list_add(tp, topic, RD_KAFKA_PARTITION_UA);
                        rd_kafka_resp_err_t err = rd_kafka_subscribe(rks[i], tp);
                        if (err) die("subscribe", rd_kafka_err2str(err));
                } else {
                        for (long p = 0; p < partitions; p++)
                                rd_kafka_topic_partition_list_add(tp, topic, (int32_t)p)->offset =
                                    RD_KAFKA_OFFSET_BEGINNING;
                        rd_kafka_resp_err_t err = rd_kafka_assign(rks[i], tp);
                        if (err) die("assign", rd_kafka_err2str(err));
                }
                rd_kafka_topic_partition_list_destroy(tp);
        }
        for (long i = 0; i < m; i++) pthread_create(&threads[i], NULL, consume_loop, rks[i]);
        for (long i = 0; i < m; i++) pthread_join(threads[i], NULL);
        double end = last_msg_s > 0 ? last_msg_s : now_s();
        long got = atomic_load(&received);
        double secs = first_msg_s > 0 ? end - first_msg_s : 0;
        printf("{\"mode\":\"consume\",\"members\":%ld,\"membersReading\":%d,\"partitions\":%ld,\"count\":%ld,\"received\":%ld,"
               "\"bytes\":%ld,\"startSeconds\":%.6f,\"seconds\":%.6f,\"msgsPerSec\":%.1f,\"mbPerSec\":%.3f}\n",
               members, atomic_load(&members_reading), partitions, count, got, atomic_load(&received_bytes),
               first_msg_s > 0 ? first_msg_s - consume_t0 : -1, secs, secs > 0 ? (double)got / secs : 0,
               secs > 0 ? (double)atomic_load(&received_bytes) / secs / 1e6 : 0);
        for (long i = 0; i < m; i++) {
                rd_kafka_consumer_close(rks[i]);
                rd_kafka_destroy(rks[i]);
        }
        free(rks);
        free(threads);
        return got >= count ? 0 : 1;
}

/* ---- latency ---- */

static int64_t *lat_ns;
static atomic_long lat_n;
static atomic_int producing_done;

static void *latency_consumer(void *arg) {
        rd_kafka_t *rk = arg;
        double idle_since = 0;
        for (;;) {
                rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 50);
                if (!m) {
                        if (atomic_load(&producing_done)) {
                                if (idle_since == 0) idle_since = now_s();
                                else if (now_s() - idle_since > 3) break;
                        }
                        continue;
                }
                if (!m->err && m->len >= 8) {
                        int64_t sent;
                        memcpy(&sent, m->payload, 8);
                        long i = atomic_fetch_add(&lat_n, 1);
                        if (i < count) lat_ns[i] = now_ns() - sent;
                        if (i + 1 >= count) {
                                rd_kafka_message_destroy(m);
                                break;
                        }
                } else if (m->err) {
                        fprintf(stderr, "loadgen: latency consume: %s\n", rd_kafka_message_errstr(m));
                }
                rd_kafka_message_destroy(m);
        }
        return NULL;
}

static int cmp_i64(const void *a, const void *b) {
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
        return (x > y) - (x < y);
}

static int run_latency(void) {
        count = rate * duration_ms / 1000;
        lat_ns = calloc((size_t)count, sizeof(*lat_ns));
        rd_kafka_t *consumer = new_consumer("loadgen-latency");
        rd_kafka_topic_partition_list_t *tp = rd_kafka_topic_partition_list_new((int)partitions);
        for (long p = 0; p < partitions; p++)
                rd_kafka_topic_partition_list_add(tp, topic, (int32_t)p)->offset = RD_KAFKA_OFFSET_BEGINNING;
        rd_kafka_assign(consumer, tp);
        rd_kafka_topic_partition_list_destroy(tp);
        rd_kafka_t *producer = new_producer(1);
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(producer, topic, NULL);
        await_metadata(producer, rkt);
        /* Let the consumer's first fetch park before the first message is sent. */
        for (int i = 0; i < 10; i++) {
                rd_kafka_message_t *m = rd_kafka_consumer_poll(consumer, 100);
                if (m) rd_kafka_message_destroy(m);
        }
        pthread_t th;
        pthread_create(&th, NULL, latency_consumer, consumer);
        char *payload = calloc(1, (size_t)(size < 8 ? 8 : size));
        int64_t period = 1000000000LL / rate, start = now_ns();
        for (long i = 0; i < count; i++) {
                int64_t due = start + i * period;
                struct timespec ts = {.tv_sec = due / 1000000000LL, .tv_nsec = due % 1000000000LL};
                clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
                int64_t sent = now_ns();
                memcpy(payload, &sent, 8);
                produce_one(producer, rkt, (int32_t)(i % partitions), payload, (size_t)(size < 8 ? 8 : size));
                rd_kafka_poll(producer, 0);
        }
        rd_kafka_flush(producer, 10000);
        atomic_store(&producing_done, 1);
        pthread_join(th, NULL);
        long n = atomic_load(&lat_n);
        if (n > count) n = count;
        /* The first second warms connections up: leave it out of the percentiles. */
        long skip = rate < n ? rate : 0;
        long m = n - skip;
        qsort(lat_ns + skip, (size_t)m, sizeof(int64_t), cmp_i64);
        double p50 = m ? lat_ns[skip + m / 2] / 1e6 : -1, p99 = m ? lat_ns[skip + (m * 99) / 100] / 1e6 : -1,
               max = m ? lat_ns[skip + m - 1] / 1e6 : -1;
        printf("{\"mode\":\"latency\",\"acks\":\"%s\",\"rate\":%ld,\"count\":%ld,\"received\":%ld,"
               "\"delivered\":%ld,\"measured\":%ld,\"p50Ms\":%.3f,\"p99Ms\":%.3f,\"maxMs\":%.3f}\n",
               acks, rate, count, n, atomic_load(&delivered_ok), m, p50, p99, max);
        rd_kafka_topic_destroy(rkt);
        rd_kafka_destroy(producer);
        rd_kafka_consumer_close(consumer);
        rd_kafka_destroy(consumer);
        return n >= count ? 0 : 1;
}

int main(int argc, char **argv) {
        if (argc < 2) die("usage", "loadgen create|produce|consume|latency --brokers B --topic T ...");
        const char *mode = argv[1];
        for (int i = 2; i + 1 < argc; i += 2) {
                const char *k = argv[i], *v = argv[i + 1];
                if (!strcmp(k, "--brokers")) brokers = v;
                else if (!strcmp(k, "--topic")) topic = v;
                else if (!strcmp(k, "--group")) group = v;
                else if (!strcmp(k, "--acks")) acks = v;
                else if (!strcmp(k, "--count")) count = atol(v);
                else if (!strcmp(k, "--size")) size = atol(v);
                else if (!strcmp(k, "--partitions")) partitions = atol(v);
                else if (!strcmp(k, "--topics")) topics = atol(v);
                else if (!strcmp(k, "--members")) members = atol(v);
                else if (!strcmp(k, "--rate")) rate = atol(v);
                else if (!strcmp(k, "--duration-ms")) duration_ms = atol(v);
                else die("unknown option", k);
        }
        if (partitions < 1 || count < 1 || size < 1 || rate < 1) die("usage", "counts must be positive");
        if (!strcmp(mode, "create")) return run_create();
        if (!strcmp(mode, "produce")) return run_produce();
        if (!strcmp(mode, "consume")) return run_consume();
        if (!strcmp(mode, "latency")) return run_latency();
        die("unknown mode", mode);
        return 2;
}
