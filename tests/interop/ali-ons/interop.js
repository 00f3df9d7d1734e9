'use strict';
// ali-ons (a RocketMQ client we did not write) against an Orbit name server + broker:
// a push consumer group subscribes, a producer sends COUNT messages with keys and tags, and
// every message must arrive exactly once with its body, key and tag intact.
//   node interop.js NAMESRV TOPIC [COUNT] [TIMEOUT_MS]
// Prints one JSON summary line; exit 0 when every message arrived once and intact.

const crypto = require('crypto');
const httpclient = require('urllib');
const { Producer, Consumer, Message } = require('ali-ons');

const [namesrv, topic, countArg, timeoutArg] = process.argv.slice(2);
if (!namesrv || !topic) {
  console.error('usage: node interop.js NAMESRV TOPIC [COUNT] [TIMEOUT_MS]');
  process.exit(2);
}
const count = Number(countArg || 200);
const timeoutMs = Number(timeoutArg || 90000);
const suffix = `${process.pid}-${Date.now()}`;

function sha256(buf) {
  return crypto.createHash('sha256').update(buf).digest('hex');
}

async function main() {
  const sent = new Map();  // key -> { tag, sha }
  const received = new Map();  // key -> times
  const problems = [];
  let resolveAll;
  const allArrived = new Promise(resolve => { resolveAll = resolve; });

  const common = { httpclient, nameSrv: namesrv, accessKeyId: 'none', accessKeySecret: 'none',
    instanceName: `interop-${suffix}` };
  const consumer = new Consumer({ ...common, consumerGroup: `GID_interop_c_${suffix}` });
  consumer.on('error', err => problems.push(`consumer error: ${err.message}`));
  consumer.subscribe(topic, '*', async msg => {
    // ali-ons gives KEYS as the stored string (space-separated keys).
    const key = String(msg.keys || '').split(' ')[0];
    received.set(key, (received.get(key) || 0) + 1);
    const want = sent.get(key);
    if (!want) {
      problems.push(`unexpected message key=${key}`);
    } else {
      if (sha256(msg.body) !== want.sha) problems.push(`body of ${key} differs`);
      if (msg.tags !== want.tag) problems.push(`tag of ${key} is ${msg.tags}, want ${want.tag}`);
    }
    if (received.size >= count) resolveAll();
  });
  await consumer.ready();

  const producer = new Producer({ ...common, producerGroup: `GID_interop_p_${suffix}` });
  producer.on('error', err => problems.push(`producer error: ${err.message}`));
  await producer.ready();
  for (let i = 0; i < count; i++) {
    const key = `K-${suffix}-${i}`;
    const tag = `Tag${i % 3}`;
    const body = Buffer.concat([Buffer.from(`interop ${i} `), crypto.randomBytes(16 + (i % 64))]);
    sent.set(key, { tag, sha: sha256(body) });
    const msg = new Message(topic, tag, body);
    msg.keys = [ key ];
    const result = await producer.send(msg);
    if (!result || result.sendStatus !== 'SEND_OK') {
      problems.push(`send ${i}: ${JSON.stringify(result)}`);
    }
  }

  const timer = setTimeout(resolveAll, timeoutMs);
  await allArrived;
  clearTimeout(timer);
  // A little longer, to see duplicates that would arrive late.
  await new Promise(r => setTimeout(r, 1000));
  await producer.close();
  await consumer.close();

  let duplicates = 0;
  for (const [key, times] of received) if (times > 1) { duplicates++; problems.push(`${key} arrived ${times} times`); }
  const missing = [...sent.keys()].filter(k => !received.has(k));
  const summary = { sent: sent.size, received: received.size, duplicates, missing: missing.length,
    problems: problems.slice(0, 20) };
  console.log(JSON.stringify(summary));
  return missing.length === 0 && duplicates === 0 && problems.length === 0 ? 0 : 1;
}

main().then(code => process.exit(code), err => {
  console.log(JSON.stringify({ error: String(err && err.stack || err) }));
  process.exit(1);
});
