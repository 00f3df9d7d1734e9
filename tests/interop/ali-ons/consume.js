'use strict';
// ali-ons (a RocketMQ client we did not write) as the push consumer, for ali_ons_consumer_test:
// a new clustering group consumes TOPIC from its first offset and prints every message it gets:
//   node consume.js NAMESRV TOPIC GROUP COUNT TIMEOUT_MS
//   READY                                              once the consumer is started
//   RECV <hex keys> <hex tags> <hex body> <msgId>      one line per delivery (duplicates too)
//   DONE {"received":N,...}
// Stops 1.5 s after COUNT distinct messages arrived (to see late duplicates) or after TIMEOUT_MS.
// Exit 0 when COUNT distinct messages arrived and no error was reported.

const httpclient = require('urllib');
const { Consumer } = require('ali-ons');

const [namesrv, topic, group, countArg, timeoutArg] = process.argv.slice(2);
if (!namesrv || !topic || !group || !countArg) {
  console.error('usage: node consume.js NAMESRV TOPIC GROUP COUNT [TIMEOUT_MS]');
  process.exit(2);
}
const count = Number(countArg);
const timeoutMs = Number(timeoutArg || 60000);
const hex = s => Buffer.from(s || '').toString('hex');

async function main() {
  const errors = [];
  const seen = new Set();
  let deliveries = 0;
  let resolveAll;
  const allArrived = new Promise(resolve => { resolveAll = resolve; });

  const consumer = new Consumer({
    httpclient, nameSrv: namesrv, accessKeyId: 'none', accessKeySecret: 'none',
    consumerGroup: group, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    instanceName: `consume-${process.pid}`,
  });
  consumer.on('error', err => errors.push(err.message));
  consumer.subscribe(topic, '*', async msg => {
    deliveries++;
    const keys = String(msg.keys || '');
    seen.add(keys);
    process.stdout.write(`RECV ${hex(keys)} ${hex(msg.tags)} ${Buffer.from(msg.body || '').toString('hex')} ${msg.msgId}\n`);
    if (seen.size >= count) resolveAll();
  });
  await consumer.ready();
  process.stdout.write('READY\n');

  const timer = setTimeout(resolveAll, timeoutMs);
  await allArrived;
  clearTimeout(timer);
  await new Promise(r => setTimeout(r, 1500));
  await consumer.close();
  process.stdout.write(`DONE ${JSON.stringify({ received: seen.size, deliveries, errors: errors.slice(0, 5) })}\n`);
  return seen.size >= count && errors.length === 0 ? 0 : 1;
}

main().then(code => process.exit(code), err => {
  process.stdout.write(`ERROR ${String(err && err.stack || err)}\n`);
  process.exit(1);
});
