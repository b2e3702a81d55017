"""kafka-python (Debian python3-kafka) against minikafka: admin, keyed gzip produce with headers, group consume, commit.
Prints one JSON line with what it saw; the Node test checks it."""
import json
import sys

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic

bootstrap, topic, group = sys.argv[1], sys.argv[2], sys.argv[3]
admin = KafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
admin.create_topics([NewTopic(topic, 3, 1)])
admin.close()

producer = KafkaProducer(bootstrap_servers=bootstrap, acks='all', compression_type='gzip')
sent = []
for i in range(30):
    key = ('key-%d' % (i % 7)).encode()
    meta = producer.send(topic, key=key, value=('value-%d' % i).encode(), headers=[('n', str(i).encode())]).get(timeout=10)
    sent.append({'key': key.decode(), 'partition': meta.partition, 'offset': meta.offset})
producer.close()

consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset='earliest',
                         enable_auto_commit=False, consumer_timeout_ms=10000)
received = []
for m in consumer:
    received.append({'key': m.key.decode(), 'value': m.value.decode(), 'partition': m.partition, 'offset': m.offset,
                     'headers': [[k, v.decode()] for k, v in m.headers]})
    if len(received) == len(sent):
        break
consumer.commit()
committed = {p: consumer.committed(TopicPartition(topic, p)) for p in range(3)}
consumer.close()
print(json.dumps({'sent': sent, 'received': received, 'committed': committed}))
