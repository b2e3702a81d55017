"""kafka-python (Debian python3-kafka) speaking old protocol versions: api_version=(0, 8, 2) and (0, 8, 1)
ask for end and beginning offsets with ListOffsets v0, commit with OffsetCommit v1 and v0, and read the
commits back with OffsetFetch v1 and v0. Prints one JSON line with what it saw."""
import json
import sys

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.structs import OffsetAndMetadata

bootstrap, topic = sys.argv[1], sys.argv[2]
producer = KafkaProducer(bootstrap_servers=bootstrap, acks='all')
for i in range(5):
    producer.send(topic, partition=0, value=('v%d' % i).encode()).get(timeout=10)
producer.close()

tp = TopicPartition(topic, 0)
seen = {}
for version, group, commit_at in (((0, 8, 2), 'legacy-082', 3), ((0, 8, 1), 'legacy-081', 2)):
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, api_version=version, group_id=group, enable_auto_commit=False, request_timeout_ms=11000, session_timeout_ms=10000)
    consumer.assign([tp])
    name = '.'.join(str(v) for v in version)
    seen[name] = {
        'end': consumer.end_offsets([tp])[tp],
        'beginning': consumer.beginning_offsets([tp])[tp],
    }
    consumer.commit({tp: OffsetAndMetadata(commit_at, 'meta-' + name)})
    consumer.close()
    # A new consumer knows nothing: committed() asks the broker (OffsetFetch).
    reader = KafkaConsumer(bootstrap_servers=bootstrap, api_version=version, group_id=group, enable_auto_commit=False, request_timeout_ms=11000, session_timeout_ms=10000)
    seen[name]['committed'] = reader.committed(tp)
    reader.close()
print(json.dumps(seen))
