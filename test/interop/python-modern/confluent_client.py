"""confluent-kafka (PyPI 2.x, its wheel's librdkafka) against minikafka: the modes of
test/interop/modern-clients/scenario.ts (create, produce, read, member), JSON lines on stdout."""
import json
import signal
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition, OFFSET_BEGINNING
from confluent_kafka.admin import AdminClient, NewTopic


def emit(obj):
    print(json.dumps(obj), flush=True)


def value_bytes(i):
    return bytes(((i * 31 + j * 7) & 0xFF) for j in range(i % 40 + 1))


def create(bootstrap, topic, partitions):
    admin = AdminClient({'bootstrap.servers': bootstrap})
    for fut in admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)]).values():
        fut.result(30)
    md = admin.list_topics(topic, timeout=10)
    t = md.topics[topic]
    if t.error is not None:
        raise KafkaException(t.error)
    emit({'partitions': len(t.partitions), 'nodes': [{'id': b.id, 'host': b.host, 'port': b.port} for b in md.brokers.values()]})


def produce(bootstrap, topic, start, count):
    # librdkafka's default partitioner is consistent_random (CRC32); murmur2_random is the Java client's.
    p = Producer({'bootstrap.servers': bootstrap, 'acks': 'all', 'partitioner': 'murmur2_random', 'linger.ms': 5})
    acks = {}

    def delivered(err, msg):
        if err is not None:
            raise KafkaException(err)
        acks[int(msg.key().decode()[4:])] = (msg.partition(), msg.offset())

    for i in range(start, start + count):
        headers = [('trace', bytes([0x00, 0xFF, i & 0xFF])), ('empty', b''), ('trace', b'second')]
        p.produce(topic, key=f'key-{i}'.encode(), value=value_bytes(i), headers=headers, on_delivery=delivered)
    left = p.flush(60)
    if left or len(acks) != count:
        sys.exit(f'{len(acks)} of {count} acknowledged')
    for i in range(start, start + count):
        emit({'i': i, 'partition': acks[i][0], 'offset': acks[i][1]})


def read(bootstrap, topic, partitions, count):
    c = Consumer({'bootstrap.servers': bootstrap, 'group.id': f'unused-{topic}', 'enable.auto.commit': False})
    c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)])
    got = 0
    deadline = time.monotonic() + 60
    while got < count:
        if time.monotonic() > deadline:
            sys.exit(f'read {got} of {count}')
        m = c.poll(0.2)
        if m is None:
            continue
        if m.error():
            raise KafkaException(m.error())
        headers = [[k, (v or b'').hex()] for k, v in (m.headers() or [])]
        emit({'partition': m.partition(), 'offset': m.offset(), 'key': m.key().hex(), 'value': m.value().hex(), 'headers': headers})
        got += 1
    c.close()


def member(bootstrap, topic, group, protocol):
    conf = {'bootstrap.servers': bootstrap, 'group.id': group, 'group.protocol': protocol,
            'auto.offset.reset': 'earliest', 'enable.auto.commit': False}
    if protocol == 'classic':
        conf.update({'session.timeout.ms': 6000, 'heartbeat.interval.ms': 500})
    c = Consumer(conf)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    c.subscribe([topic])
    printed = None
    while not stop:
        m = c.poll(0.1)
        now = sorted(tp.partition for tp in c.assignment())
        if now != printed:
            emit({'event': 'assigned', 'partitions': now})
            printed = now
        if m is None:
            continue
        if m.error():
            print(f'error: {m.error()}', file=sys.stderr, flush=True)
            continue
        emit({'event': 'record', 'partition': m.partition(), 'offset': m.offset(), 'key': m.key().decode()})
        c.commit(message=m, asynchronous=False)
    c.close()  # leaves the group


def main():
    mode, bootstrap, topic = sys.argv[1:4]
    rest = sys.argv[4:]
    if mode == 'create':
        create(bootstrap, topic, int(rest[0]))
    elif mode == 'produce':
        produce(bootstrap, topic, int(rest[0]), int(rest[1]))
    elif mode == 'read':
        read(bootstrap, topic, int(rest[0]), int(rest[1]))
    elif mode == 'member':
        member(bootstrap, topic, rest[0], rest[1] if len(rest) > 1 else 'classic')
    else:
        sys.exit(f'unknown mode {mode}')


if __name__ == '__main__':
    main()
