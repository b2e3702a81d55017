"""confluent-kafka (librdkafka) with the security settings given as JSON: produce one message, read it back.

usage: confluent_client.py <json config> <topic> ; prints {"value": ...} or {"error": ...}
"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer
from confluent_kafka.admin import AdminClient, NewTopic


def main():
    conf = json.loads(sys.argv[1])
    topic = sys.argv[2]
    client_errors = []
    conf["error_cb"] = lambda err: client_errors.append(str(err))
    try:
        admin = AdminClient(conf)
        for f in admin.create_topics([NewTopic(topic, 1, 1)], operation_timeout=10).values():
            deadline = time.time() + 15
            while not f.done() and time.time() < deadline:
                if any("Authentication" in e or "SASL" in e for e in client_errors):
                    raise RuntimeError("; ".join(client_errors))
                admin.poll(0.2)
            f.result(timeout=1)
        p = Producer(conf)
        errors = []
        p.produce(topic, key=b"k", value=b"secured hello", on_delivery=lambda e, m: e and errors.append(str(e)))
        if p.flush(15) != 0 or errors:
            raise RuntimeError("produce failed: %s" % errors)
        c = Consumer(dict(conf, **{"group.id": topic + "-g", "auto.offset.reset": "earliest"}))
        c.subscribe([topic])
        deadline = time.time() + 20
        while time.time() < deadline:
            m = c.poll(0.5)
            if m is None:
                continue
            if m.error():
                raise KafkaException(m.error())
            print(json.dumps({"value": m.value().decode()}))
            c.close()
            return
        raise RuntimeError("no message within 20 s")
    except Exception as e:  # reported to the test, which asserts on it
        print(json.dumps({"error": (str(e) or repr(e))[:500]}))


if __name__ == "__main__":
    main()
