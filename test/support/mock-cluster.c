/*
 * librdkafka mock cluster as a standalone process: an independent Kafka protocol
 * implementation our client-side test code can run against before (and besides) our broker.
 *
 * Usage: mock-cluster [broker_cnt (default 3)] [topic:partitions ...]
 * Prints "bootstrap <host:port,...>" on stdout, then reads commands from stdin, one a line:
 *   create <topic> <partitions>   -> "ok create <topic>" or "error create <topic> <reason>"
 *   apiversion <key> <min> <max>  -> "ok apiversion <key>" (narrow what the mock advertises)
 *   error <apiKey> <errorCode> <count> -> "ok error <apiKey>" (the next <count> requests of that
 *                                   API, on any broker, fail with <errorCode>)
 *   leader <topic> <partition> <broker> -> "ok leader <topic>" (move a partition's leader)
 * Exits cleanly when stdin closes or on SIGTERM/SIGINT.
 * Built by test/support/mock-cluster.ts: cc -O1 -o <bin> mock-cluster.c -lrdkafka
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

static volatile sig_atomic_t stopping = 0;

static void on_signal(int sig) {
        (void)sig;
        stopping = 1;
}

static int create_topic(rd_kafka_mock_cluster_t *mc, const char *spec_in) {
        char spec[512];
        snprintf(spec, sizeof(spec), "%s", spec_in);
        char *colon = strrchr(spec, ':');
        int partitions = 1;
        if (colon) {
                *colon     = '\0';
                partitions = atoi(colon + 1);
        }
        rd_kafka_resp_err_t err =
            rd_kafka_mock_topic_create(mc, spec, partitions, 1);
        if (err) {
                printf("error create %s %s\n", spec, rd_kafka_err2str(err));
                return -1;
        }
        return 0;
}

static void handle_line(rd_kafka_mock_cluster_t *mc, char *line) {
        char topic[256];
        int partitions, key, min, max, code, count, broker;
        if (sscanf(line, "create %255s %d", topic, &partitions) == 2) {
                rd_kafka_resp_err_t err =
                    rd_kafka_mock_topic_create(mc, topic, partitions, 1);
                if (err)
                        printf("error create %s %s\n", topic,
                               rd_kafka_err2str(err));
                else
                        printf("ok create %s\n", topic);
        } else if (sscanf(line, "apiversion %d %d %d", &key, &min, &max) ==
                   3) {
                rd_kafka_resp_err_t err = rd_kafka_mock_set_apiversion(
                    mc, (int16_t)key, (int16_t)min, (int16_t)max);
                if (err)
                        printf("error apiversion %d %s\n", key,
                               rd_kafka_err2str(err));
                else
                        printf("ok apiversion %d\n", key);
        } else if (sscanf(line, "error %d %d %d", &key, &code, &count) == 3 &&
                   count > 0 && count <= 1000) {
                rd_kafka_resp_err_t errs[1000];
                for (int i = 0; i < count; i++)
                        errs[i] = (rd_kafka_resp_err_t)code;
                rd_kafka_mock_push_request_errors_array(mc, (int16_t)key,
                                                        (size_t)count, errs);
                printf("ok error %d\n", key);
        } else if (sscanf(line, "leader %255s %d %d", topic, &partitions,
                          &broker) == 3) {
                rd_kafka_resp_err_t err = rd_kafka_mock_partition_set_leader(
                    mc, topic, partitions, broker);
                if (err)
                        printf("error leader %s %s\n", topic,
                               rd_kafka_err2str(err));
                else
                        printf("ok leader %s\n", topic);
        } else {
                printf("error unknown-command\n");
        }
        fflush(stdout);
}

int main(int argc, char **argv) {
        int broker_cnt = argc > 1 ? atoi(argv[1]) : 3;
        if (broker_cnt < 1)
                broker_cnt = 1;

        char errstr[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        /* The handle only hosts the mock cluster; keep it quiet. */
        rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr));
        rd_kafka_t *rk =
            rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk) {
                fprintf(stderr, "rd_kafka_new: %s\n", errstr);
                return 1;
        }
        rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, broker_cnt);
        if (!mc) {
                fprintf(stderr, "rd_kafka_mock_cluster_new failed\n");
                rd_kafka_destroy(rk);
                return 1;
        }
        for (int i = 2; i < argc; i++) {
                if (create_topic(mc, argv[i]) != 0) {
                        fflush(stdout);
                        rd_kafka_mock_cluster_destroy(mc);
                        rd_kafka_destroy(rk);
                        return 1;
                }
        }

        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        signal(SIGPIPE, SIG_IGN);

        printf("bootstrap %s\n", rd_kafka_mock_cluster_bootstraps(mc));
        fflush(stdout);

        char buf[4096];
        size_t used = 0;
        while (!stopping) {
                struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
                int n = poll(&pfd, 1, 200);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        break;
                }
                if (n == 0)
                        continue;
                ssize_t got = read(STDIN_FILENO, buf + used, sizeof(buf) - 1 - used);
                if (got <= 0)
                        break; /* stdin closed: the parent is gone or done */
                used += (size_t)got;
                buf[used] = '\0';
                char *start = buf, *nl;
                while ((nl = strchr(start, '\n')) != NULL) {
                        *nl = '\0';
                        handle_line(mc, start);
                        start = nl + 1;
                }
                used = strlen(start);
                memmove(buf, start, used);
                if (used == sizeof(buf) - 1)
                        used = 0; /* over-long line: drop it */
        }

        rd_kafka_mock_cluster_destroy(mc);
        rd_kafka_destroy(rk);
        return 0;
}
