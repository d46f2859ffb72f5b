// Times @redactpii/node's Redactor.redact per message on the messages Tailor's bench exported, the way
// ModerationLatency times Tailor's PII detector + redaction: warm-up, then 20,000 messages each timed alone.
// usage: node moderation-peer.mjs <messages dir>
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redactor } from '@redactpii/node';

const dir = process.argv[2];
const redactor = new Redactor();
const count = 20000;
console.log('| part | chars | wall p50 µs | wall p99 µs | mean µs | messages/s (1 thread, wall) |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const length of [100, 2000]) {
  const messages = JSON.parse(readFileSync(join(dir, `messages-${length}.json`), 'utf8'));
  let sink = 0;
  for (let i = 0; i < 2000; i++) sink += redactor.redact(messages[i % messages.length]).length;
  const times = new Float64Array(count);
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    sink += redactor.redact(messages[i % messages.length]).length;
    times[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  times.sort();
  const mean = times.reduce((a, b) => a + b, 0) / count;
  console.log(`| @redactpii/node 1.0.17 redact | ${length} | ${times[count / 2].toFixed(1)} | ${times[Math.floor(count * 0.99)].toFixed(1)} | ${mean.toFixed(1)} | ${Math.round(count / seconds)} |`);
  if (sink === -1) console.log('');
}
