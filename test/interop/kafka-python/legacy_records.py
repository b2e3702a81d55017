"""kafka-python (Debian python3-kafka) with message formats v0 and v1: api_version (0, 9) produces magic 0
(Produce v1) and consumes with Fetch v1, (0, 10, 0) magic 1 (Produce v2, Fetch v2); each in a consumer
group (JoinGroup v0, SyncGroup v0) that commits. Prints one JSON line with what it saw."""
import json
import sys

from kafka import KafkaConsumer, KafkaProducer

bootstrap, topic = sys.argv[1], sys.argv[2]
seen = {}
for version in ((0, 9), (0, 10, 0)):
    name = '.'.join(str(v) for v in version)
    t = '%s-%s' % (topic, name.replace('.', '-'))
    producer = KafkaProducer(bootstrap_servers=bootstrap, api_version=version, acks='all', compression_type='gzip', linger_ms=20)
    futures = [producer.send(t, key=b'key-%d' % (i % 3), value=b'value-%d' % i, timestamp_ms=1700000000000 + i if version >= (0, 10) else None) for i in range(12)]
    sent = [[f.get(timeout=10).partition, f.get(timeout=10).offset] for f in futures]
    producer.close()
    consumer = KafkaConsumer(t, bootstrap_servers=bootstrap, api_version=version, group_id='g-' + t, auto_offset_reset='earliest',
                             enable_auto_commit=False, consumer_timeout_ms=10000, session_timeout_ms=10000, request_timeout_ms=11000)
    received = []
    for m in consumer:
        received.append([m.partition, m.offset, m.key.decode(), m.value.decode(), m.timestamp])
        if len(received) == len(sent):
            break
    consumer.commit()
    committed = {str(tp.partition): consumer.committed(tp) for tp in consumer.assignment()}
    consumer.close()
    seen[name] = {'sent': sent, 'received': received, 'committed': committed}
print(json.dumps(seen))
