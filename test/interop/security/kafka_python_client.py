"""kafka-python with security settings as JSON (KafkaProducer/KafkaConsumer keyword names): produce one message, read it back.

usage: kafka_python_client.py <json config> <topic> ; prints {"value": ...} or {"error": ...}
"""
import json
import sys

from kafka import KafkaConsumer, KafkaProducer


def main():
    conf = json.loads(sys.argv[1])
    topic = sys.argv[2]
    try:
        p = KafkaProducer(**conf)
        p.send(topic, key=b"k", value=b"python hello").get(timeout=20)
        p.close()
        c = KafkaConsumer(topic, group_id=topic + "-g", auto_offset_reset="earliest", consumer_timeout_ms=20000, **conf)
        for m in c:
            print(json.dumps({"value": m.value.decode()}))
            c.close()
            return
        raise RuntimeError("no message within 20 s")
    except Exception as e:  # reported to the test, which asserts on it
        print(json.dumps({"error": (type(e).__name__ + ": " + str(e))[:500]}))


if __name__ == "__main__":
    main()
