'use strict';
// ali-ons (a RocketMQ client we did not write) as the producer, for ali_ons_consumer_test: sends
// COUNT messages to TOPIC with two keys, a tag and a binary body (every 25th over 4 KiB, so that
// ali-ons compresses it), one at a time, and prints what it sent:
//   node produce.js NAMESRV TOPIC COUNT KEY_PREFIX
//   SENT <hex keys> <hex tags> <hex body> <msgId>     one line per acknowledged message
//   FAILED <index> <reason>                            one line per failed send
//   DONE {"sent":N,"failed":F}
// Exit 0 when every send was acknowledged (SEND_OK).

const crypto = require('crypto');
const httpclient = require('urllib');
const { Producer, Message } = require('ali-ons');

const [namesrv, topic, countArg, prefix] = process.argv.slice(2);
if (!namesrv || !topic || !countArg || !prefix) {
  console.error('usage: node produce.js NAMESRV TOPIC COUNT KEY_PREFIX');
  process.exit(2);
}
const count = Number(countArg);
const suffix = `${process.pid}-${Date.now()}`;
const hex = s => Buffer.from(s).toString('hex');

async function main() {
  const producer = new Producer({
    httpclient, nameSrv: namesrv, accessKeyId: 'none', accessKeySecret: 'none',
    instanceName: `produce-${suffix}`, producerGroup: `GID_orbit_interop_p_${suffix}`,
  });
  const errors = [];
  producer.on('error', err => errors.push(err.message));
  await producer.ready();
  let sent = 0;
  let failed = 0;
  for (let i = 0; i < count; i++) {
    const keys = [ `${prefix}-${i}`, `second-${i}` ];
    const tag = `Tag${i % 3}`;
    const size = i % 25 === 0 ? 5000 + i : 1 + (i % 200);
    const body = Buffer.concat([ Buffer.from(`${prefix} ${i} `), crypto.randomBytes(size) ]);
    const msg = new Message(topic, tag, body);
    msg.keys = keys;
    try {
      const result = await producer.send(msg);
      if (result && result.sendStatus === 'SEND_OK') {
        sent++;
        process.stdout.write(`SENT ${hex(keys.join(' '))} ${hex(tag)} ${body.toString('hex')} ${result.msgId}\n`);
      } else {
        failed++;
        process.stdout.write(`FAILED ${i} ${JSON.stringify(result)}\n`);
      }
    } catch (err) {
      failed++;
      process.stdout.write(`FAILED ${i} ${String(err && err.message || err)}\n`);
    }
  }
  await producer.close();
  process.stdout.write(`DONE ${JSON.stringify({ sent, failed, errors: errors.slice(0, 5) })}\n`);
  return failed === 0 ? 0 : 1;
}

main().then(code => process.exit(code), err => {
  process.stdout.write(`ERROR ${String(err && err.stack || err)}\n`);
  process.exit(1);
});
