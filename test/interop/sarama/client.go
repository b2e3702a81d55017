// Sarama (Debian golang-github-shopify-sarama-dev) against minikafka: sync producer with acks=all,
// then a consumer group that reads everything and commits. Prints one JSON line for the Node test.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/Shopify/sarama"
)

type record struct {
	Key       string `json:"key"`
	Value     string `json:"value"`
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
}

type handler struct {
	mu       sync.Mutex
	want     int
	received []record
	done     chan struct{}
	once     sync.Once
}

func (h *handler) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (h *handler) Cleanup(sarama.ConsumerGroupSession) error { return nil }
func (h *handler) ConsumeClaim(s sarama.ConsumerGroupSession, c sarama.ConsumerGroupClaim) error {
	for m := range c.Messages() {
		h.mu.Lock()
		h.received = append(h.received, record{string(m.Key), string(m.Value), m.Partition, m.Offset})
		n := len(h.received)
		h.mu.Unlock()
		s.MarkMessage(m, "")
		if n >= h.want {
			h.once.Do(func() { close(h.done) })
		}
	}
	return nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

func main() {
	bootstrap, topic, group := os.Args[1], os.Args[2], os.Args[3]
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V2_1_0_0
	cfg.Producer.Return.Successes = true
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	cfg.Consumer.Offsets.CommitInterval = 100 * time.Millisecond

	producer, err := sarama.NewSyncProducer([]string{bootstrap}, cfg)
	if err != nil {
		fail(err)
	}
	var sent []record
	for i := 0; i < 40; i++ {
		key, value := fmt.Sprintf("key-%d", i%6), fmt.Sprintf("value-%d", i)
		p, off, err := producer.SendMessage(&sarama.ProducerMessage{Topic: topic, Key: sarama.StringEncoder(key), Value: sarama.StringEncoder(value)})
		if err != nil {
			fail(err)
		}
		sent = append(sent, record{key, value, p, off})
	}
	producer.Close()

	cg, err := sarama.NewConsumerGroup([]string{bootstrap}, group, cfg)
	if err != nil {
		fail(err)
	}
	h := &handler{want: len(sent), done: make(chan struct{})}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	go func() {
		for ctx.Err() == nil {
			if err := cg.Consume(ctx, []string{topic}, h); err != nil && ctx.Err() == nil {
				fmt.Fprintln(os.Stderr, "consume:", err)
				time.Sleep(200 * time.Millisecond)
			}
		}
	}()
	select {
	case <-h.done:
	case <-ctx.Done():
	}
	time.Sleep(300 * time.Millisecond) // one auto-commit interval, so marked offsets are committed
	cancel()
	cg.Close()
	out, _ := json.Marshal(map[string]interface{}{"sent": sent, "received": h.received})
	fmt.Println(string(out))
}
