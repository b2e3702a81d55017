// node-rdkafka (its bundled librdkafka, built at install) against minikafka: the modes of
// test/interop/modern-clients/scenario.ts, JSON lines on stdout.
// Header values are text: node-rdkafka's produce() turns each header value into a JS string and its
// C++ side copies it up to the first NUL, so binary values (0x00, 0xff) cannot be sent. It reads
// header values back as Buffers.
import Kafka from 'node-rdkafka';
import { deadline, fail } from './common.mjs';
import { create, member, produce, read } from './librdkafka-api.mjs';

export const textHeadersOf = (i) => [['trace', `t-${i}`], ['empty', ''], ['trace', 'second']];

const [mode, bootstrap, topic, ...rest] = process.argv.slice(2);
const modes = {
  create: () => create(Kafka, bootstrap, topic, Number(rest[0])),
  produce: () => produce(Kafka, textHeadersOf, bootstrap, topic, Number(rest[0]), Number(rest[1])),
  read: () => read(Kafka, bootstrap, topic, Number(rest[0]), Number(rest[1])),
  member: () => member(Kafka, bootstrap, topic, rest[0], rest[1] ?? 'classic'),
};
if (!modes[mode]) fail(`unknown mode ${mode}`);
if (mode !== 'member') deadline(90_000, mode);
modes[mode]().then(() => process.exit(0), fail);
