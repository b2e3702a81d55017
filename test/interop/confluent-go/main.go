// confluent-kafka-go v2.11.1 (cgo, its bundled static librdkafka) against minikafka: the modes of
// test/interop/modern-clients/scenario.ts (create, produce, read, member), JSON lines on stdout.
package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/confluentinc/confluent-kafka-go/v2/kafka"
)

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

func emit(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		fail(err)
	}
	fmt.Println(string(b))
}

func valueBytes(i int) []byte {
	out := make([]byte, i%40+1)
	for j := range out {
		out[j] = byte((i*31 + j*7) & 0xff)
	}
	return out
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		fail(err)
	}
	return n
}

func main() {
	mode, bootstrap, topic := os.Args[1], os.Args[2], os.Args[3]
	switch mode {
	case "create":
		create(bootstrap, topic, atoi(os.Args[4]))
	case "produce":
		produce(bootstrap, topic, atoi(os.Args[4]), atoi(os.Args[5]))
	case "read":
		read(bootstrap, topic, atoi(os.Args[4]), atoi(os.Args[5]))
	case "member":
		protocol := "classic"
		if len(os.Args) > 5 {
			protocol = os.Args[5]
		}
		member(bootstrap, topic, os.Args[4], protocol)
	default:
		fail(fmt.Errorf("unknown mode %s", mode))
	}
}

func create(bootstrap, topic string, partitions int) {
	adm, err := kafka.NewAdminClient(&kafka.ConfigMap{"bootstrap.servers": bootstrap})
	if err != nil {
		fail(err)
	}
	defer adm.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := adm.CreateTopics(ctx, []kafka.TopicSpecification{{Topic: topic, NumPartitions: partitions, ReplicationFactor: 1}})
	if err != nil {
		fail(err)
	}
	if res[0].Error.Code() != kafka.ErrNoError {
		fail(res[0].Error)
	}
	md, err := adm.GetMetadata(&topic, false, 10_000)
	if err != nil {
		fail(err)
	}
	type node struct {
		ID   int32  `json:"id"`
		Host string `json:"host"`
		Port int    `json:"port"`
	}
	var nodes []node
	for _, b := range md.Brokers {
		nodes = append(nodes, node{b.ID, b.Host, b.Port})
	}
	emit(map[string]any{"partitions": len(md.Topics[topic].Partitions), "nodes": nodes})
}

func produce(bootstrap, topic string, from, count int) {
	// librdkafka's default partitioner is consistent_random (CRC32); murmur2_random is the Java client's.
	p, err := kafka.NewProducer(&kafka.ConfigMap{"bootstrap.servers": bootstrap, "acks": "all", "partitioner": "murmur2_random", "linger.ms": 5})
	if err != nil {
		fail(err)
	}
	defer p.Close()
	done := make(chan kafka.Event, count)
	for i := from; i < from+count; i++ {
		err := p.Produce(&kafka.Message{
			TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: kafka.PartitionAny},
			Key:            []byte(fmt.Sprintf("key-%d", i)),
			Value:          valueBytes(i),
			Headers: []kafka.Header{
				{Key: "trace", Value: []byte{0x00, 0xff, byte(i & 0xff)}},
				{Key: "empty", Value: []byte{}},
				{Key: "trace", Value: []byte("second")},
			},
		}, done)
		if err != nil {
			fail(err)
		}
	}
	acks := map[int][2]int64{}
	timeout := time.After(60 * time.Second)
	for len(acks) < count {
		select {
		case e := <-done:
			m := e.(*kafka.Message)
			if m.TopicPartition.Error != nil {
				fail(m.TopicPartition.Error)
			}
			acks[atoi(strings.TrimPrefix(string(m.Key), "key-"))] = [2]int64{int64(m.TopicPartition.Partition), int64(m.TopicPartition.Offset)}
		case <-timeout:
			fail(fmt.Errorf("%d of %d acknowledged", len(acks), count))
		}
	}
	for i := from; i < from+count; i++ {
		emit(map[string]any{"i": i, "partition": acks[i][0], "offset": acks[i][1]})
	}
}

func read(bootstrap, topic string, partitions, count int) {
	c, err := kafka.NewConsumer(&kafka.ConfigMap{"bootstrap.servers": bootstrap, "group.id": "unused-" + topic, "enable.auto.commit": false})
	if err != nil {
		fail(err)
	}
	defer c.Close()
	var tps []kafka.TopicPartition
	for p := 0; p < partitions; p++ {
		tps = append(tps, kafka.TopicPartition{Topic: &topic, Partition: int32(p), Offset: kafka.OffsetBeginning})
	}
	if err := c.Assign(tps); err != nil {
		fail(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for got := 0; got < count; {
		if time.Now().After(deadline) {
			fail(fmt.Errorf("read %d of %d", got, count))
		}
		m, err := c.ReadMessage(200 * time.Millisecond)
		if err != nil {
			if err.(kafka.Error).IsTimeout() {
				continue
			}
			fail(err)
		}
		headers := [][2]string{}
		for _, h := range m.Headers {
			headers = append(headers, [2]string{h.Key, hex.EncodeToString(h.Value)})
		}
		emit(map[string]any{"partition": m.TopicPartition.Partition, "offset": m.TopicPartition.Offset, "key": hex.EncodeToString(m.Key), "value": hex.EncodeToString(m.Value), "headers": headers})
		got++
	}
}

func member(bootstrap, topic, group, protocol string) {
	cfg := kafka.ConfigMap{
		"bootstrap.servers":  bootstrap,
		"group.id":           group,
		"group.protocol":     protocol,
		"auto.offset.reset":  "earliest",
		"enable.auto.commit": false,
	}
	if protocol == "classic" {
		cfg["session.timeout.ms"] = 6000
		cfg["heartbeat.interval.ms"] = 500
	}
	c, err := kafka.NewConsumer(&cfg)
	if err != nil {
		fail(err)
	}
	if err := c.Subscribe(topic, nil); err != nil {
		fail(err)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	printed := "unset"
	for {
		select {
		case <-sig:
			if err := c.Close(); err != nil { // leaves the group
				fmt.Fprintln(os.Stderr, "close:", err)
			}
			return
		default:
		}
		ev := c.Poll(100)
		if parts, err := c.Assignment(); err == nil {
			now := []int{}
			for _, tp := range parts {
				now = append(now, int(tp.Partition))
			}
			sort.Ints(now)
			if fmt.Sprint(now) != printed {
				emit(map[string]any{"event": "assigned", "partitions": now})
				printed = fmt.Sprint(now)
			}
		}
		switch e := ev.(type) {
		case *kafka.Message:
			emit(map[string]any{"event": "record", "partition": e.TopicPartition.Partition, "offset": e.TopicPartition.Offset, "key": string(e.Key)})
			if _, err := c.CommitMessage(e); err != nil {
				fmt.Fprintln(os.Stderr, "commit:", err)
			}
		case kafka.Error:
			fmt.Fprintln(os.Stderr, "error:", e)
		}
	}
}
