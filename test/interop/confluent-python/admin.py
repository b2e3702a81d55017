"""confluent-kafka-python's AdminClient against the broker; prints one JSON line of what it saw.
usage: admin.py BOOTSTRAP TOPIC configs"""
import json
import sys

from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

bootstrap, topic, what = sys.argv[1], sys.argv[2], sys.argv[3]
admin = AdminClient({'bootstrap.servers': bootstrap})

if what == 'configs':
    new = NewTopic(topic, 1, 1, config={'message.timestamp.difference.max.ms': '60000', 'flush.messages': '10', 'cleanup.policy': 'compact'})
    for _, f in admin.create_topics([new], operation_timeout=10).items():
        f.result(timeout=20)
    res = ConfigResource(ConfigResource.Type.TOPIC, topic)
    entries = admin.describe_configs([res])[res].result(timeout=20)
    out = {}
    for name, e in entries.items():
        out[name] = {'value': e.value, 'source': int(e.source), 'synonyms': [[s.name, s.value, int(s.source)] for s in e.synonyms.values()]}
    print(json.dumps(out))
