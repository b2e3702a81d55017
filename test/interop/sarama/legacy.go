// Sarama (Debian golang-github-shopify-sarama-dev) at config.Version 0.10.0 against minikafka: the protocol
// versions Kafka 4.0 dropped. CreateTopics v0 and DeleteTopics v0 (ClusterAdmin), ListOffsets v0
// (Client.GetOffset), OffsetCommit v1 (OffsetManager), then OffsetFetch v1 (ListConsumerGroupOffsets);
// records in message format v1: a gzip producer (Produce v2) and a partition consumer (Fetch v2).
// Prints one JSON line for the Node test.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/Shopify/sarama"
)

func must(err error, what string) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", what, err)
		os.Exit(1)
	}
}

func config(v sarama.KafkaVersion) *sarama.Config {
	c := sarama.NewConfig()
	c.Version = v
	c.ClientID = "sarama-legacy"
	c.Producer.Return.Successes = true
	c.Producer.RequiredAcks = sarama.WaitForAll
	c.Producer.Partitioner = sarama.NewManualPartitioner
	c.Metadata.Retry.Backoff = 50 * time.Millisecond
	return c
}

func main() {
	addrs := []string{os.Args[1]}
	topic := os.Args[2]
	out := map[string]interface{}{}

	admin, err := sarama.NewClusterAdmin(addrs, config(sarama.V0_10_1_0))
	must(err, "admin")
	must(admin.CreateTopic(topic, &sarama.TopicDetail{NumPartitions: 2, ReplicationFactor: 1}, false), "create topic (v0)")
	must(admin.CreateTopic(topic+"-gone", &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: 1}, false), "create topic 2 (v0)")
	must(admin.DeleteTopic(topic+"-gone"), "delete topic (v0)")
	err = admin.CreateTopic(topic, &sarama.TopicDetail{NumPartitions: 1, ReplicationFactor: 1}, false)
	out["createExisting"] = fmt.Sprint(err)
	must(admin.Close(), "admin close")

	pc := config(sarama.V0_10_0_0)
	pc.Producer.Compression = sarama.CompressionGZIP
	producer, err := sarama.NewSyncProducer(addrs, pc)
	must(err, "producer")
	for i := 0; i < 4; i++ {
		_, _, err := producer.SendMessage(&sarama.ProducerMessage{Topic: topic, Partition: 1, Value: sarama.StringEncoder(fmt.Sprintf("v%d", i))})
		must(err, "produce")
	}
	must(producer.Close(), "producer close")

	client, err := sarama.NewClient(addrs, config(sarama.V0_10_0_0))
	must(err, "client")
	newest, err := client.GetOffset(topic, 1, sarama.OffsetNewest)
	must(err, "newest (ListOffsets v0)")
	oldest, err := client.GetOffset(topic, 1, sarama.OffsetOldest)
	must(err, "oldest (ListOffsets v0)")
	out["newest"], out["oldest"] = newest, oldest

	consumer, err := sarama.NewConsumerFromClient(client)
	must(err, "consumer")
	part, err := consumer.ConsumePartition(topic, 1, sarama.OffsetOldest)
	must(err, "consume partition (Fetch v2)")
	var values []string
	for len(values) < 4 {
		select {
		case m := <-part.Messages():
			values = append(values, fmt.Sprintf("%d:%s", m.Offset, m.Value))
		case e := <-part.Errors():
			must(e, "consume")
		case <-time.After(15 * time.Second):
			must(fmt.Errorf("only %d of 4 messages", len(values)), "consume")
		}
	}
	must(part.Close(), "partition consumer close")
	out["consumed"] = values

	om, err := sarama.NewOffsetManagerFromClient("sarama-legacy-group", client)
	must(err, "offset manager")
	pom, err := om.ManagePartition(topic, 1)
	must(err, "manage partition")
	pom.MarkOffset(3, "meta")
	must(pom.Close(), "partition offset manager close")
	must(om.Close(), "offset manager close (commits, OffsetCommit v1)")
	must(client.Close(), "client close")

	reader, err := sarama.NewClusterAdmin(addrs, config(sarama.V0_10_0_0))
	must(err, "reader admin")
	fetched, err := reader.ListConsumerGroupOffsets("sarama-legacy-group", map[string][]int32{topic: {1}})
	must(err, "list group offsets (OffsetFetch v1)")
	block := fetched.GetBlock(topic, 1)
	out["committed"], out["metadata"] = block.Offset, block.Metadata
	must(reader.Close(), "reader close")

	b, _ := json.Marshal(out)
	fmt.Println(string(b))
}
