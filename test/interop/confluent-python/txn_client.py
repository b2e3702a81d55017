"""confluent-kafka-python (librdkafka) transactional client driven by test/interop/confluent-python/transactions.test.ts.

Commands (argv[1]):
  produce  BOOT TOPIC TXNID PREFIX N commit|abort   one transaction of N records, then commit or abort
  open     BOOT TOPIC TXNID PREFIX N                a transaction of N records left open: prints OPEN, then waits to be killed
  ctp      BOOT IN OUT TXNID GROUP N                consume-transform-produce N records exactly once (offsets sent with the transaction)
  consume  BOOT TOPIC ISOLATION N                   reads until N records or 10 s, prints a JSON list of values
Prints one JSON line as its result; exits non-zero on any Kafka error.
"""
import json
import sys
import time
from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition


def producer(boot, txnid):
    p = Producer({'bootstrap.servers': boot, 'transactional.id': txnid, 'transaction.timeout.ms': 60000, 'linger.ms': 5})
    p.init_transactions(20)
    return p


def cmd_produce(boot, topic, txnid, prefix, n, outcome):
    p = producer(boot, txnid)
    p.begin_transaction()
    for i in range(int(n)):
        p.produce(topic, key=str(i), value=f'{prefix}-{i}')
    p.flush(20)  # abort_transaction drops what is still queued: make the aborted records reach the log
    if outcome == 'commit':
        p.commit_transaction(20)
    else:
        p.abort_transaction(20)
    print(json.dumps({'ok': True}))


def cmd_open(boot, topic, txnid, prefix, n):
    p = producer(boot, txnid)
    p.begin_transaction()
    for i in range(int(n)):
        p.produce(topic, key=str(i), value=f'{prefix}-{i}')
    p.flush(20)
    print('OPEN', flush=True)
    time.sleep(120)


def cmd_ctp(boot, src, dst, txnid, group, n):
    n = int(n)
    c = Consumer({'bootstrap.servers': boot, 'group.id': group, 'auto.offset.reset': 'earliest',
                  'enable.auto.commit': False, 'isolation.level': 'read_committed', 'session.timeout.ms': 6000})
    c.subscribe([src])
    p = producer(boot, txnid)
    done = 0
    deadline = time.time() + 60
    while done < n and time.time() < deadline:
        msgs = c.consume(10, 0.2)
        msgs = [m for m in msgs if m.error() is None]
        if not msgs:
            continue
        p.begin_transaction()
        for m in msgs:
            p.produce(dst, key=m.key(), value=m.value().decode().upper())
        p.send_offsets_to_transaction(c.position(c.assignment()), c.consumer_group_metadata(), 20)
        p.commit_transaction(20)
        done += len(msgs)
    c.close()
    print(json.dumps({'processed': done}))


def cmd_consume(boot, topic, isolation, n):
    n = int(n)
    c = Consumer({'bootstrap.servers': boot, 'group.id': f'reader-{time.time()}', 'auto.offset.reset': 'earliest',
                  'enable.auto.commit': False, 'isolation.level': isolation})
    c.subscribe([topic])
    got = []
    deadline = time.time() + 10
    while time.time() < deadline and len(got) < n:
        m = c.poll(0.1)
        if m is None or m.error():
            continue
        got.append(m.value().decode())
    # A little longer: anything beyond n (aborted data) would show up.
    end = time.time() + 0.5
    while time.time() < end:
        m = c.poll(0.1)
        if m is not None and m.error() is None:
            got.append(m.value().decode())
    c.close()
    print(json.dumps(got))


if __name__ == '__main__':
    try:
        {'produce': cmd_produce, 'open': cmd_open, 'ctp': cmd_ctp, 'consume': cmd_consume}[sys.argv[1]](*sys.argv[2:])
    except KafkaException as e:
        print(json.dumps({'error': str(e)}))
        sys.exit(3)
