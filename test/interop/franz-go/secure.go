// The "secure" mode: kgo over TLS (optionally with a client certificate) and/or SASL PLAIN or
// SCRAM-SHA-512, given as JSON. kadm creates the topic, kgo produces one record and reads it back
// in a consumer group. Prints {"value": ...} or {"error": ..., "kerr": <Kafka error name or "">}.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

type security struct {
	CA        string `json:"ca"`
	Cert      string `json:"cert"`
	Key       string `json:"key"`
	Mechanism string `json:"mechanism"`
	User      string `json:"user"`
	Password  string `json:"password"`
}

func securityOpts(s security) ([]kgo.Opt, error) {
	var opts []kgo.Opt
	if s.CA != "" {
		pem, err := os.ReadFile(s.CA)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		cfg := &tls.Config{RootCAs: pool, ServerName: "localhost", MinVersion: tls.VersionTLS12}
		if s.Cert != "" {
			pair, err := tls.LoadX509KeyPair(s.Cert, s.Key)
			if err != nil {
				return nil, err
			}
			cfg.Certificates = []tls.Certificate{pair}
		}
		opts = append(opts, kgo.DialTLSConfig(cfg))
	}
	switch s.Mechanism {
	case "":
	case "PLAIN":
		opts = append(opts, kgo.SASL(plain.Auth{User: s.User, Pass: s.Password}.AsMechanism()))
	case "SCRAM-SHA-512":
		opts = append(opts, kgo.SASL(scram.Auth{User: s.User, Pass: s.Password}.AsSha512Mechanism()))
	default:
		return nil, fmt.Errorf("unknown mechanism %s", s.Mechanism)
	}
	return opts, nil
}

func secureFail(err error) {
	name := ""
	var ke *kerr.Error
	if errors.As(err, &ke) {
		name = ke.Message
	}
	emit(map[string]any{"error": err.Error(), "kerr": name})
	os.Exit(0)
}

func secure(ctx context.Context, bootstrap, topic, config string) {
	var s security
	if err := json.Unmarshal([]byte(config), &s); err != nil {
		fail(err)
	}
	sec, err := securityOpts(s)
	if err != nil {
		fail(err)
	}
	opts := append([]kgo.Opt{kgo.SeedBrokers(bootstrap), kgo.RetryTimeout(15e9)}, sec...)
	admin, err := kgo.NewClient(opts...)
	if err != nil {
		fail(err)
	}
	res, err := kadm.NewClient(admin).CreateTopic(ctx, 1, 1, nil, topic)
	admin.Close()
	if err == nil {
		err = res.Err
	}
	if err != nil {
		secureFail(err)
	}
	producer, err := kgo.NewClient(append(opts, kgo.RequiredAcks(kgo.AllISRAcks()))...)
	if err != nil {
		fail(err)
	}
	err = producer.ProduceSync(ctx, &kgo.Record{Topic: topic, Key: []byte("k"), Value: []byte("franz-go secured hello")}).FirstErr()
	producer.Close()
	if err != nil {
		secureFail(err)
	}
	consumer, err := kgo.NewClient(append(opts, kgo.ConsumerGroup(topic+"-g"), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))...)
	if err != nil {
		fail(err)
	}
	defer consumer.Close()
	for ctx.Err() == nil {
		fs := consumer.PollFetches(ctx)
		if errs := fs.Errors(); len(errs) > 0 && ctx.Err() == nil {
			secureFail(errs[0].Err)
		}
		if recs := fs.Records(); len(recs) > 0 {
			if err := consumer.CommitUncommittedOffsets(ctx); err != nil {
				secureFail(err)
			}
			emit(map[string]any{"value": string(recs[0].Value)})
			return
		}
	}
	secureFail(ctx.Err())
}
