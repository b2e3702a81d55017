// segmentio/kafka-go v0.4.51 against minikafka: the modes of
// test/interop/modern-clients/scenario.ts (create, produce, read, member), JSON lines on stdout.
// kafka-go speaks only the classic group protocol; the member uses its ConsumerGroup API so the
// assignment of each generation is visible.
package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/segmentio/kafka-go"
)

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

var outMu sync.Mutex

func emit(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		fail(err)
	}
	outMu.Lock()
	fmt.Println(string(b))
	outMu.Unlock()
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
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	switch mode {
	case "create":
		create(ctx, bootstrap, topic, atoi(os.Args[4]))
	case "produce":
		produce(ctx, bootstrap, topic, atoi(os.Args[4]), atoi(os.Args[5]))
	case "read":
		read(ctx, bootstrap, topic, atoi(os.Args[4]), atoi(os.Args[5]))
	case "member":
		member(bootstrap, topic, os.Args[4])
	default:
		fail(fmt.Errorf("unknown mode %s", mode))
	}
}

func create(ctx context.Context, bootstrap, topic string, partitions int) {
	cl := &kafka.Client{Addr: kafka.TCP(bootstrap), Timeout: 30 * time.Second}
	res, err := cl.CreateTopics(ctx, &kafka.CreateTopicsRequest{Topics: []kafka.TopicConfig{{Topic: topic, NumPartitions: partitions, ReplicationFactor: 1}}})
	if err != nil {
		fail(err)
	}
	if err := res.Errors[topic]; err != nil {
		fail(err)
	}
	md, err := cl.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		fail(err)
	}
	if len(md.Topics) != 1 || md.Topics[0].Error != nil {
		fail(fmt.Errorf("metadata: %+v", md.Topics))
	}
	type node struct {
		ID   int    `json:"id"`
		Host string `json:"host"`
		Port int    `json:"port"`
	}
	var nodes []node
	for _, b := range md.Brokers {
		nodes = append(nodes, node{b.ID, b.Host, b.Port})
	}
	emit(map[string]any{"partitions": len(md.Topics[0].Partitions), "nodes": nodes})
}

func produce(ctx context.Context, bootstrap, topic string, from, count int) {
	type ack struct{ partition, offset int }
	var mu sync.Mutex
	acks := map[int]ack{}
	w := &kafka.Writer{
		Addr:         kafka.TCP(bootstrap),
		Topic:        topic,
		Balancer:     &kafka.Murmur2Balancer{}, // the Java client's key placement
		RequiredAcks: kafka.RequireAll,
		BatchTimeout: 5 * time.Millisecond,
		Completion: func(msgs []kafka.Message, err error) {
			if err != nil {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, m := range msgs {
				acks[atoi(strings.TrimPrefix(string(m.Key), "key-"))] = ack{m.Partition, int(m.Offset)}
			}
		},
	}
	msgs := make([]kafka.Message, 0, count)
	for i := from; i < from+count; i++ {
		msgs = append(msgs, kafka.Message{
			Key:   []byte(fmt.Sprintf("key-%d", i)),
			Value: valueBytes(i),
			Headers: []kafka.Header{
				{Key: "trace", Value: []byte{0x00, 0xff, byte(i & 0xff)}},
				{Key: "empty", Value: []byte{}},
				{Key: "trace", Value: []byte("second")},
			},
		})
	}
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		fail(err)
	}
	if err := w.Close(); err != nil { // Close waits for the Completion calls
		fail(err)
	}
	for i := from; i < from+count; i++ {
		a, ok := acks[i]
		if !ok {
			fail(fmt.Errorf("record %d not acknowledged", i))
		}
		emit(map[string]any{"i": i, "partition": a.partition, "offset": a.offset})
	}
}

func read(ctx context.Context, bootstrap, topic string, partitions, count int) {
	got := 0
	for p := 0; p < partitions; p++ {
		conn, err := kafka.DialLeader(ctx, "tcp", bootstrap, topic, p)
		if err != nil {
			fail(err)
		}
		end, err := conn.ReadLastOffset()
		conn.Close()
		if err != nil {
			fail(err)
		}
		if end == 0 {
			continue
		}
		r := kafka.NewReader(kafka.ReaderConfig{Brokers: []string{bootstrap}, Topic: topic, Partition: p, MaxWait: 200 * time.Millisecond})
		for {
			m, err := r.ReadMessage(ctx)
			if err != nil {
				fail(err)
			}
			headers := [][2]string{}
			for _, h := range m.Headers {
				headers = append(headers, [2]string{h.Key, hex.EncodeToString(h.Value)})
			}
			emit(map[string]any{"partition": m.Partition, "offset": m.Offset, "key": hex.EncodeToString(m.Key), "value": hex.EncodeToString(m.Value), "headers": headers})
			got++
			if m.Offset+1 >= end {
				break
			}
		}
		r.Close()
	}
	if got != count {
		fail(fmt.Errorf("read %d records, want %d", got, count))
	}
}

func member(bootstrap, topic, group string) {
	ctx, cancel := context.WithCancel(context.Background())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	go func() { <-sig; cancel() }()
	cg, err := kafka.NewConsumerGroup(kafka.ConsumerGroupConfig{
		ID:                group,
		Brokers:           []string{bootstrap},
		Topics:            []string{topic},
		StartOffset:       kafka.FirstOffset,
		SessionTimeout:    6 * time.Second,
		HeartbeatInterval: 500 * time.Millisecond,
		RebalanceTimeout:  10 * time.Second,
		JoinGroupBackoff:  500 * time.Millisecond,
	})
	if err != nil {
		fail(err)
	}
	for ctx.Err() == nil {
		gen, err := cg.Next(ctx)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, kafka.ErrGroupClosed) {
				break
			}
			fmt.Fprintln(os.Stderr, "next generation:", err)
			time.Sleep(200 * time.Millisecond)
			continue
		}
		assigned := gen.Assignments[topic]
		parts := make([]int, 0, len(assigned))
		for _, a := range assigned {
			parts = append(parts, a.ID)
		}
		sort.Ints(parts)
		emit(map[string]any{"event": "assigned", "partitions": parts})
		for _, a := range assigned {
			a := a
			gen.Start(func(gctx context.Context) {
				r := kafka.NewReader(kafka.ReaderConfig{Brokers: []string{bootstrap}, Topic: topic, Partition: a.ID, MaxWait: 200 * time.Millisecond})
				defer r.Close()
				if err := r.SetOffset(a.Offset); err != nil {
					fmt.Fprintln(os.Stderr, "seek:", err)
					return
				}
				for {
					m, err := r.ReadMessage(gctx)
					if err != nil {
						return // generation over
					}
					emit(map[string]any{"event": "record", "partition": m.Partition, "offset": m.Offset, "key": string(m.Key)})
					if err := gen.CommitOffsets(map[string]map[int]int64{topic: {a.ID: m.Offset + 1}}); err != nil {
						fmt.Fprintln(os.Stderr, "commit:", err)
					}
				}
			})
		}
	}
	if err := cg.Close(); err != nil { // leaves the group
		fmt.Fprintln(os.Stderr, "close:", err)
	}
}
