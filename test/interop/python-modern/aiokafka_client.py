"""aiokafka (PyPI) against minikafka: the modes of test/interop/modern-clients/scenario.ts
(create, produce, read, member), JSON lines on stdout. aiokafka speaks the classic group protocol only."""
import asyncio
import json
import signal
import sys

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic


def emit(obj):
    print(json.dumps(obj), flush=True)


def value_bytes(i):
    return bytes(((i * 31 + j * 7) & 0xFF) for j in range(i % 40 + 1))


async def create(bootstrap, topic, partitions):
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)])
        [desc] = await admin.describe_topics([topic])
        if desc['error_code'] != 0:
            sys.exit(f'describe_topics: error {desc["error_code"]}')
        cluster = await admin.describe_cluster()
        nodes = [{'id': b['node_id'], 'host': b['host'], 'port': b['port']} for b in cluster['brokers']]
        emit({'partitions': len(desc['partitions']), 'nodes': nodes})
    finally:
        await admin.close()


async def produce(bootstrap, topic, start, count):
    # aiokafka's default partitioner hashes keys with murmur2 as the Java client does.
    p = AIOKafkaProducer(bootstrap_servers=bootstrap, acks='all', linger_ms=5)
    await p.start()
    try:
        futures = []
        for i in range(start, start + count):
            headers = [('trace', bytes([0x00, 0xFF, i & 0xFF])), ('empty', b''), ('trace', b'second')]
            futures.append(await p.send(topic, key=f'key-{i}'.encode(), value=value_bytes(i), headers=headers))
        for i, md in zip(range(start, start + count), await asyncio.gather(*futures)):
            emit({'i': i, 'partition': md.partition, 'offset': md.offset})
    finally:
        await p.stop()


async def read(bootstrap, topic, partitions, count):
    c = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await c.start()
    try:
        tps = [TopicPartition(topic, p) for p in range(partitions)]
        c.assign(tps)
        await c.seek_to_beginning(*tps)
        got = 0
        async with asyncio.timeout(60):
            while got < count:
                for records in (await c.getmany(timeout_ms=200)).values():
                    for m in records:
                        headers = [[k, (v or b'').hex()] for k, v in m.headers]
                        emit({'partition': m.partition, 'offset': m.offset, 'key': m.key.hex(), 'value': m.value.hex(), 'headers': headers})
                        got += 1
    finally:
        await c.stop()


async def member(bootstrap, topic, group):
    c = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
                         auto_offset_reset='earliest', session_timeout_ms=6000, heartbeat_interval_ms=500)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await c.start()
    printed = None
    try:
        while not stop.is_set():
            batches = await c.getmany(timeout_ms=100)
            now = sorted(tp.partition for tp in c.assignment())
            if now != printed:
                emit({'event': 'assigned', 'partitions': now})
                printed = now
            for records in batches.values():
                for m in records:
                    emit({'event': 'record', 'partition': m.partition, 'offset': m.offset, 'key': m.key.decode()})
            if batches:
                await c.commit()
    finally:
        await c.stop()  # leaves the group


def main():
    mode, bootstrap, topic = sys.argv[1:4]
    rest = sys.argv[4:]
    if mode == 'create':
        asyncio.run(create(bootstrap, topic, int(rest[0])))
    elif mode == 'produce':
        asyncio.run(produce(bootstrap, topic, int(rest[0]), int(rest[1])))
    elif mode == 'read':
        asyncio.run(read(bootstrap, topic, int(rest[0]), int(rest[1])))
    elif mode == 'member':
        asyncio.run(member(bootstrap, topic, rest[0]))
    else:
        sys.exit(f'unknown mode {mode}')


if __name__ == '__main__':
    main()
