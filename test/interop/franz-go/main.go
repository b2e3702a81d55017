// franz-go (kgo v1.22.3, kadm v1.20.0) against minikafka: the modes of
// test/interop/modern-clients/scenario.ts (create, produce, read, member), JSON lines on stdout;
// and secure.go's mode for the security suite (test/interop/security/franz-go.test.ts).
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
	"sync"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
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
		protocol := "classic"
		if len(os.Args) > 5 {
			protocol = os.Args[5]
		}
		member(bootstrap, topic, os.Args[4], protocol)
	case "secure":
		secure(ctx, bootstrap, topic, os.Args[4])
	default:
		fail(fmt.Errorf("unknown mode %s", mode))
	}
}

func create(ctx context.Context, bootstrap, topic string, partitions int) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap))
	if err != nil {
		fail(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	res, err := adm.CreateTopic(ctx, int32(partitions), 1, nil, topic)
	if err != nil || res.Err != nil {
		fail(fmt.Errorf("create: %v %v", err, res.Err))
	}
	md, err := adm.Metadata(ctx, topic)
	if err != nil {
		fail(err)
	}
	td := md.Topics[topic]
	if td.Err != nil {
		fail(td.Err)
	}
	type node struct {
		ID   int32  `json:"id"`
		Host string `json:"host"`
		Port int32  `json:"port"`
	}
	var nodes []node
	for _, b := range md.Brokers {
		nodes = append(nodes, node{b.NodeID, b.Host, b.Port})
	}
	emit(map[string]any{"partitions": len(td.Partitions), "nodes": nodes})
}

func produce(ctx context.Context, bootstrap, topic string, from, count int) {
	// The default partitioner hashes keys with Kafka's murmur2, as the Java client does.
	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap), kgo.RequiredAcks(kgo.AllISRAcks()))
	if err != nil {
		fail(err)
	}
	defer cl.Close()
	recs := make([]*kgo.Record, 0, count)
	for i := from; i < from+count; i++ {
		recs = append(recs, &kgo.Record{
			Topic: topic,
			Key:   []byte(fmt.Sprintf("key-%d", i)),
			Value: valueBytes(i),
			Headers: []kgo.RecordHeader{
				{Key: "trace", Value: []byte{0x00, 0xff, byte(i & 0xff)}},
				{Key: "empty", Value: []byte{}},
				{Key: "trace", Value: []byte("second")},
			},
		})
	}
	results := cl.ProduceSync(ctx, recs...)
	if err := results.FirstErr(); err != nil {
		fail(err)
	}
	// ProduceSync's results come in completion order: the key names the record.
	for _, r := range results {
		emit(map[string]any{"i": atoi(strings.TrimPrefix(string(r.Record.Key), "key-")), "partition": r.Record.Partition, "offset": r.Record.Offset})
	}
}

func read(ctx context.Context, bootstrap, topic string, partitions, count int) {
	offsets := map[int32]kgo.Offset{}
	for p := 0; p < partitions; p++ {
		offsets[int32(p)] = kgo.NewOffset().AtStart()
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(bootstrap), kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: offsets}))
	if err != nil {
		fail(err)
	}
	defer cl.Close()
	for got := 0; got < count; {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			fail(ctx.Err())
		}
		fs.EachError(func(t string, p int32, err error) { fail(fmt.Errorf("%s/%d: %w", t, p, err)) })
		fs.EachRecord(func(r *kgo.Record) {
			headers := [][2]string{}
			for _, h := range r.Headers {
				headers = append(headers, [2]string{h.Key, hex.EncodeToString(h.Value)})
			}
			emit(map[string]any{"partition": r.Partition, "offset": r.Offset, "key": hex.EncodeToString(r.Key), "value": hex.EncodeToString(r.Value), "headers": headers})
			got++
		})
	}
}

func member(bootstrap, topic, group, protocol string) {
	var mu sync.Mutex
	owned := map[int32]bool{}
	update := func(m map[string][]int32, add bool) {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range m[topic] {
			if add {
				owned[p] = true
			} else {
				delete(owned, p)
			}
		}
	}
	opts := []kgo.Opt{
		kgo.SeedBrokers(bootstrap),
		kgo.ConsumerGroup(group),
		kgo.ConsumeTopics(topic),
		kgo.DisableAutoCommit(),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.SessionTimeout(6 * time.Second),
		kgo.HeartbeatInterval(500 * time.Millisecond),
		kgo.OnPartitionsAssigned(func(_ context.Context, _ *kgo.Client, m map[string][]int32) { update(m, true) }),
		kgo.OnPartitionsRevoked(func(ctx context.Context, cl *kgo.Client, m map[string][]int32) {
			_ = cl.CommitUncommittedOffsets(ctx)
			update(m, false)
		}),
		kgo.OnPartitionsLost(func(_ context.Context, _ *kgo.Client, m map[string][]int32) { update(m, false) }),
	}
	if protocol == "consumer" {
		opts = append(opts, kgo.Balancers(kgo.RangeBalancer()), kgo.ServerSideBalancer())
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		fail(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	go func() { <-sig; cancel() }()
	var printed []int32
	printedOnce := false
	for ctx.Err() == nil {
		pctx, pcancel := context.WithTimeout(ctx, 200*time.Millisecond)
		fs := cl.PollFetches(pctx)
		pcancel()
		mu.Lock()
		now := make([]int32, 0, len(owned))
		for p := range owned {
			now = append(now, p)
		}
		mu.Unlock()
		sort.Slice(now, func(a, b int) bool { return now[a] < now[b] })
		if !printedOnce || fmt.Sprint(now) != fmt.Sprint(printed) {
			emit(map[string]any{"event": "assigned", "partitions": now})
			printed, printedOnce = now, true
		}
		fs.EachRecord(func(r *kgo.Record) {
			emit(map[string]any{"event": "record", "partition": r.Partition, "offset": r.Offset, "key": string(r.Key)})
		})
		if fs.NumRecords() > 0 {
			if err := cl.CommitUncommittedOffsets(context.Background()); err != nil {
				fmt.Fprintln(os.Stderr, "commit:", err)
			}
		}
	}
	cl.Close() // leaves the group
}
